// @ts-check
'use strict';
const path = require('node:path');

/**
 * A jest reporter: at the end of the run, the suites that were skipped whole, each with its reason (the
 * "[SKIPPED: reason]" a suite puts in its title through test/helpers/skip.ts), so `npm test`'s "2 skipped"
 * says which and why. With a test-name filter (-t) suites without a reason are the filter's doing and are
 * not listed.
 */
const MARK = /\[SKIPPED: ([^\]]+)\]/;

class SkippedSuitesReporter {
  /** @param {{ rootDir: string, testNamePattern?: string }} globalConfig */
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.filtered = Boolean(globalConfig.testNamePattern);
  }

  /** @param {unknown} _contexts @param {{ testResults: Array<{ testFilePath: string, skipped?: boolean, numPassingTests: number, numFailingTests: number, numPendingTests: number, testResults: Array<{ ancestorTitles: string[], title: string }> }> }} results */
  onRunComplete(_contexts, results) {
    const lines = skippedSuiteLines(results.testResults, this.rootDir, this.filtered);
    if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
  }
}

/** The lines the reporter prints: a heading, then one line per wholly skipped suite with its reason. */
function skippedSuiteLines(testResults, rootDir, filtered) {
  const skipped = [];
  for (const file of testResults) {
    const whole = file.skipped === true || (file.numPendingTests > 0 && file.numPassingTests === 0 && file.numFailingTests === 0);
    if (!whole) continue;
    const reason = file.testResults.map((t) => [...t.ancestorTitles, t.title].join(' ').match(MARK)?.[1]).find(Boolean);
    if (!reason && filtered) continue;
    skipped.push(`  ${path.relative(rootDir, file.testFilePath)}: ${reason ?? 'every test skipped (no reason given)'}`);
  }
  return skipped.length === 0 ? [] : [`Skipped suites (${skipped.length}), not run:`, ...skipped];
}

module.exports = SkippedSuitesReporter;
module.exports.skippedSuiteLines = skippedSuiteLines;
