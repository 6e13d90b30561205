import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * What `npm test` prints besides the results (issue 13): no JEST-01 deprecation warning per test file, and
 * the suites skipped named with their reason. Runs jest itself, with this repository's jest.config.js, on
 * small fixture suites (test/fixtures/jest-globals/).
 */
const ROOT = path.resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { skippedSuiteLines } = require('./reporters/skipped-suites.js') as { skippedSuiteLines: (results: unknown[], rootDir: string, filtered: boolean) => string[] };

function runJest(...args: string[]): { status: number | null; output: string } {
  const jest = require.resolve('jest/bin/jest');
  const run = spawnSync(process.execPath, [jest, '--roots', '<rootDir>/test/fixtures/jest-globals', '--testMatch', '**/*.fixture.ts', '--runInBand', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('the jest configuration', () => {
  it('runs files that share nock\'s interceptor without the JEST-01 deprecation warning, and names the skipped suite and why', () => {
    const { status, output } = runJest();
    expect(output).toContain('Tests:       1 skipped, 2 passed, 3 total');
    expect(status).toBe(0);
    expect(output).not.toMatch(/DeprecationWarning|JEST-01/);
    expect(output).toContain('Skipped suites (1), not run:\n  test/fixtures/jest-globals/skipped.fixture.ts: no example server configured (EXAMPLE_URL unset)');
  }, 60_000);
});

describe('the skipped-suites reporter', () => {
  const file = (name: string, counts: { passed?: number; pending?: number }, titles: string[][] = []) => ({
    testFilePath: path.join(ROOT, 'test', name),
    numPassingTests: counts.passed ?? 0,
    numFailingTests: 0,
    numPendingTests: counts.pending ?? 0,
    testResults: titles.map((t) => ({ ancestorTitles: t.slice(0, -1), title: t[t.length - 1] })),
  });

  it('lists each wholly skipped suite with the reason in its title; suites that ran are not listed', () => {
    const results = [
      file('store/postgres-store.test.ts', { pending: 3 }, [['PostgresStore [SKIPPED: no PostgreSQL server]', 'stores a record']]),
      file('cards/markdown.test.ts', { passed: 5 }),
      file('half.test.ts', { passed: 1, pending: 1 }, [['x', 'y']]),
      file('silent.test.ts', { pending: 1 }, [['plain', 'skipped']]),
    ];
    expect(skippedSuiteLines(results, ROOT, false)).toEqual([
      'Skipped suites (2), not run:',
      '  test/store/postgres-store.test.ts: no PostgreSQL server',
      '  test/silent.test.ts: every test skipped (no reason given)',
    ]);
    // Under -t, suites with no reason were skipped by the filter: not listed.
    expect(skippedSuiteLines(results, ROOT, true)).toEqual(['Skipped suites (1), not run:', '  test/store/postgres-store.test.ts: no PostgreSQL server']);
    expect(skippedSuiteLines([results[1]], ROOT, false)).toEqual([]);
  });
});
