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

/**
 * The scenario patients a service folder ships (cds-services/<id>/scenarios/scenarios.json), for the demo,
 * the sandbox page and tests. Found next to the sources whether the code runs from src/ or dist/.
 */
export class ScenarioLibrary {
  private constructor(
    readonly dir: string,
    readonly catalog: ScenarioCatalog,
  ) {}

  static forService(serviceId: string): ScenarioLibrary | undefined {
    const candidates = [path.resolve(__dirname, '../../cds-services', serviceId, 'scenarios'), path.resolve(__dirname, '../../../cds-services', serviceId, 'scenarios')];
    const dir = candidates.find((d) => fs.existsSync(path.join(d, 'scenarios.json')));
    if (!dir) return undefined;
    const catalog = JSON.parse(fs.readFileSync(path.join(dir, 'scenarios.json'), 'utf8')) as ScenarioCatalog;
    return new ScenarioLibrary(dir, catalog);
  }

  get scenarios(): Scenario[] {
    return this.catalog.scenarios;
  }

  find(id: string): Scenario | undefined {
    return this.catalog.scenarios.find((s) => s.id === id);
  }

  /** The patient's transaction Bundle, dates moved so that the reference date becomes `today` (as written when omitted). */
  patientBundle(scenario: Scenario, today?: string): Bundle {
    const bundle = JSON.parse(fs.readFileSync(path.join(this.dir, scenario.patient), 'utf8')) as Bundle;
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
