import { Semaphore } from '../../src/fhir/semaphore';

/** The process-wide limit on outbound FHIR requests. */
describe('Semaphore', () => {
  it('lets `limit` holders in and queues the rest in order', async () => {
    const semaphore = new Semaphore(2);
    const order: string[] = [];
    const a = await semaphore.acquire();
    const b = await semaphore.acquire();
    const c = semaphore.acquire().then((release) => (order.push('c'), release));
    const d = semaphore.acquire().then((release) => (order.push('d'), release));
    expect(semaphore.inFlight).toBe(2);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(semaphore.inFlight).toBe(0);
  });

  it('ignores a second release of the same slot', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    release();
    release();
    expect(semaphore.inFlight).toBe(0);
    await semaphore.acquire();
    expect(semaphore.inFlight).toBe(1);
  });

  it('lets a waiter give up when its signal aborts, without taking a slot', async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow('aborted');
    held();
    expect(semaphore.inFlight).toBe(0);
  });

  it('refuses at once when the signal has already aborted', async () => {
    await expect(new Semaphore(5).acquire(AbortSignal.abort())).rejects.toThrow('aborted');
  });
});
