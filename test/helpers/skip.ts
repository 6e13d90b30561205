/**
 * A suite that needs something this machine may lack (a PostgreSQL server, Chromium): skipped with its
 * reason in its title, which the skipped-suites reporter (test/reporters/skipped-suites.js) prints at the
 * end of the run, so `npm test` says which suites did not run and why.
 */
export const SKIP_MARK = 'SKIPPED: ';

export function describeUnless(skipReason: string | undefined, title: string, body: () => void): void {
  if (skipReason) describe.skip(`${title} [${SKIP_MARK}${skipReason}]`, body);
  else describe(title, body);
}
