import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, FhirResource, ServiceRequest } from 'fhir/r4';
import { daysFrom, shiftDates } from './shift-dates';

export interface ScenarioExpectation {
  order: string;
  outcome: string;
  notMet?: string[];
  notDocumented?: string[];
  suggestion?: string;
}

export interface Scenario {
  id: string;
  /** The policy declaration expected to decide (its folder id); absent: the folder's own. */
  policy?: string;
  title: string;
  description: string;
  patientId: string;
  /** Path of the patient's transaction Bundle, relative to the scenarios folder. */
  patient: string;
  orders: ServiceRequest[];
  expected: ScenarioExpectation[];
  notices: string[];
}

export interface ScenarioCatalog {
  referenceDate: string;
  scenarios: Scenario[];
}

/** Where a declaration's scenarios/ folder is, whether the code runs from src/ or dist/src/. */
function scenarioDir(declarationId: string): string | undefined {
  const candidates = [path.resolve(__dirname, '../../cds-services', declarationId, 'scenarios'), path.resolve(__dirname, '../../../cds-services', declarationId, 'scenarios')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'scenarios.json')));
}

/**
 * The scenario patients a declaration folder ships (cds-services/<id>/scenarios/scenarios.json), for the demo,
 * the sandbox page and tests; or those of a service and of every policy it applies, together. Found next to
 * the sources whether the code runs from src/ or dist/.
 */
export class ScenarioLibrary {
  private constructor(
    /** The folder of each scenario's files. */
    private readonly dirs: Map<Scenario, string>,
    readonly catalog: ScenarioCatalog,
  ) {}

  /** The scenarios of one declaration folder (a service's own, or a policy's). */
  static forService(declarationId: string): ScenarioLibrary | undefined {
    return ScenarioLibrary.forDeclarations([declarationId]);
  }

  /**
   * The scenarios of several declaration folders, in that order (a service's and those of the policies it
   * applies), each tagged with the policy expected to decide it. They must share one reference date.
   */
  static forDeclarations(declarationIds: string[]): ScenarioLibrary | undefined {
    const dirs = new Map<Scenario, string>();
    const scenarios: Scenario[] = [];
    let referenceDate: string | undefined;
    for (const id of declarationIds) {
      const dir = scenarioDir(id);
      if (!dir) continue;
      const catalog = JSON.parse(fs.readFileSync(path.join(dir, 'scenarios.json'), 'utf8')) as ScenarioCatalog;
      if (referenceDate !== undefined && catalog.referenceDate !== referenceDate) {
        throw new Error(`cds-services/${id}/scenarios: reference date ${catalog.referenceDate} differs from ${referenceDate}; regenerate the scenarios (npm run scenarios:generate)`);
      }
      referenceDate = catalog.referenceDate;
      for (const scenario of catalog.scenarios) {
        const tagged = { ...scenario, policy: scenario.policy ?? id };
        dirs.set(tagged, dir);
        scenarios.push(tagged);
      }
    }
    return referenceDate === undefined ? undefined : new ScenarioLibrary(dirs, { referenceDate, scenarios });
  }

  /** The scenarios a service is tried with: its own and those of the policies it may apply (LoadedService.policies). */
  static forServiceAndPolicies(service: { id: string; policies: Array<{ id: string }> }): ScenarioLibrary | undefined {
    return ScenarioLibrary.forDeclarations([...new Set([service.id, ...service.policies.map((p) => p.id)])]);
  }

  get scenarios(): Scenario[] {
    return this.catalog.scenarios;
  }

  find(id: string): Scenario | undefined {
    return this.catalog.scenarios.find((s) => s.id === id);
  }

  /** The patient's transaction Bundle, dates moved so that the reference date becomes `today` (as written when omitted). */
  patientBundle(scenario: Scenario, today?: string): Bundle {
    const dir = this.dirs.get(scenario) ?? this.dirs.get(this.find(scenario.id)!);
    if (!dir) throw new Error(`scenario ${scenario.id} is not in this library`);
    const bundle = JSON.parse(fs.readFileSync(path.join(dir, scenario.patient), 'utf8')) as Bundle;
    return shiftDates(bundle, today ? daysFrom(this.catalog.referenceDate, today) : 0);
  }

  /** The patient's resources (the Bundle's entries). */
  patientResources(scenario: Scenario, today?: string): FhirResource[] {
    return (this.patientBundle(scenario, today).entry ?? []).map((e) => e.resource as FhirResource);
  }

  /** The scenario's draft orders, dates moved like the chart's. */
  orders(scenario: Scenario, today?: string): ServiceRequest[] {
    return shiftDates(scenario.orders, today ? daysFrom(this.catalog.referenceDate, today) : 0);
  }
}
