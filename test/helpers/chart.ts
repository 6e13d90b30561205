import { createHash } from 'node:crypto';
import type { Bundle, CodeableConcept, Coding, FhirResource, ServiceRequest } from 'fhir/r4';
import { CPT, ICD10, LOCAL, LOINC, PATIENT_ID, RXNORM, SNOMED } from './builders';

/** The date the scenario charts are written against (tests run with this as today). */
export const REFERENCE_DATE = '2026-11-26';

export function daysBefore(days: number, from = REFERENCE_DATE): string {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export function monthsBefore(months: number, from = REFERENCE_DATE): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/** A dateTime at a time of day (UTC) on a date. */
export function at(date: string, time = '09:00'): string {
  return `${date}T${time}:00Z`;
}

function shiftMinutes(dateTime: string, minutes: number): string {
  return new Date(Date.parse(dateTime) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

const ICD_DISPLAY: Record<string, string> = {
  'M47.812': 'Spondylosis without myelopathy or radiculopathy, cervical region',
  'M47.814': 'Spondylosis without myelopathy or radiculopathy, thoracic region',
  'M47.816': 'Spondylosis without myelopathy or radiculopathy, lumbar region',
  'M47.817': 'Spondylosis without myelopathy or radiculopathy, lumbosacral region',
  'M54.2': 'Cervicalgia',
  'M54.50': 'Low back pain, unspecified',
  'M54.6': 'Pain in thoracic spine',
  'M54.16': 'Radiculopathy, lumbar region',
  'M47.16': 'Other spondylosis with myelopathy, lumbar region',
  'M71.38': 'Other bursal cyst, other site',
  'S32.010A': 'Wedge compression fracture of first lumbar vertebra, initial encounter',
  'C79.51': 'Secondary malignant neoplasm of bone',
  'M46.26': 'Osteomyelitis of vertebra, lumbar region',
  'I71.40': 'Abdominal aortic aneurysm, without rupture, unspecified',
  'K25.4': 'Chronic or unspecified gastric ulcer with hemorrhage',
  'N18.4': 'Chronic kidney disease, stage 4 (severe)',
  'M96.0': 'Pseudarthrosis after fusion or arthrodesis',
  'Z96.82': 'Presence of neurostimulator',
  'Z73.6': 'Limitation of activities due to disability',
};

const CPT_DISPLAY: Record<string, string> = {
  '64490': 'Facet joint injection, cervical/thoracic, single level',
  '64491': 'Facet joint injection, cervical/thoracic, second level',
  '64493': 'Facet joint injection, lumbar/sacral, single level',
  '64494': 'Facet joint injection, lumbar/sacral, second level',
  '64495': 'Facet joint injection, lumbar/sacral, third and additional levels',
  '64633': 'Radiofrequency neurotomy, cervical/thoracic, single facet joint',
  '64634': 'Radiofrequency neurotomy, cervical/thoracic, each additional facet joint',
  '64635': 'Radiofrequency neurotomy, lumbar/sacral, single facet joint',
  '64636': 'Radiofrequency neurotomy, lumbar/sacral, each additional facet joint',
  '0216T': 'Facet joint injection, lumbar/sacral, single level, ultrasound guidance',
  '97110': 'Therapeutic exercises',
  '97161': 'Physical therapy evaluation, low complexity',
  '72148': 'MRI lumbar spine without contrast',
  '72141': 'MRI cervical spine without contrast',
};

const NSAIDS: Record<string, { code: string; display: string }> = {
  ibuprofen: { code: '5640', display: 'ibuprofen' },
  naproxen: { code: '7258', display: 'naproxen' },
  meloxicam: { code: '41493', display: 'meloxicam' },
  celecoxib: { code: '140587', display: 'celecoxib' },
};

const SCALES = {
  oswestry: { system: LOINC, code: '97909-6', display: 'Oswestry disability index score', unit: '%' },
  ndi: { system: LOCAL, code: 'ndi-score', display: 'Neck Disability Index score', unit: '{score}' },
  promis: { system: LOINC, code: '77874-6', display: 'PROMIS physical function T-score', unit: '{T-score}' },
  bpi: { system: LOINC, code: '77565-0', display: 'BPI pain interference score', unit: '{score}' },
  peg: { system: LOINC, code: '91147-9', display: 'PEG mean score', unit: '{score}' },
} as const;

export type Scale = keyof typeof SCALES;

export function icd(code: string, display = ICD_DISPLAY[code]): Coding {
  return { system: ICD10, code, ...(display ? { display } : {}) };
}

export function cpt(code: string, display = CPT_DISPLAY[code]): Coding {
  return { system: CPT, code, ...(display ? { display } : {}) };
}

export interface ConditionOptions {
  onset?: string;
  recorded?: string;
  clinicalStatus?: string;
  verificationStatus?: string;
  text?: string;
  id?: string;
}

export interface ProcedureOptions {
  /** performedDateTime (date or dateTime). */
  date: string;
  end?: string;
  status?: string;
  bodySite?: string[];
  intent?: 'diagnostic' | 'therapeutic';
  statusReason?: string;
  text?: string;
  reason?: Coding[];
  id?: string;
  /** The order it fulfils, e.g. "ServiceRequest/sr-block". */
  basedOn?: string;
  /** A note (Procedure.note.text), e.g. "Medial branch block". */
  note?: string;
}

export interface BlockOptions {
  /** Date of the block; the block is at 09:00 UTC. */
  date: string;
  cpt?: string;
  levels?: string[];
  /** Percent relief; pain scores before (8/10) and after (linked by partOf) are charted to give it. */
  relief?: number;
  /** How relief is charted: linked 0-10 scores (default), a percent-relief observation, or not at all. */
  reliefCharting?: 'linked-scores' | 'percent' | 'same-day-unlinked' | 'none';
  intent?: 'diagnostic' | 'therapeutic';
  id?: string;
  reason?: Coding[];
  /** Where the injection went, said in the procedure's note (medial branch block or intra-articular). */
  target?: 'medial-branch' | 'intra-articular';
}

/** Builds a synthetic patient chart, one FHIR R4 resource at a time, with stable ids. */
export class ChartBuilder {
  readonly resources: FhirResource[] = [];
  private counter = 0;

  constructor(readonly patientId = PATIENT_ID) {}

  get patientRef(): string {
    return `Patient/${this.patientId}`;
  }

  private nextId(prefix: string): string {
    return `${this.patientId}-${prefix}-${++this.counter}`;
  }

  add<T extends FhirResource>(resource: T): string {
    this.resources.push(resource);
    return `${resource.resourceType}/${resource.id}`;
  }

  patient(extra: Record<string, unknown> = {}): this {
    this.add({ resourceType: 'Patient', id: this.patientId, name: [{ family: 'Scenario', given: ['Pat'] }], gender: 'female', birthDate: '1968-04-12', ...extra } as FhirResource);
    return this;
  }

  coverage(options: { payor?: string; plan?: string; sopt?: { code: string; display: string }; id?: string; status?: string } = {}): string {
    return this.add({
      resourceType: 'Coverage',
      id: options.id ?? this.nextId('coverage'),
      status: (options.status ?? 'active') as 'active',
      beneficiary: { reference: this.patientRef },
      payor: [{ display: options.payor ?? 'Ambetter Health' }],
      ...(options.sopt ? { type: { coding: [{ system: 'https://nahdo.org/sopt', ...options.sopt }], text: options.sopt.display } } : {}),
      ...(options.plan ? { class: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'plan' }] }, value: options.plan, name: options.plan }] } : {}),
      period: { start: '2026-01-01' },
    } as FhirResource);
  }

  condition(coding: Coding, options: ConditionOptions = {}): string {
    return this.add({
      resourceType: 'Condition',
      id: options.id ?? this.nextId('condition'),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: options.clinicalStatus ?? 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: options.verificationStatus ?? 'confirmed' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
      code: { coding: [coding], ...(options.text ? { text: options.text } : {}) },
      subject: { reference: this.patientRef },
      ...(options.onset ? { onsetDateTime: options.onset } : {}),
      ...(options.recorded ? { recordedDate: options.recorded } : {}),
    } as FhirResource);
  }

  procedure(coding: Coding, options: ProcedureOptions): string {
    return this.add({
      resourceType: 'Procedure',
      id: options.id ?? this.nextId('procedure'),
      status: (options.status ?? 'completed') as 'completed',
      code: { coding: [coding], ...(options.text ? { text: options.text } : {}) },
      subject: { reference: this.patientRef },
      ...(options.end ? { performedPeriod: { start: options.date, end: options.end } } : { performedDateTime: options.date }),
      ...(options.bodySite ? { bodySite: options.bodySite.map((text) => ({ text })) } : {}),
      ...(options.intent ? { category: { coding: [{ system: LOCAL, code: options.intent, display: `${options.intent} facet injection` }] } } : {}),
      ...(options.statusReason ? { statusReason: { text: options.statusReason } } : {}),
      ...(options.reason ? { reasonCode: [{ coding: options.reason }] } : {}),
      ...(options.basedOn ? { basedOn: [{ reference: options.basedOn }] } : {}),
      ...(options.note ? { note: [{ text: options.note }] } : {}),
    } as FhirResource);
  }

  painScore(value: number, when: string, partOf?: string): string {
    return this.observation({ system: LOINC, code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' }, when, {
      valueQuantity: { value, system: 'http://unitsofmeasure.org', code: '{score}' },
      ...(partOf ? { partOf: [{ reference: partOf }] } : {}),
    });
  }

  reliefPercent(value: number, when: string, partOf: string): string {
    return this.observation({ system: LOCAL, code: 'block-relief-pct', display: 'Percent pain relief after facet block' }, when, {
      valueQuantity: { value, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      partOf: [{ reference: partOf }],
    });
  }

  functional(scale: Scale, value: number, when: string): string {
    const s = SCALES[scale];
    return this.observation({ system: s.system, code: s.code, display: s.display }, when, {
      valueQuantity: { value, system: 'http://unitsofmeasure.org', code: s.unit },
    });
  }

  examFinding(code: 'positive-facet-loading' | 'pain-on-extension-rotation', positive: boolean, when: string): string {
    return this.observation({ system: LOCAL, code, display: code === 'positive-facet-loading' ? 'Facet loading test' : 'Pain on extension-rotation' }, when, {
      valueBoolean: positive,
    });
  }

  observation(coding: Coding, when: string, value: Record<string, unknown>): string {
    return this.add({
      resourceType: 'Observation',
      id: this.nextId('observation'),
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
      code: { coding: [coding] },
      subject: { reference: this.patientRef },
      effectiveDateTime: when,
      ...value,
    } as FhirResource);
  }

  /** A facet block with charted relief: pain 8/10 at 08:30, the block at 09:00, the post-block score at 10:00. */
  block(options: BlockOptions): string {
    const time = at(options.date);
    const ref = this.procedure(cpt(options.cpt ?? '64493'), {
      date: time,
      bodySite: options.levels ?? ['L4-L5'],
      ...(options.intent ? { intent: options.intent } : {}),
      ...(options.id ? { id: options.id } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.target ? { note: options.target === 'medial-branch' ? 'Medial branch block' : 'Intra-articular facet joint injection' } : {}),
    });
    const relief = options.relief ?? 90;
    const post = Math.round(8 * (1 - relief / 100) * 10) / 10;
    switch (options.reliefCharting ?? 'linked-scores') {
      case 'linked-scores':
        this.painScore(8, shiftMinutes(time, -30), ref);
        this.painScore(post, shiftMinutes(time, 60), ref);
        break;
      case 'same-day-unlinked':
        this.painScore(8, shiftMinutes(time, -30));
        this.painScore(post, shiftMinutes(time, 90));
        break;
      case 'percent':
        this.reliefPercent(relief, shiftMinutes(time, 120), ref);
        break;
      case 'none':
        break;
    }
    return ref;
  }

  /** Physical therapy: sessions twice a week from `start` for `weeks` weeks. */
  physicalTherapy(start: string, weeks: number): string[] {
    const refs: string[] = [this.procedure(cpt('97161'), { date: start })];
    for (let w = 0; w < weeks; w++) {
      for (const offset of [0, 3]) {
        if (w === 0 && offset === 0) continue;
        const d = new Date(`${start}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() + w * 7 + offset);
        refs.push(this.procedure(cpt('97110'), { date: d.toISOString().slice(0, 10) }));
      }
    }
    return refs;
  }

  homeExercise(start: string, end: string): string {
    return this.procedure({ system: LOCAL, code: 'home-exercise-program', display: 'Prescribed home exercise program' }, { date: start, end });
  }

  nsaid(kind: 'statement' | 'request' | 'dispense', drug: keyof typeof NSAIDS, start: string, days: number, options: { status?: string; statusReason?: string } = {}): string {
    const med: CodeableConcept = { coding: [{ system: RXNORM, ...NSAIDS[drug] }], text: NSAIDS[drug].display };
    const end = new Date(`${start}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + days - 1);
    const endDate = end.toISOString().slice(0, 10);
    const base = { id: this.nextId('med'), subject: { reference: this.patientRef }, medicationCodeableConcept: med };
    if (kind === 'statement') {
      return this.add({
        resourceType: 'MedicationStatement',
        ...base,
        status: (options.status ?? 'completed') as 'completed',
        effectivePeriod: { start, end: endDate },
        ...(options.statusReason ? { statusReason: [{ text: options.statusReason }] } : {}),
      } as FhirResource);
    }
    if (kind === 'request') {
      return this.add({
        resourceType: 'MedicationRequest',
        ...base,
        status: (options.status ?? 'completed') as 'completed',
        intent: 'order',
        authoredOn: start,
        dispenseRequest: { expectedSupplyDuration: { value: days, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } },
      } as FhirResource);
    }
    return this.add({
      resourceType: 'MedicationDispense',
      ...base,
      status: 'completed',
      whenHandedOver: start,
      daysSupply: { value: days, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
    } as FhirResource);
  }

  nsaidAllergy(drug: keyof typeof NSAIDS): string {
    return this.add({
      resourceType: 'AllergyIntolerance',
      id: this.nextId('allergy'),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      type: 'intolerance',
      code: { coding: [{ system: RXNORM, ...NSAIDS[drug] }], text: NSAIDS[drug].display },
      patient: { reference: this.patientRef },
    } as FhirResource);
  }

  device(name: string): string {
    return this.add({ resourceType: 'Device', id: this.nextId('device'), status: 'active', type: { text: name }, patient: { reference: this.patientRef } } as FhirResource);
  }

  spineImaging(date: string, code = '72148'): string {
    return this.procedure(cpt(code), { date });
  }

  imagingReport(text: string, date: string, conclusion?: string, conclusionCode?: Coding): string {
    return this.add({
      resourceType: 'DiagnosticReport',
      id: this.nextId('report'),
      status: 'final',
      code: { text },
      subject: { reference: this.patientRef },
      effectiveDateTime: date,
      ...(conclusion ? { conclusion } : {}),
      ...(conclusionCode ? { conclusionCode: [{ coding: [conclusionCode] }] } : {}),
    } as FhirResource);
  }

  plannedRadiofrequency(code = '64635', status = 'active'): string {
    return this.add({
      resourceType: 'ServiceRequest',
      id: this.nextId('planned'),
      status: status as 'active',
      intent: 'plan',
      code: { coding: [cpt(code)] },
      subject: { reference: this.patientRef },
    } as FhirResource);
  }

  /** A FHIR transaction Bundle that PUTs every resource with its id (loadable into any R4 server). */
  transaction(): Bundle {
    return {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: this.resources.map((resource) => ({
        fullUrl: `urn:uuid:${stableUuid(`${resource.resourceType}/${resource.id}`)}`,
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
      })),
    };
  }
}

/** A name-based UUID (version 5 layout, SHA-1), so regenerated Bundles keep the same fullUrls. */
function stableUuid(name: string): string {
  const hex = createHash('sha1').update(`facet-cds:${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A lumbar, cervical or thoracic facet order from a base: the draft order as an EHR would send it. */
export function order(id: string, codes: string | string[], options: Partial<ServiceRequest> & { levels?: string[]; date?: string; patientId?: string } = {}): ServiceRequest {
  const { levels, date, patientId, ...extra } = options;
  const list = Array.isArray(codes) ? codes : [codes];
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'draft',
    intent: 'order',
    code: { coding: list.map((c) => cpt(c)) },
    subject: { reference: `Patient/${patientId ?? PATIENT_ID}` },
    requester: { reference: 'Practitioner/dr-1' },
    authoredOn: REFERENCE_DATE,
    ...(date ? { occurrenceDateTime: date } : {}),
    ...(levels ? { bodySite: levels.map((text) => ({ text })) } : {}),
    ...extra,
  };
}

export { SNOMED };
