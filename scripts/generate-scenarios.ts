/**
 * Writes the scenario patients (FHIR R4 transaction Bundles) and their catalogs into each declaration's
 * scenarios/ folder: CP.MP.171's (cds-services/facet-joint-interventions/scenarios/) and the Medicare LCD's
 * (cds-services/lcd-l38841-facet-joint-interventions/scenarios/). Run with `npm run scenarios:generate`;
 * a test checks the committed files match this output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REFERENCE_DATE } from '../test/helpers/chart';
import { lcdScenarios } from './lcd-scenario-definitions';
import { buildScenarioChart, scenarios, type ScenarioDefinition } from './scenario-definitions';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

const SERVICES_DIR = path.resolve(__dirname, '../cds-services');

/** One declaration's scenario set. */
export interface ScenarioSet {
  declaration: string;
  description: string;
  definitions: ScenarioDefinition[];
}

export const SCENARIO_SETS: ScenarioSet[] = [
  {
    declaration: 'facet-joint-interventions',
    description:
      'Synthetic patients for the facet-joint-interventions service, one per policy pathway and outcome. Each patients/*.json is a FHIR R4 transaction Bundle (PUT with fixed ids); the orders are the draft ServiceRequests to sign; expected is what the service decides when today is referenceDate. Shift every date by (today - referenceDate) to use them on another day (npm run load-patients does).',
    definitions: scenarios,
  },
  {
    declaration: 'lcd-l38841-facet-joint-interventions',
    description:
      'Synthetic Medicare members for the facet-joint-interventions service, which decides them under LCD L38841: each shows where the LCD and CP.MP.171 differ, one way or the other. Each patients/*.json is a FHIR R4 transaction Bundle (PUT with fixed ids); the orders are the draft ServiceRequests to sign; expected is what the service decides when today is referenceDate. Shift every date by (today - referenceDate) to use them on another day (npm run load-patients does).',
    definitions: lcdScenarios,
  },
];

export function scenarioDirOf(declaration: string): string {
  return path.join(SERVICES_DIR, declaration, 'scenarios');
}

/** CP.MP.171's scenarios folder (the service's own). */
export const SCENARIO_DIR = scenarioDirOf('facet-joint-interventions');

/** The files of one scenario set, by path relative to its scenarios/ folder. */
export function renderScenarioSet(set: ScenarioSet): Map<string, string> {
  const files = new Map<string, string>();
  const catalog = {
    description: set.description,
    referenceDate: REFERENCE_DATE,
    scenarios: set.definitions.map((s) => {
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

/** CP.MP.171's scenario files (the service's own set). */
export function renderScenarios(): Map<string, string> {
  return renderScenarioSet(SCENARIO_SETS[0]!);
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  for (const set of SCENARIO_SETS) {
    const dir = scenarioDirOf(set.declaration);
    // A scenario removed from the definitions leaves no stale patient file behind.
    fs.rmSync(path.join(dir, 'patients'), { recursive: true, force: true });
    for (const [file, content] of renderScenarioSet(set)) {
      const target = path.join(dir, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
      process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
    }
  }
}
