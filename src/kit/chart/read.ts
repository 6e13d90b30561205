import type { Attachment } from 'fhir/r4';
import type { FactRequirement } from '../../decision/types';
import type { FactRecord, FactSet } from '../../facts/extract';
import { dateOf, lastDateOf } from '../dates';
import { describe, factFields, type FactFields } from '../fields';
import { inclusiveDays, supplyDays, type Duration } from '../intervals';
import type { RequestMemo } from '../memo';
import { attachmentText } from './attachments';
import type {
  Chart,
  ChartAllergy,
  ChartCondition,
  ChartCoverage,
  ChartDevice,
  ChartImaging,
  ChartMedication,
  ChartObservation,
  ChartPlannedOrder,
  ChartProcedure,
  ChartSection,
} from './model';

/**
 * The fields each kind of record is read from. A declaration using the chart model declares these facts
 * (facts.json) with these fields; the loader checks it at start-up (ChartModel.requirements).
 */
export const CHART_FIELDS = {
  conditions: factFields('conditions', ['codings', 'text', 'clinicalStatus', 'verificationStatus', 'onset', 'recordedDate', 'abatement', 'bodySites', 'notes', 'severity']),
  procedures: factFields('procedures', [
    'codings',
    'text',
    'status',
    'statusReason',
    'performedStart',
    'performedEnd',
    'bodySites',
    'categories',
    'reasonCodes',
    'reasonReferences',
    'notes',
    'basedOn',
  ]),
  observations: factFields('observations', [
    'codings',
    'status',
    'effective',
    'valueNumber',
    'valueUnit',
    'valueConcept',
    'valueBoolean',
    'valueString',
    'interpretation',
    'partOf',
    'text',
    'bodySites',
  ]),
  medications: factFields('medications', [
    'codings',
    'text',
    'medicationReference',
    'status',
    'statusReason',
    'authoredOn',
    'validityStart',
    'validityEnd',
    'expectedSupplyDuration',
    'effectiveStart',
    'effectiveEnd',
    'dispensed',
    'daysSupply',
    'effectivePeriodStart',
  ]),
  medicationResources: factFields('medicationResources', ['codings', 'text']),
  allergies: factFields('allergies', ['codings', 'text', 'clinicalStatus', 'verificationStatus', 'type']),
  devices: factFields('devices', ['codings', 'text', 'status']),
  imaging: factFields('imaging', ['codings', 'text', 'status', 'date', 'conclusion', 'conclusionCodes', 'presentedForm', 'seriesBodySites']),
  plannedOrders: factFields('plannedOrders', ['codings', 'status', 'intent']),
  coverages: factFields('coverages', ['status', 'typeCodings', 'typeText', 'payorNames', 'planNames', 'periodStart', 'periodEnd']),
} satisfies Record<ChartSection, FactFields<string>>;

type Fields = { [S in ChartSection]: (typeof CHART_FIELDS)[S] };

export const CHART_SECTIONS = Object.keys(CHART_FIELDS) as ChartSection[];

export interface ChartModelOptions {
  /** The kinds of record the policy reads: their facts must be declared (the others are read as empty). */
  sections: readonly ChartSection[];
  /** The fact a section is read from when the declaration names it otherwise (plannedOrders: "plannedRadiofrequency"). */
  factNames?: Partial<Record<ChartSection, string>>;
}

/**
 * A policy's use of the chart model: which kinds of record it reads and from which facts. It gives the
 * start-up check its requirements, and builds the request's chart from the extracted facts.
 */
export class ChartModel {
  private readonly fields: Fields;

  constructor(readonly options: ChartModelOptions) {
    const named = (section: ChartSection) => options.factNames?.[section] ?? section;
    this.fields = Object.fromEntries(CHART_SECTIONS.map((s) => [s, CHART_FIELDS[s].named(named(s))])) as Fields;
  }

  /** Every fact and field the chart is read from: declared sections must be in facts.json, with every field. */
  requirements(): FactRequirement[] {
    return CHART_SECTIONS.map((s) => this.fields[s].requirement(!this.options.sections.includes(s)));
  }

  /** The request's chart, built once per request (its memo) whoever asks first. */
  forRequest(input: { facts: FactSet; today: string; memo: RequestMemo }): Chart {
    return input.memo.once('chart', () => this.build(input.facts, input.today, input.memo));
  }

