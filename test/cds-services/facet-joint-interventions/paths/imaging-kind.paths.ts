import type { FhirResource } from 'fhir/r4';
import { at, cpt, daysBefore, monthsBefore, order } from '../../../helpers/chart';
import { NEXT_WEEK, RF_NOTE, lumbarCandidate } from './base-charts';
import type { PathScenario } from './scenario';

type Builder = Parameters<PathScenario['chart']>[0];

/**
 * A lumbar candidate with no spine MRI, CT or radiograph, after a first block at L4-L5 three weeks ago (pain 8 →
 * 1), charted as EHRs chart it: CPT 64493 "with image guidance (fluoroscopy or CT), lumbar or sacral", under
 * fluoroscopic guidance.
 */
function afterFirstBlockWithoutImaging(c: Builder): void {
  lumbarCandidate(c, ['imaging']);
  const ref = c.procedure(cpt('64493', 'Injection(s), paravertebral facet joint (or nerves) with image guidance (fluoroscopy or CT), lumbar or sacral; single level'), {
    date: at(daysBefore(21), '09:00'),
    bodySite: ['L4-L5'],
    text: 'Diagnostic medial branch block, L4-L5, bilateral (fluoroscopic guidance)',
    intent: 'diagnostic',
  });
  c.painScore(8, at(daysBefore(21), '08:30'), ref);
  c.painScore(1, at(daysBefore(21), '10:00'), ref);
}

/** A DiagnosticReport named `name`, as a radiology system files the imaging of a procedure. */
function report(c: Builder, name: string, date: string): string {
  return c.add({
    resourceType: 'DiagnosticReport',
    id: `${c.patientId}-guidance-${c.resources.length}`,
    status: 'final',
    code: { text: name },
    subject: { reference: c.patientRef },
    effectiveDateTime: date,
    conclusion: 'Needle tip at the L4-L5 facet joint. No complication.',
  } as FhirResource);
}

const SECOND_BLOCK = () => order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE });

/**
 * I.A.1.c: "imaging studies suggest no other obvious cause of the pain (e.g., fracture, tumor, infection,
 * extraspinal lesion)". Fluoroscopy or CT that guided a needle shows where the needle went, not whether the
 * spine holds another cause: it is not an imaging study for this criterion.
 */
export const imagingKindPaths: PathScenario[] = [
  {
    name: 'I.A.1.c: a second block with only the first block\'s fluoroscopy on record: spine imaging not documented',
    chart: afterFirstBlockWithoutImaging,
    orders: () => [SECOND_BLOCK()],
    expect: {
      'sr-block': {
        outcome: 'conditional',
        criteria: { 'imaging-no-other-cause': 'not-documented', 'second-block-relief': 'met' },
        evidence: { 'imaging-no-other-cause': { setAside: [/imaging only as the guidance of a procedure/] } },
      },
    },
  },
  {
    name: 'I.A.1.c: a "CT-guided lumbar facet injection" report is guidance, not a spine study: not documented',
    chart: (c) => {
      afterFirstBlockWithoutImaging(c);
      report(c, 'CT-guided lumbar facet injection L4-L5', at(daysBefore(21), '09:30'));
    },
    orders: () => [SECOND_BLOCK()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'imaging-no-other-cause': 'not-documented' } } },
  },
  {
    name: 'I.A.1.c: the same chart with a lumbar MRI (CPT 72148) is covered',
    chart: (c) => {
      afterFirstBlockWithoutImaging(c);
      c.spineImaging(monthsBefore(3));
    },
    orders: () => [SECOND_BLOCK()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'imaging-no-other-cause': 'met' } } },
  },
];
