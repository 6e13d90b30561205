import type { Coding, FhirResource, ServiceRequest } from 'fhir/r4';
import { LOINC, RXNORM } from '../test/helpers/builders';
import { ChartBuilder, REFERENCE_DATE, at, cpt, daysBefore, icd, monthsBefore, order } from '../test/helpers/chart';

/**
 * Realistic benchmark charts: one patient's record of about `size` resources, as an EHR would prefetch it.
 *
 * The facet story is the same at every size (lumbar spondylosis, 6 weeks of PT, naproxen, facet loading
 * test, MRI, a first diagnostic block with 90% relief four weeks ago: the second block being signed is
 * covered). Around it, a complex primary-care record fills the chart: visits every two weeks or so, each
 * with vitals and a 0-10 pain score, lab panels (DiagnosticReport + results), chronic-medication refills
 * and dispenses, acute problems, screening procedures, lab orders. Most of it the policy ignores, as in a
 * real record; pain scores at each visit are the part of the filler the policy does read. Deterministic:
 * the same size always gives the same chart (seeded PRNG).
 */

export const BENCH_PATIENT = 'bench-1';
/** The decision date the bench server runs at (its clock is fixed to this day). */
export const BENCH_TODAY = REFERENCE_DATE;

export interface BenchChart {
  resources: FhirResource[];
  /** The facet orders being signed: a second lumbar diagnostic block at L4-L5 and L5-S1, next week. */
  orders: ServiceRequest[];
}

const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

const VITALS: Array<{ code: string; display: string; unit: string; base: number; spread: number }> = [
  { code: '8867-4', display: 'Heart rate', unit: '/min', base: 74, spread: 10 },
  { code: '9279-1', display: 'Respiratory rate', unit: '/min', base: 15, spread: 3 },
  { code: '8310-5', display: 'Body temperature', unit: 'Cel', base: 36.8, spread: 0.4 },
  { code: '59408-5', display: 'Oxygen saturation in arterial blood by pulse oximetry', unit: '%', base: 97, spread: 2 },
  { code: '29463-7', display: 'Body weight', unit: 'kg', base: 88, spread: 3 },
  { code: '39156-5', display: 'Body mass index (BMI) [Ratio]', unit: 'kg/m2', base: 31, spread: 1 },
];

const LAB_PANELS: Array<{ code: string; display: string; results: Array<[code: string, display: string, unit: string, base: number]> }> = [
  {
    code: '24323-8',
    display: 'Comprehensive metabolic panel',
    results: [
      ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mg/dL', 128],
      ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 1.0],
      ['3094-0', 'Urea nitrogen [Mass/volume] in Serum or Plasma', 'mg/dL', 16],
      ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', 139],
      ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'mmol/L', 4.2],
      ['1742-6', 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', 'U/L', 24],
      ['33914-3', 'Glomerular filtration rate/1.73 sq M.predicted', 'mL/min/{1.73_m2}', 78],
    ],
  },
  {
    code: '58410-2',
    display: 'CBC panel - Blood by Automated count',
    results: [
      ['6690-2', 'Leukocytes [#/volume] in Blood by Automated count', '10*3/uL', 7.1],
      ['718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', 13.6],
      ['4544-3', 'Hematocrit [Volume Fraction] of Blood by Automated count', '%', 41],
      ['777-3', 'Platelets [#/volume] in Blood by Automated count', '10*3/uL', 250],
    ],
  },
  {
    code: '57698-3',
    display: 'Lipid panel with direct LDL - Serum or Plasma',
    results: [
      ['2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'mg/dL', 190],
      ['2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma', 'mg/dL', 160],
      ['2085-9', 'Cholesterol in HDL [Mass/volume] in Serum or Plasma', 'mg/dL', 45],
      ['18262-6', 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay', 'mg/dL', 112],
    ],
  },
  { code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood', results: [['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 7.2]] },
];

const CHRONIC_CONDITIONS: Array<[code: string, display: string]> = [
  ['I10', 'Essential (primary) hypertension'],
  ['E11.9', 'Type 2 diabetes mellitus without complications'],
  ['E78.5', 'Hyperlipidemia, unspecified'],
  ['E03.9', 'Hypothyroidism, unspecified'],
  ['K21.9', 'Gastro-esophageal reflux disease without esophagitis'],
  ['F32.A', 'Depression, unspecified'],
  ['E66.9', 'Obesity, unspecified'],
  ['G47.33', 'Obstructive sleep apnea (adult) (pediatric)'],
];

