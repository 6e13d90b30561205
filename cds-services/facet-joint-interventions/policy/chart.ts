import type { Attachment } from 'fhir/r4';
import type { FactRecord, FactSet } from '../../../src/facts/extract';
import { dateOf, lastDateOf } from './dates';
import { boolean, codings, concepts, describe, number, objects, references, string, strings } from './read';
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
} from './types';

const CURRENT_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
const NOT_TRUE = new Set(['refuted', 'entered-in-error']);
const VOID_STATUS = new Set(['entered-in-error', 'cancelled']);

/**
 * The patient's record as the policy reads it, built once per request from the extracted facts. Records
 * dated after `today` (the decision date) are not evidence of anything, whatever their status says: they
 * go to `later`, so the criteria can say on the card that they were set aside.
 */
export function buildChart(facts: FactSet, today: string): Chart {
  const medicationNames = new Map((facts.medicationResources ?? []).map((m) => [m.ref, describe(codings(m, 'codings'), string(m, 'text'))]));
  const conditions = splitByDate((facts.conditions ?? []).map(readCondition), (c) => c.onset ?? c.recorded, today);
  const procedures = splitByDate((facts.procedures ?? []).map(readProcedure), (p) => p.date, today);
  const observations = splitByDate((facts.observations ?? []).map(readObservation).filter((o) => !VOID_STATUS.has(o.status)), (o) => o.date, today);
  const medications = splitByDate(
    (facts.medications ?? []).map((m) => readMedication(m, medicationNames)).filter((m) => !VOID_STATUS.has(m.status)),
    (m) => m.start,
    today,
  );
  const imaging = splitByDate((facts.imaging ?? []).map(readImaging).filter((i) => i !== undefined), (i) => i.date, today);
  return {
    conditions: conditions.by,
    procedures: procedures.by,
    observations: observations.by,
    medications: medications.by,
    allergies: (facts.allergies ?? []).map(readAllergy),
    devices: (facts.devices ?? []).map(readDevice),
    imaging: imaging.by,
    plannedRadiofrequency: (facts.plannedRadiofrequency ?? []).map(readPlanned),
    coverages: (facts.coverages ?? []).map(readCoverage),
    conditionsByRef: new Map(conditions.by.map((c) => [c.ref, c])),
    today,
    later: { conditions: conditions.after, procedures: procedures.after, observations: observations.after, medications: medications.after, imaging: imaging.after },
  };
}

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

function readCondition(r: FactRecord): ChartCondition {
  const clinical = string(r, 'clinicalStatus');
  const verification = string(r, 'verificationStatus');
  const codingList = codings(r, 'codings');
  return {
    ref: r.ref,
    codings: codingList,
    text: [describe(codingList, string(r, 'text')), ...strings(r, 'notes')].join(' '),
    current: (clinical === undefined || CURRENT_CLINICAL.has(clinical)) && !(verification && NOT_TRUE.has(verification)) && strings(r, 'abatement').length === 0,
    onset: dateOf(string(r, 'onset')),
    recorded: dateOf(string(r, 'recordedDate')),
    onsetLast: lastDateOf(string(r, 'onset')),
    recordedLast: lastDateOf(string(r, 'recordedDate')),
    bodySites: concepts(r, 'bodySites'),
    severity: concepts(r, 'severity'),
  };
}

function readProcedure(r: FactRecord): ChartProcedure {
  const codingList = codings(r, 'codings');
  const start = string(r, 'performedStart');
  return {
    ref: r.ref,
    codings: codingList,
    text: describe(codingList, string(r, 'text')),
    status: string(r, 'status') ?? 'unknown',
    start,
    end: string(r, 'performedEnd'),
    date: dateOf(start),
    bodySites: concepts(r, 'bodySites'),
    categories: concepts(r, 'categories'),
    statusReasons: concepts(r, 'statusReason'),
    notes: strings(r, 'notes'),
    reasonConcepts: concepts(r, 'reasonCodes'),
    reasonReferences: references(r, 'reasonReferences'),
    basedOn: references(r, 'basedOn'),
  };
}

function readObservation(r: FactRecord): ChartObservation {
  const effective = string(r, 'effective');
  const concept = concepts(r, 'valueConcept')[0];
  const codeText = string(r, 'text');
  return {
    ref: r.ref,
    codings: codings(r, 'codings'),
    status: string(r, 'status') ?? 'unknown',
    effective,
    date: dateOf(effective),
    value: number(r, 'valueNumber'),
    unit: string(r, 'valueUnit'),
    ...(concept ? { concept } : {}),
    boolean: boolean(r, 'valueBoolean'),
    string: string(r, 'valueString'),
    interpretation: concepts(r, 'interpretation'),
    partOf: references(r, 'partOf'),
    ...(codeText ? { codeText } : {}),
    bodySites: concepts(r, 'bodySites'),
  };
}

interface Duration {
  value?: number;
  unit?: string;
  code?: string;
}

const DAYS_PER_UNIT: Record<string, number> = { d: 1, day: 1, days: 1, wk: 7, week: 7, weeks: 7, mo: 30, month: 30, months: 30 };
/** A course longer than ten years is a charting error, not therapy: its duration counts as not charted. */
const MAX_COURSE_DAYS = 3660;

function plausibleDays(days: number): number | undefined {
  return Number.isFinite(days) && days >= 0 && days <= MAX_COURSE_DAYS ? Math.round(days) : undefined;
}

