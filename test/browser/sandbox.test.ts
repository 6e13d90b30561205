import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import type { Runtime } from '../../src/runtime';
import { TEST_NOW, testRuntime } from '../helpers/runtime';
import { describeUnless } from '../helpers/skip';
import { CHROMIUM_PATH, browserMode, launchChromium, type Browser } from './chromium';

/**
 * The order-entry test page in a real browser (Debian chromium driven by playwright-core), against the
 * real service: sign the ultrasound-guided order, see it not covered, apply the fluoroscopic alternative
 * the card suggests, see the re-signed order covered (the page asks for the meets-policy card); dismiss a
 * card with an override reason; send the same orders with another hook from the hook selector.
 * Screenshots go to test-results/ (and to docs/sandbox.png with UPDATE_SCREENSHOTS=1).
 */
const mode = browserMode();
if (mode === 'skip') {
  console.warn(
    `\n*** BROWSER TESTS SKIPPED: ${CHROMIUM_PATH} is not installed (apt-get install -y chromium).\n` +
      '*** CI installs it and sets REQUIRE_BROWSER=1, which turns this skip into a failure.\n',
  );
}
const describeInBrowser = (title: string, body: () => void) => describeUnless(mode === 'skip' ? `${CHROMIUM_PATH} is not installed (apt-get install -y chromium)` : undefined, title, body);
const RESULTS_DIR = path.resolve(__dirname, '../../test-results');
const DOCS_SCREENSHOT = path.resolve(__dirname, '../../docs/sandbox.png');

