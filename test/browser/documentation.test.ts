import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';
import { CHROMIUM_PATH, browserMode, launchChromium, type Browser } from './chromium';

/**
 * Documentation in place, in a real browser (Debian chromium driven by playwright-core), against the real
 * service: sign an order that needs documentation on the test page; open the documentation app from the
 * card ("Complete documentation": a standalone SMART launch against the sandbox FHIR server, with the card's
 * appContext); see what the chart holds, marked as auto-populated; answer the missing items in LHC-Forms,
 * attest and save the QuestionnaireResponse; the page signs again and the order is covered. And where all the
 * record lacks is a yes/no, the card's plain suggestion attests it: the page saves the QuestionnaireResponse
 * to the chart and signs again.
 */
const mode = browserMode();
if (mode === 'skip') {
  console.warn(
    `\n*** BROWSER TESTS SKIPPED (documentation app): ${CHROMIUM_PATH} is not installed (apt-get install -y chromium).\n` +
      '*** CI installs it and sets REQUIRE_BROWSER=1, which turns this skip into a failure.\n',
  );
}
const describeInBrowser = mode === 'skip' ? describe.skip : describe;
const RESULTS_DIR = path.resolve(__dirname, '../../test-results');

describeInBrowser('documentation app (/dtr) launched from the card, in Chromium', () => {
  let runtime: Runtime;
  let server: Server;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    if (mode === 'fail') throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`);
    // The chart comes over HTTP from a server on this machine: a deadline a loaded machine keeps (not a speed check).
    runtime = await testRuntime({ env: { FHIR_TIMEOUT_MS: '15000' } });
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

  function watch(page: Page): string[] {
    const errors: string[] = [];
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(`${message.text()} ${message.location().url}`));
    page.on('response', (response) => response.status() >= 400 && errors.push(`HTTP ${response.status()} ${response.url()}`));
    return errors;
  }

  /** An LHC-Forms item by its linkId (ids such as "physical-therapy.kind/1/1" hold dots and slashes). */
  const item = (page: Page, linkId: string) => page.locator(`[id="item-${linkId}/1/1"]`);

  it('completes the missing documentation of a conditional order and gets it covered', async () => {
    const page = await browser.context.newPage();
    const errors = watch(page);
    await page.goto(`${baseUrl}/sandbox?scenario=facet-02-conservative-therapy-undocumented`);
    await page.locator('#patient-name', { hasText: 'Patient/facet-02' }).waitFor();
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const conditional = page.getByRole('article').filter({ hasText: 'Prior auth needed: document' });
    await conditional.waitFor();
    expect(await page.locator('.coverage').textContent()).toBe('Coverage: conditional');

    const [app] = await Promise.all([browser.context.waitForEvent('page'), conditional.getByRole('button', { name: 'Complete documentation' }).click()]);
    const appErrors = watch(app);
    await app.locator('#status', { hasText: '2 criteria need your answer.' }).waitFor();
    // What the chart holds is shown apart, marked as auto-populated, with the resources it was read from.
    const pain = app.locator('#record-list li[data-criterion="pain-three-months"]');
    expect(await pain.getAttribute('data-status')).toBe('met');
    expect(await pain.textContent()).toContain('From the chart (auto-populated): Condition/facet-02-condition-2');
    for (const missing of ['physical-therapy', 'nsaid-trial']) expect(await app.locator(`#record-list li[data-criterion="${missing}"]`).getAttribute('data-status')).toBe('not-documented');
    await app.screenshot({ path: path.join(RESULTS_DIR, 'dtr-prefilled.png'), fullPage: true });

    // Only the criteria the chart leaves undocumented are asked.
    await item(app, 'physical-therapy.kind').getByText('Physical therapy', { exact: true }).click();
    await app.locator('[id="physical-therapy.therapy-days/1/1"]').fill('42');
    await item(app, 'nsaid-trial.trial').getByText('Taken', { exact: true }).click();
    await app.locator('[id="nsaid-trial.days/1/1"]').fill('30');
    await app.locator('[id="attestation/1|true"]').click();
    await app.getByRole('button', { name: 'Attest and save' }).click();
    await app.locator('#status', { hasText: /^Saved as QuestionnaireResponse\// }).waitFor();
    await app.screenshot({ path: path.join(RESULTS_DIR, 'dtr-saved.png'), fullPage: true });

    // The page hears that the documentation was saved, signs again, and the order is covered.
    await page.locator('.coverage', { hasText: 'Coverage: covered' }).waitFor();
    // The decision card now says the record meets the policy (its words follow the plan's prior-auth setting).
    const covered = page.getByRole('article').filter({ hasText: /meets policy/i }).first();
    await covered.waitFor();
    await covered.getByText('Details: how each criterion was read').click();
    expect(await covered.locator('.detail').textContent()).toContain('Attested by Practitioner/sandbox-clinician');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'dtr-covered.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(appErrors).toEqual([]);
    await app.close();
    await page.close();
  }, 120_000);

  it('attests a yes/no the record lacks with the card\'s suggestion, without the app, and gets the order covered', async () => {
    const page = await browser.context.newPage();
    const errors = watch(page);
    await page.goto(`${baseUrl}/sandbox?scenario=facet-01-first-block-covered`);
    await page.locator('#patient-name', { hasText: 'Patient/facet-01' }).waitFor();
    // The scenario's orders say radiofrequency is being considered; an order added on the page does not.
    while ((await page.locator('#orders .remove').count()) > 0) await page.locator('#orders .remove').first().click();
    await page.getByRole('button', { name: 'Add order' }).click();
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const conditional = page.getByRole('article').filter({ hasText: 'document that RF neurotomy is planned' });
    await conditional.waitFor();
    expect(await page.locator('.coverage').textContent()).toBe('Coverage: conditional');
    // The app stays offered; the plain suggestion does it in one click.
    await conditional.getByRole('button', { name: 'Complete documentation' }).waitFor();
    await conditional.getByRole('button', { name: 'Attest “Yes” to “Is radiofrequency neurotomy being considered if the blocks are positive?”' }).click();
    await page.locator('.coverage', { hasText: 'Coverage: covered' }).waitFor();
    expect(await page.locator('#orders .order').count()).toBe(1);
    const covered = page.getByRole('article').filter({ hasText: /meets policy/i }).first();
    await covered.getByText('Details: how each criterion was read').click();
    expect(await covered.locator('.detail').textContent()).toContain('Attested by Practitioner/sandbox-clinician');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'dtr-attested-by-suggestion.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
