/**
 * `npm run report -- --from 2026-11-01 --to 2026-11-30`: decision and feedback figures from the
 * store. The logic lives in src/audit (compiled into dist/, so production images without tsx run
 * `node dist/src/audit/report-cli.js` with the same arguments).
 */
import { runReport } from '../src/audit/report-cli';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

exitQuietlyWhenOutputCloses();
void runReport(process.argv.slice(2), process.env, (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then((code) => {
  process.exitCode = code;
});