const ACUTE_CONDITIONS: Array<[code: string, display: string]> = [
  ['J06.9', 'Acute upper respiratory infection, unspecified'],
  ['J01.90', 'Acute sinusitis, unspecified'],
  ['N39.0', 'Urinary tract infection, site not specified'],
  ['L30.9', 'Dermatitis, unspecified'],
  ['H10.9', 'Unspecified conjunctivitis'],
  ['M25.561', 'Pain in right knee'],
  ['R51.9', 'Headache, unspecified'],
  ['J20.9', 'Acute bronchitis, unspecified'],
  ['B35.1', 'Tinea unguium'],
  ['S93.401A', 'Sprain of unspecified ligament of right ankle, initial encounter'],
];

const CHRONIC_MEDS: Array<[code: string, display: string]> = [
  ['860975', 'metformin hydrochloride 500 MG Extended Release Oral Tablet'],
  ['314076', 'lisinopril 10 MG Oral Tablet'],
  ['617312', 'atorvastatin 40 MG Oral Tablet'],
  ['966247', 'levothyroxine sodium 0.075 MG Oral Tablet'],
  ['198053', 'omeprazole 20 MG Delayed Release Oral Capsule'],
  ['312940', 'sertraline 50 MG Oral Tablet'],
  ['197361', 'amlodipine 5 MG Oral Tablet'],
];

const ACUTE_MEDS: Array<[code: string, display: string]> = [
  ['308182', 'amoxicillin 500 MG Oral Capsule'],
  ['197454', 'cephalexin 500 MG Oral Capsule'],
  ['1648755', 'fluticasone propionate 50 MCG/ACTUAT Nasal Spray'],
  ['313782', 'acetaminophen 325 MG Oral Tablet'],
  ['311989', 'nitrofurantoin 100 MG Oral Capsule'],
];

const OTC_MEDS: Array<[code: string, display: string]> = [
  ['636676', 'cholecalciferol 1000 UNT Oral Tablet'],
  ['313782', 'acetaminophen 325 MG Oral Tablet'],
  ['1190795', 'fish oil 1000 MG Oral Capsule'],
];

const ROUTINE_PROCEDURES: Array<[code: string, display: string]> = [
  ['36415', 'Collection of venous blood by venipuncture'],
  ['93000', 'Electrocardiogram, routine ECG with at least 12 leads'],
  ['96127', 'Brief emotional/behavioral assessment'],
  ['92250', 'Fundus photography with interpretation and report'],
  ['99406', 'Smoking and tobacco use cessation counseling visit'],
  ['45378', 'Colonoscopy, flexible; diagnostic'],
  ['77067', 'Screening mammography, bilateral'],
  ['11721', 'Debridement of nail(s) by any method(s); 6 or more'],
  ['20610', 'Arthrocentesis, aspiration and/or injection, major joint or bursa'],
];

/** Mulberry32: a tiny seeded PRNG, so every run benchmarks the same chart. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A chart of about `size` resources (the facet story plus as many visits as fit). */
export function benchChart(size: number): BenchChart {
  const c = new ChartBuilder(BENCH_PATIENT);
  c.patient({ name: [{ family: 'Bench', given: ['Pat'] }] });
  facetStory(c);
  const filler = new Filler(c, prng(size));
  filler.baseline();
  // Visits go back from last week, about every two weeks, until the chart is full.
  for (let visit = 0; c.resources.length < size; visit++) filler.visit(daysBefore(7 + visit * 13));
  const orders = [
    order('bench-sr-1', '64493', { patientId: BENCH_PATIENT, levels: ['L4-L5'], date: daysBefore(-7), note: [{ text: 'Radiofrequency ablation will be considered if the blocks are positive' }] }),
    order('bench-sr-2', '64494', { patientId: BENCH_PATIENT, levels: ['L5-S1'], date: daysBefore(-7) }),
  ];
  return { resources: c.resources, orders };
}

