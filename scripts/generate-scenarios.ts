/**
 * Writes the scenario patients (FHIR R4 transaction Bundles) and their catalog into
 * cds-services/facet-joint-interventions/scenarios/. Run with `npm run scenarios:generate`;
 * a test checks the committed files match this output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REFERENCE_DATE } from '../test/helpers/chart';
import { buildScenarioChart, scenarios } from './scenario-definitions';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

export const SCENARIO_DIR = path.resolve(__dirname, '../cds-services/facet-joint-interventions/scenarios');

export function renderScenarios(): Map<string, string> {
  const files = new Map<string, string>();
  const catalog = {
    description:
      'Synthetic patients for the facet-joint-interventions service, one per policy pathway and outcome. Each patients/*.json is a FHIR R4 transaction Bundle (PUT with fixed ids); the orders are the draft ServiceRequests to sign; expected is what the service decides when today is referenceDate. Shift every date by (today - referenceDate) to use them on another day (npm run load-patients does).',
    referenceDate: REFERENCE_DATE,
    scenarios: scenarios.map((s) => {
      const builder = buildScenarioChart(s);
      const file = `patients/${s.id}.json`;
      files.set(file, `${JSON.stringify(builder.transaction(), null, 2)}\n`);
      return {
        id: s.id,
        title: s.title,
        description: s.description,
        patientId: builder.patientId,
        patient: file,
        orders: s.orders(builder.patientId),
        expected: s.expected,
        notices: s.notices ?? [],
      };
    }),
  };
  files.set('scenarios.json', `${JSON.stringify(catalog, null, 2)}\n`);
  return files;
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  for (const [file, content] of renderScenarios()) {
    const target = path.join(SCENARIO_DIR, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
  }
}
