/**
 * Child process for two-processes.test.ts: opens the store exactly as a service process does
 * (createStore(loadConfig()): DATABASE_URL from its environment) and claims one JWT id, printing
 * {"claimed": true|false}. Usage: node --import tsx test/integration/claim-jti.ts <iss> <jti>
 */
import { loadConfig } from '../../src/config';
import { createStore } from '../../src/store/create-store';

async function main(): Promise<void> {
  const [iss, jti] = process.argv.slice(2);
  if (!iss || !jti) throw new Error('usage: claim-jti.ts <iss> <jti>');
  const store = await createStore(loadConfig());
  try {
    const claimed = await store.claimJti(iss, jti, new Date(Date.now() + 5 * 60_000));
    process.stdout.write(`${JSON.stringify({ claimed, store: store.kind })}\n`);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