describeInBrowser('order-entry test page (/sandbox) in Chromium', () => {
  let runtime: Runtime;
  let server: Server;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    if (mode === 'fail') throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`);
    runtime = await testRuntime();
    server = await new Promise<Server>((resolve) => {
      const s = runtime.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await runtime?.close();
  });

  async function openPage(scenario: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${baseUrl}/sandbox?scenario=${scenario}`);
    await page.getByLabel('Scenario patient').waitFor();
    return { page, errors };
  }

  it('signs an ultrasound-guided injection, applies the fluoroscopic alternative and sees the order covered', async () => {
    const { page, errors } = await openPage('facet-05-ultrasound-guided');
    await page.locator('#patient-name', { hasText: 'Susan Patel' }).waitFor();
    const code = page.getByLabel('Procedure (CPT)');
    expect(await code.inputValue()).toBe('0216T');

    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const notCovered = page.getByRole('article').filter({ hasText: 'Not covered' });
    await notCovered.waitFor();
    expect(await notCovered.locator('.indicator').textContent()).toBe('Warning');
    // The reason first, whole, and the fix (issue 13): the procedure and its code are in the detail.
    const summary = notCovered.getByRole('heading');
    expect(await summary.textContent()).toBe('Not covered: ultrasound guidance. Order the same injection under fluoroscopic or CT guidance (CPT 64493)');
    expect(await summary.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
    await notCovered.getByText('Details: how each criterion was read').click();
    const detail = (await notCovered.locator('.detail').textContent())!;
    expect(detail).toContain('Lumbar facet joint injection (ultrasound-guided), 1 level (CPT 0216T)');
    // Words and plain marks only: nothing that needs an emoji font (Debian's Chromium has none: empty boxes).
    expect(await notCovered.textContent()).not.toMatch(/[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}\u{FE0F}]/u);
    expect(await page.locator('.coverage').textContent()).toBe('Coverage: not-covered');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'sandbox-not-covered.png') });
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: DOCS_SCREENSHOT });

    // The alternative is on its own card (CRD Propose Alternate Request), next to the decision card.
    const alternatives = page.getByRole('article').filter({ hasText: 'Alternatives that meet policy' });
    await alternatives.getByRole('button', { name: /fluoroscopic or CT guidance \(CPT 64493\)/ }).click();
    const covered = page.getByRole('article').filter({ hasText: 'Meets policy' });
    await covered.waitFor();
    expect(await code.inputValue()).toBe('64493');
    expect(await page.locator('.coverage').textContent()).toBe('Coverage: covered');
    expect(await page.getByRole('status').textContent()).toContain('ServiceRequest/facet-05-sr-1: covered');
    expect(await page.getByRole('article').count()).toBe(1);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'sandbox-covered.png'), fullPage: true });

    const accepted = await runtime.deps.store.listFeedback(new Date(TEST_NOW.getTime() - 60_000), new Date(TEST_NOW.getTime() + 60_000));
    expect(accepted.map((f) => f.outcome)).toContain('accepted');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders the card detail markdown and dismisses a card with an override reason, sending feedback', async () => {
    const { page, errors } = await openPage('facet-06-thoracic-injection');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const card = page.getByRole('article').filter({ hasText: 'Not covered' });
    await card.waitFor();

    await card.getByText('Details: how each criterion was read').click();
    expect(await card.locator('.detail strong').first().textContent()).toBe('Not covered.');
    // The unmet criterion is a list item, and so is each part of how the order was read; the met ones are counted on one line.
    const items = await card.locator('.detail li').allTextContents();
    expect(items.filter((t) => !/^(Procedure|Region|Levels|Date|Pathway|Under the LCD): /.test(t))).toHaveLength(1);
    expect(items).toContainEqual(expect.stringMatching(/^Procedure: /));
    expect(await card.locator('.detail').textContent()).toMatch(/Met \(\d+\): /);
    expect(await card.locator('.detail script').count()).toBe(0);
    expect(await card.getByRole('link', { name: /CP\.MP\.171/ }).getAttribute('rel')).toBe('noopener noreferrer');

    await card.getByLabel('Override reason').selectOption({ label: 'Patient-specific clinical reasons justify the order' });
    await card.getByLabel('Comment (optional)').fill('Seen by the spine team');
    const feedback = page.waitForResponse((r) => r.url().endsWith('/cds-services/facet-joint-interventions/feedback'));
    await card.getByRole('button', { name: /^Dismiss the card/ }).click();
    const response = await feedback;
    expect(response.status()).toBe(200);
    expect(response.request().postDataJSON()).toMatchObject({
      feedback: [{ outcome: 'overridden', overrideReason: { reason: { code: 'clinical-exception' }, userComment: 'Seen by the spine team' } }],
    });
    await page.getByText(/Dismissed ".*" with the reason/).waitFor();
    expect(await page.getByRole('article').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cards-heading');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers the Medicare members, grouped under the LCD, and signs one: decided under the LCD, its profile linked', async () => {
    const { page, errors } = await openPage('lcd-06-third-ablation-in-a-year');
    const groups = await page.locator('#scenario optgroup').evaluateAll((els) => els.map((e) => (e as HTMLOptGroupElement).label));
    expect(groups).toEqual([expect.stringMatching(/^CP\.MP\.171 /), expect.stringMatching(/^LCD L38841 .*\(medicare.* members\)$/)]);
    expect(await page.locator('#scenario optgroup').nth(1).locator('option').count()).toBe(11);
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const card = page.getByRole('article').filter({ hasText: 'Not covered' });
    await card.waitFor();
    await card.getByText('Details: how each criterion was read').click();
    expect(await card.locator('.detail').textContent()).toContain('under LCD L38841');
    expect(await card.getByRole('link', { name: /LCD L38841/ }).first().getAttribute('href')).toContain('lcdid=38841');
    expect(await page.getByRole('button', { name: /Schedule on \d{4}-\d\d-\d\d/ }).filter({ hasNotText: 'Dismiss' }).count()).toBe(1);
    expect(await page.locator('.coverage').textContent()).toBe('Coverage: not-covered');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'sandbox-medicare.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['order-dispatch', 'Dispatch', 'facet-joint-interventions-order-dispatch'],
    ['appointment-book', 'Book', 'facet-joint-interventions-appointment-book'],
    ['order-select', 'Select', 'facet-joint-interventions-order-select'],
  ])('the hook selector sends the orders as %s, to that hook\'s service: the same decision as signing them', async (hook, verb, serviceId) => {
    const { page, errors } = await openPage('facet-05-ultrasound-guided');
    await page.locator('#patient-name', { hasText: 'Susan Patel' }).waitFor();
    await page.getByLabel('Hook (when the EHR asks)').selectOption(hook);
    expect(await page.locator('#hook-name').textContent()).toBe(hook);
    expect(page.url()).toContain(`hook=${hook}`);

    const call = page.waitForResponse((r) => r.url().endsWith(`/cds-services/${serviceId}`));
    await page.getByRole('button', { name: verb, exact: true }).click();
    const response = await call;
    expect(response.status()).toBe(200);
    expect(response.request().postDataJSON()).toMatchObject({ hook });
    const notCovered = page.getByRole('article').filter({ hasText: 'Not covered' });
    await notCovered.waitFor();
    // The same reason whatever the hook; the fix only where the order is still a draft (order-select).
    expect(await notCovered.getByRole('heading').textContent()).toMatch(/^Not covered: ultrasound guidance/);
    if (hook === 'order-select') {
      // A secondary hook: cards only, and the alternatives, since the order is still a draft.
      expect(await page.getByRole('article').filter({ hasText: 'Alternatives that meet policy' }).count()).toBe(1);
    } else {
      // Coverage information recorded (on the Appointment for appointment-book); signed orders get no alternatives.
      expect(await page.locator('.coverage').textContent()).toBe('Coverage: not-covered');
      expect(await page.getByRole('article').filter({ hasText: 'Alternatives that meet policy' }).count()).toBe(0);
    }
    await page.screenshot({ path: path.join(RESULTS_DIR, `sandbox-${hook}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  });
});