function durationDays(duration: Duration | undefined): number | undefined {
  if (!duration || typeof duration.value !== 'number') return undefined;
  const unit = [duration.code, duration.unit].find((u): u is string => typeof u === 'string') ?? 'd';
  const factor = DAYS_PER_UNIT[unit.toLowerCase()];
  return factor === undefined ? undefined : plausibleDays(duration.value * factor);
}

function readMedication(r: FactRecord, medicationNames: Map<string, string>): ChartMedication {
  const kind = r.resourceType as ChartMedication['kind'];
  const status = string(r, 'status') ?? 'unknown';
  const referenced = references(r, 'medicationReference')[0];
  const name = describe(codings(r, 'codings'), string(r, 'text')) || (referenced ? medicationNames.get(referenced) ?? referenced : 'medication');
  const base = { ref: r.ref, kind, name, status, statusReasons: concepts(r, 'statusReason'), ongoing: false };
  if (kind === 'MedicationRequest') {
    const start = dateOf(string(r, 'validityStart') ?? string(r, 'authoredOn'));
    const end = dateOf(string(r, 'validityEnd'));
    const supply = durationDays(objects<Duration>(r, 'expectedSupplyDuration')[0]);
    const days = supply ?? (start && end ? plausibleDays(Math.max(1, (Date.parse(end) - Date.parse(start)) / 86_400_000 + 1)) : undefined);
    return { ...base, start, ...(days !== undefined ? { days } : {}) };
  }
  if (kind === 'MedicationStatement') {
    const start = dateOf(string(r, 'effectiveStart'));
    const end = dateOf(string(r, 'effectiveEnd'));
    // Only an open period (start, no end) on an active statement means "still taking it"; a bare dateTime is one point in time.
    const openPeriod = strings(r, 'effectivePeriodStart').length > 0 && !end;
    return { ...base, start, ...(end ? { end } : {}), ongoing: openPeriod && status === 'active' };
  }
  const dispensed = dateOf(string(r, 'dispensed'));
  const supply = durationDays(objects<Duration>(r, 'daysSupply')[0]);
  return { ...base, start: dispensed, ...(supply !== undefined ? { days: supply } : {}) };
}

function readAllergy(r: FactRecord): ChartAllergy {
  const clinical = string(r, 'clinicalStatus');
  const verification = string(r, 'verificationStatus');
  return {
    ref: r.ref,
    name: describe(codings(r, 'codings'), string(r, 'text')),
    current: (clinical === undefined || clinical === 'active') && !(verification && NOT_TRUE.has(verification)),
    type: string(r, 'type'),
  };
}

function readDevice(r: FactRecord): ChartDevice {
  const status = string(r, 'status');
  return { ref: r.ref, name: describe(codings(r, 'codings'), ...strings(r, 'text')), active: status === undefined || status === 'active' };
}

function readImaging(r: FactRecord): ChartImaging | undefined {
  const status = string(r, 'status');
  if (status && ['entered-in-error', 'cancelled'].includes(status)) return undefined;
  const codingList = [...codings(r, 'codings'), ...codings(r, 'seriesBodySites')];
  const conclusion = string(r, 'conclusion');
  const forms = objects<Attachment>(r, 'presentedForm').map(attachmentText).filter((t): t is string => t !== undefined);
  return {
    ref: r.ref,
    codings: codingList,
    name: describe(codings(r, 'codings'), ...strings(r, 'text')),
    date: dateOf(string(r, 'date')),
    conclusion,
    conclusionConcepts: concepts(r, 'conclusionCodes'),
    reportTexts: [...strings(r, 'text'), ...(conclusion ? [conclusion] : []), ...forms],
  };
}

/** A report's text is read up to this many characters; a longer presentedForm is cut there (bounded work per request). */
export const MAX_REPORT_TEXT = 20_000;

/** The text of a plain-text attachment (`data` in base64), up to MAX_REPORT_TEXT characters; other attachments are not read. */
export function attachmentText(attachment: Attachment): string | undefined {
  const type = typeof attachment.contentType === 'string' ? attachment.contentType.toLowerCase() : '';
  if (!type.startsWith('text/') || typeof attachment.data !== 'string') return undefined;
  // Decode only what is read: 4 base64 characters are 3 bytes, and a UTF-8 character is at least one byte.
  const base64 = attachment.data.slice(0, Math.ceil((MAX_REPORT_TEXT * 4) / 3) + 4);
  const text = Buffer.from(base64, 'base64').toString('utf8').slice(0, MAX_REPORT_TEXT);
  return type.startsWith('text/html') ? text.replace(/<[^>]*>/g, ' ') : text;
}


function readPlanned(r: FactRecord): ChartPlannedOrder {
  return {
    ref: r.ref,
    status: string(r, 'status') ?? 'unknown',
    intent: string(r, 'intent') ?? 'unknown',
    codes: codings(r, 'codings').map((c) => c.code!),
  };
}

function readCoverage(r: FactRecord): ChartCoverage {
  return {
    ref: r.ref,
    status: string(r, 'status') ?? 'unknown',
    typeCodings: codings(r, 'typeCodings'),
    names: [...strings(r, 'typeText'), ...strings(r, 'payorNames'), ...strings(r, 'planNames')],
    periodStart: dateOf(string(r, 'periodStart')),
    periodEnd: dateOf(string(r, 'periodEnd')),
  };
}