  /**
   * The patient's record as the policy reads it, built from the extracted facts. Records dated after `today`
   * (the decision date) are not evidence of anything, whatever their status says: they go to `later`.
   */
  build(facts: FactSet, today: string, memo: RequestMemo): Chart {
    const f = this.fields;
    const medicationNames = new Map(f.medicationResources.records(facts).map((m) => [m.ref, describe(f.medicationResources.codings(m, 'codings'), f.medicationResources.string(m, 'text'))]));
    const conditions = splitByDate(f.conditions.records(facts).map((r) => readCondition(f.conditions, r)), (c) => c.onset ?? c.recorded, today);
    const procedures = splitByDate(f.procedures.records(facts).map((r) => readProcedure(f.procedures, r)), (p) => p.date, today);
    const observations = splitByDate(
      f.observations
        .records(facts)
        .map((r) => readObservation(f.observations, r))
        .filter((o) => !VOID_STATUS.has(o.status)),
      (o) => o.date,
      today,
    );
    const medications = splitByDate(
      f.medications
        .records(facts)
        .map((r) => readMedication(f.medications, r, medicationNames))
        .filter((m) => !VOID_STATUS.has(m.status)),
      (m) => m.start,
      today,
    );
    const imaging = splitByDate(
      f.imaging
        .records(facts)
        .map((r) => readImaging(f.imaging, r))
        .filter((i) => i !== undefined),
      (i) => i.date,
      today,
    );
    return {
      conditions: conditions.by,
      procedures: procedures.by,
      observations: observations.by,
      medications: medications.by,
      allergies: f.allergies.records(facts).map((r) => readAllergy(f.allergies, r)),
      devices: f.devices.records(facts).map((r) => readDevice(f.devices, r)),
      imaging: imaging.by,
      plannedOrders: f.plannedOrders.records(facts).map((r) => readPlanned(f.plannedOrders, r)),
      coverages: f.coverages.records(facts).map((r) => readCoverage(f.coverages, r)),
      conditionsByRef: new Map(conditions.by.map((c) => [c.ref, c])),
      today,
      later: { conditions: conditions.after, procedures: procedures.after, observations: observations.after, medications: medications.after, imaging: imaging.after },
      memo,
    };
  }
}

const CURRENT_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
const NOT_TRUE = new Set(['refuted', 'entered-in-error']);
const VOID_STATUS = new Set(['entered-in-error', 'cancelled']);

/** Records dated on or before `today` (or undated), and those dated after it. */
export function splitByDate<T>(records: T[], dateOfRecord: (r: T) => string | undefined, today: string): { by: T[]; after: T[] } {
  const by: T[] = [];
  const after: T[] = [];
  for (const r of records) {
    const date = dateOfRecord(r);
    (date !== undefined && date > today ? after : by).push(r);
  }
  return { by, after };
}

function readCondition(f: Fields['conditions'], r: FactRecord): ChartCondition {
  const clinical = f.string(r, 'clinicalStatus');
  const verification = f.string(r, 'verificationStatus');
  const codingList = f.codings(r, 'codings');
  return {
    ref: r.ref,
    codings: codingList,
    text: [describe(codingList, f.string(r, 'text')), ...f.strings(r, 'notes')].join(' '),
    current: (clinical === undefined || CURRENT_CLINICAL.has(clinical)) && !(verification && NOT_TRUE.has(verification)) && f.strings(r, 'abatement').length === 0,
    onset: dateOf(f.string(r, 'onset')),
    recorded: dateOf(f.string(r, 'recordedDate')),
    onsetLast: lastDateOf(f.string(r, 'onset')),
    recordedLast: lastDateOf(f.string(r, 'recordedDate')),
    bodySites: f.concepts(r, 'bodySites'),
    severity: f.concepts(r, 'severity'),
  };
}

function readProcedure(f: Fields['procedures'], r: FactRecord): ChartProcedure {
  const codingList = f.codings(r, 'codings');
  const start = f.string(r, 'performedStart');
  return {
    ref: r.ref,
    codings: codingList,
    text: describe(codingList, f.string(r, 'text')),
    status: f.string(r, 'status') ?? 'unknown',
    start,
    end: f.string(r, 'performedEnd'),
    date: dateOf(start),
    bodySites: f.concepts(r, 'bodySites'),
    categories: f.concepts(r, 'categories'),
    statusReasons: f.concepts(r, 'statusReason'),
    notes: f.strings(r, 'notes'),
    reasonConcepts: f.concepts(r, 'reasonCodes'),
    reasonReferences: f.references(r, 'reasonReferences'),
    basedOn: f.references(r, 'basedOn'),
  };
}

function readObservation(f: Fields['observations'], r: FactRecord): ChartObservation {
  const effective = f.string(r, 'effective');
  const concept = f.concepts(r, 'valueConcept')[0];
  const codeText = f.string(r, 'text');
  return {
    ref: r.ref,
    codings: f.codings(r, 'codings'),
    status: f.string(r, 'status') ?? 'unknown',
    effective,
    date: dateOf(effective),
    value: f.number(r, 'valueNumber'),
    unit: f.string(r, 'valueUnit'),
    ...(concept ? { concept } : {}),
    boolean: f.boolean(r, 'valueBoolean'),
    string: f.string(r, 'valueString'),
    interpretation: f.concepts(r, 'interpretation'),
    partOf: f.references(r, 'partOf'),
    ...(codeText ? { codeText } : {}),
    bodySites: f.concepts(r, 'bodySites'),
  };
}