/** An order the service does not decide (a lab), for the no-facet request. */
export function nonFacetOrder(): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id: 'bench-lab-1',
    status: 'draft',
    intent: 'order',
    code: { coding: [{ system: LOINC, code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' }] },
    subject: { reference: `Patient/${BENCH_PATIENT}` },
    requester: { reference: 'Practitioner/dr-1' },
    authoredOn: BENCH_TODAY,
  };
}

/** The policy-relevant part: the work-up of scenario facet-01 and a positive first block four weeks ago. */
function facetStory(c: ChartBuilder): void {
  c.coverage({ payor: 'Ambetter Health', plan: 'Ambetter Balanced Care 10', sopt: { code: '521', display: 'Commercial Managed Care - HMO' } });
  c.condition(icd('M47.816'), { onset: monthsBefore(8) });
  c.functional('oswestry', 38, at(daysBefore(40)));
  c.physicalTherapy(monthsBefore(5), 6);
  c.nsaid('statement', 'naproxen', monthsBefore(4), 42);
  c.examFinding('positive-facet-loading', true, at(daysBefore(40)));
  c.spineImaging(monthsBefore(3));
  c.imagingReport('MRI lumbar spine without contrast', monthsBefore(3), 'Facet arthropathy at L4-L5 and L5-S1; no stenosis, no fracture.');
  c.block({ date: daysBefore(28), relief: 90, levels: ['L4-L5', 'L5-S1'] });
  c.functional('oswestry', 22, at(daysBefore(14)));
  c.nsaidAllergy('ibuprofen');
}

/** The rest of a complex primary-care record, visit by visit. */
class Filler {
  private counter = 0;

  constructor(
    private readonly c: ChartBuilder,
    private readonly random: () => number,
  ) {}

  /** Problems and allergies every such patient carries. */
  baseline(): void {
    for (const [code, display] of CHRONIC_CONDITIONS) this.c.condition(icd(code, display), { onset: monthsBefore(60 + this.int(0, 60)) });
    this.c.add({
      resourceType: 'AllergyIntolerance',
      id: this.id('allergy'),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      type: 'allergy',
      code: { coding: [{ system: RXNORM, code: '7980', display: 'penicillin G' }], text: 'penicillin' },
      patient: { reference: this.c.patientRef },
    } as FhirResource);
    this.c.add({ resourceType: 'Device', id: this.id('device'), status: 'active', type: { text: 'Blood glucose meter' }, patient: { reference: this.c.patientRef } } as FhirResource);
  }

  visit(date: string): void {
    const time = at(date, `${String(8 + this.int(0, 8)).padStart(2, '0')}:${this.pick(['00', '15', '30', '45'])}`);
    for (const v of this.sample(VITALS, 4)) this.vital(v, time);
    this.bloodPressure(time);
    // A 0-10 pain score at every visit: the policy reads these (low before the back pain began, 5-7 since).
    this.c.painScore(date >= monthsBefore(8) ? this.int(5, 7) : this.int(0, 3), time);
    if (this.random() < 0.35) this.labs(date);
    for (const [code, display] of this.sample(CHRONIC_MEDS, this.int(1, 3))) this.refill(code, display, date);
    if (this.random() < 0.12) this.acuteProblem(date);
    if (this.random() < 0.25) this.routineProcedure(date);
    if (this.random() < 0.1) this.otcStatement(date);
  }

  private vital(v: (typeof VITALS)[number], time: string): void {
    this.observation('vital-signs', { system: LOINC, code: v.code, display: v.display }, time, {
      valueQuantity: { value: this.around(v.base, v.spread), unit: v.unit, system: 'http://unitsofmeasure.org', code: v.unit },
    });
  }

  private bloodPressure(time: string): void {
    const component = (code: string, display: string, value: number) => ({
      code: { coding: [{ system: LOINC, code, display }] },
      valueQuantity: { value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    });
    this.observation('vital-signs', { system: LOINC, code: '85354-9', display: 'Blood pressure panel with all children optional' }, time, {
      component: [component('8480-6', 'Systolic blood pressure', this.int(118, 148)), component('8462-4', 'Diastolic blood pressure', this.int(70, 92))],
    });
  }

  private labs(date: string): void {
    const panel = this.pick(LAB_PANELS);
    const time = at(date, '07:40');
    const results = panel.results.map(([code, display, unit, base]) =>
      this.observation('laboratory', { system: LOINC, code, display }, time, {
        valueQuantity: { value: this.around(base, base * 0.1), unit, system: 'http://unitsofmeasure.org', code: unit },
        referenceRange: [{ low: { value: Math.round(base * 0.7 * 10) / 10, unit }, high: { value: Math.round(base * 1.3 * 10) / 10, unit } }],
      }),
    );
    this.c.add({
      resourceType: 'DiagnosticReport',
      id: this.id('lab'),
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB', display: 'Laboratory' }] }],
      code: { coding: [{ system: LOINC, code: panel.code, display: panel.display }], text: panel.display },
      subject: { reference: this.c.patientRef },
      effectiveDateTime: time,
      issued: `${date}T14:02:00Z`,
      result: results.map((reference) => ({ reference })),
    } as FhirResource);
    this.c.add({
      resourceType: 'ServiceRequest',
      id: this.id('laborder'),
      status: 'completed',
      intent: 'order',
      category: [{ coding: [{ system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' }] }],
      code: { coding: [{ system: LOINC, code: panel.code, display: panel.display }] },
      subject: { reference: this.c.patientRef },
      authoredOn: date,
    } as FhirResource);
  }

  private refill(code: string, display: string, date: string): void {
    const medication = { coding: [{ system: RXNORM, code, display }], text: display };
    this.c.add({
      resourceType: 'MedicationRequest',
      id: this.id('rx'),
      status: 'completed',
      intent: 'order',
      medicationCodeableConcept: medication,
      subject: { reference: this.c.patientRef },
      authoredOn: date,
      dosageInstruction: [{ text: 'Take 1 tablet by mouth daily', timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }],
      dispenseRequest: { numberOfRepeatsAllowed: 1, quantity: { value: 30, unit: 'tablet' }, expectedSupplyDuration: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } },
    } as FhirResource);
    if (this.random() < 0.5) {
      this.c.add({
        resourceType: 'MedicationDispense',
        id: this.id('dispense'),
        status: 'completed',
        medicationCodeableConcept: medication,
        subject: { reference: this.c.patientRef },
        quantity: { value: 30, unit: 'tablet' },
        daysSupply: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
        whenHandedOver: date,
      } as FhirResource);
    }
  }

  private acuteProblem(date: string): void {
    const [code, display] = this.pick(ACUTE_CONDITIONS);
    this.c.add({
      resourceType: 'Condition',
      id: this.id('problem'),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
      code: { coding: [icd(code, display)], text: display },
      subject: { reference: this.c.patientRef },
      onsetDateTime: date,
      abatementDateTime: daysBefore(-14, date),
      recordedDate: date,
    } as FhirResource);
    if (this.random() < 0.6) {
      const [medCode, medDisplay] = this.pick(ACUTE_MEDS);
      this.refill(medCode, medDisplay, date);
    }
  }

  private routineProcedure(date: string): void {
    const [code, display] = this.pick(ROUTINE_PROCEDURES);
    this.c.procedure(cpt(code, display), { date, id: this.id('proc') });
  }

  private otcStatement(date: string): void {
    const [code, display] = this.pick(OTC_MEDS);
    this.c.add({
      resourceType: 'MedicationStatement',
      id: this.id('statement'),
      status: 'active',
      medicationCodeableConcept: { coding: [{ system: RXNORM, code, display }], text: display },
      subject: { reference: this.c.patientRef },
      effectiveDateTime: date,
      dateAsserted: date,
    } as FhirResource);
  }

  private observation(category: string, coding: Coding, time: string, value: Record<string, unknown>): string {
    return this.c.add({
      resourceType: 'Observation',
      id: this.id('obs'),
      status: 'final',
      category: [{ coding: [{ system: OBS_CATEGORY, code: category }] }],
      code: { coding: [coding], text: coding.display },
      subject: { reference: this.c.patientRef },
      effectiveDateTime: time,
      ...value,
    } as FhirResource);
  }

  private id(prefix: string): string {
    return `${BENCH_PATIENT}-${prefix}-f${++this.counter}`;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private around(base: number, spread: number): number {
    return Math.round((base + (this.random() * 2 - 1) * spread) * 10) / 10;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private sample<T>(list: readonly T[], n: number): T[] {
    const copy = [...list];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(this.random() * copy.length), 1)[0]!);
    return out;
  }
}

/** Resource counts by type and policy relevance, for the doc. */
export function composition(resources: FhirResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
  return counts;
}