function readMedication(f: Fields['medications'], r: FactRecord, medicationNames: Map<string, string>): ChartMedication {
  const kind = r.resourceType as ChartMedication['kind'];
  const status = f.string(r, 'status') ?? 'unknown';
  const referenced = f.references(r, 'medicationReference')[0];
  const name = describe(f.codings(r, 'codings'), f.string(r, 'text')) || (referenced ? medicationNames.get(referenced) ?? referenced : 'medication');
  const base = { ref: r.ref, kind, name, status, statusReasons: f.concepts(r, 'statusReason'), ongoing: false };
  if (kind === 'MedicationRequest') {
    const start = dateOf(f.string(r, 'validityStart') ?? f.string(r, 'authoredOn'));
    const end = dateOf(f.string(r, 'validityEnd'));
    const supply = supplyDays(f.objects<Duration>(r, 'expectedSupplyDuration')[0]);
    const days = supply ?? (start && end ? inclusiveDays(start, end) : undefined);
    return { ...base, start, ...(days !== undefined ? { days } : {}) };
  }
  if (kind === 'MedicationStatement') {
    const start = dateOf(f.string(r, 'effectiveStart'));
    const end = dateOf(f.string(r, 'effectiveEnd'));
    // Only an open period (start, no end) on an active statement means "still taking it"; a bare dateTime is one point in time.
    const openPeriod = f.strings(r, 'effectivePeriodStart').length > 0 && !end;
    return { ...base, start, ...(end ? { end } : {}), ongoing: openPeriod && status === 'active' };
  }
  const dispensed = dateOf(f.string(r, 'dispensed'));
  const supply = supplyDays(f.objects<Duration>(r, 'daysSupply')[0]);
  return { ...base, start: dispensed, ...(supply !== undefined ? { days: supply } : {}) };
}

function readAllergy(f: Fields['allergies'], r: FactRecord): ChartAllergy {
  const clinical = f.string(r, 'clinicalStatus');
  const verification = f.string(r, 'verificationStatus');
  return {
    ref: r.ref,
    name: describe(f.codings(r, 'codings'), f.string(r, 'text')),
    current: (clinical === undefined || clinical === 'active') && !(verification && NOT_TRUE.has(verification)),
    type: f.string(r, 'type'),
  };
}

function readDevice(f: Fields['devices'], r: FactRecord): ChartDevice {
  const status = f.string(r, 'status');
  return { ref: r.ref, name: describe(f.codings(r, 'codings'), ...f.strings(r, 'text')), active: status === undefined || status === 'active' };
}

function readImaging(f: Fields['imaging'], r: FactRecord): ChartImaging | undefined {
  const status = f.string(r, 'status');
  if (status && ['entered-in-error', 'cancelled'].includes(status)) return undefined;
  const codingList = [...f.codings(r, 'codings'), ...f.codings(r, 'seriesBodySites')];
  const conclusion = f.string(r, 'conclusion');
  const forms = f
    .objects<Attachment>(r, 'presentedForm')
    .map(attachmentText)
    .filter((t): t is string => t !== undefined);
  return {
    ref: r.ref,
    codings: codingList,
    name: describe(f.codings(r, 'codings'), ...f.strings(r, 'text')),
    date: dateOf(f.string(r, 'date')),
    conclusion,
    conclusionConcepts: f.concepts(r, 'conclusionCodes'),
    reportTexts: [...f.strings(r, 'text'), ...(conclusion ? [conclusion] : []), ...forms],
  };
}

function readPlanned(f: Fields['plannedOrders'], r: FactRecord): ChartPlannedOrder {
  return {
    ref: r.ref,
    status: f.string(r, 'status') ?? 'unknown',
    intent: f.string(r, 'intent') ?? 'unknown',
    codes: f.codings(r, 'codings').map((c) => c.code!),
  };
}

/** One Coverage record of the `coverages` fact. */
export function readCoverage(f: Fields['coverages'], r: FactRecord): ChartCoverage {
  return {
    ref: r.ref,
    status: f.string(r, 'status') ?? 'unknown',
    typeCodings: f.codings(r, 'typeCodings'),
    names: [...f.strings(r, 'typeText'), ...f.strings(r, 'payorNames'), ...f.strings(r, 'planNames')],
    periodStart: dateOf(f.string(r, 'periodStart')),
    periodEnd: dateOf(f.string(r, 'periodEnd')),
  };
}
