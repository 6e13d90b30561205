import type { Evidence, Finding } from '../../../../src/decision/types';
import {
  addDays,
  addMonths,
  byRegion,
  conditionEvidence,
  courseEnd,
  coveredDays,
  currentConditions,
  evidenceCutoff,
  laterEvidence,
  met,
  notMet,
  otherRegionEvidence,
  procedureRegions,
  setAsideNote,
  therapyDays,
  type ChartMedication,
  type ChartProcedure,
  type Interval,
} from '../../../../src/kit';
import type { FacetContext } from '../types';
import { cystWaiver, waiverGaps } from './cyst';
import { criterion, notDocumented, outsideThoracic } from './define';

const DONE = new Set(['completed', 'in-progress']);

/** Physical therapy or a home exercise program, by code or words; read once per procedure and request (every unit asks, twice). */
function isTherapy(p: ChartProcedure, ctx: FacetContext): boolean {
  const { vs } = ctx;
  return ctx.chart.memo.of(
    'procedure:therapy',
    p,
    () => p.codings.some((c) => vs.physicalTherapy!.matchesCoding(c) || vs.homeExerciseProgram!.matchesCoding(c)) || vs.physicalTherapy!.matchesText(p.text) || vs.homeExerciseProgram!.matchesText(p.text),
  );
}

/** I.A.1.b.i without the cyst note: four weeks of PT or home exercise for this pain in the past year, or inability to tolerate it. */
function therapyFinding(ctx: FacetContext): Finding {
  const { unit, t, vs, chart } = ctx;
  const from = addMonths(unit.date, -t.conservativeTherapyLookbackMonths);
  const until = evidenceCutoff(ctx.today, unit.date);
  // Therapy for this pain: PT or a home program for another spinal region is not; one naming no region is.
  const { counted: therapy, elsewhere } = byRegion(chart.procedures.filter((p) => isTherapy(p, ctx)), (p) => procedureRegions(p, chart, vs), unit.region);
  const setAside: Evidence[] = [
    ...elsewhere.map(({ item: p, regions }) => otherRegionEvidence(`${p.text} on ${p.date ?? '?'}`, p.ref, regions, unit.region)),
    ...laterEvidence(chart.later.procedures.filter((p) => isTherapy(p, ctx)).map((p) => ({ ref: p.ref, text: `${p.text} (${p.status})`, date: p.date })), ctx.today),
  ];
  const intolerant = therapy.filter(
    (p) => (p.status === 'not-done' || p.status === 'stopped') && p.statusReasons.some((r) => vs.intoleranceReason!.matchesConcept(r)) && (p.date === undefined || p.date >= from),
  );
  if (intolerant.length > 0) {
    return met('Documented inability to tolerate physical therapy', [
      ...intolerant.map((p) => ({ text: `${p.text}: ${p.status} (${p.statusReasons.map((r) => r.text ?? r.coding?.[0]?.display).join('; ')})`, reference: p.ref })),
      ...setAside,
    ]);
  }
  const done = therapy.filter((p) => DONE.has(p.status) && p.date !== undefined && p.date <= until);
  const recent = done.filter((p) => (p.end?.slice(0, 10) ?? addDays(p.date!, 6)) >= from);
  if (recent.length > 0) {
    const { days, first, last } = therapyDays(recent.map((p) => ({ date: p.date!, ...(p.end ? { end: p.end } : {}) })), from, unit.date, until);
    const evidence = [...recent.map((p) => ({ text: `${p.text} on ${p.date}${p.end ? ` to ${p.end.slice(0, 10)}` : ''}`, reference: p.ref })), ...setAside];
    const span = `${first < from ? from : first} to ${last > unit.date ? unit.date : last}`;
    return days >= t.physicalTherapyMinDays
      ? met(`${days} days of therapy in the past year (${span})`, evidence)
      : notMet(`Only ${days} days of physical therapy or home exercise in the past year (${span}); ${t.physicalTherapyMinDays} required (a session counts for its week)`, evidence);
  }
  if (done.length > 0) {
    const last = done.map((p) => p.date!).sort().at(-1)!;
    return notMet(`Physical therapy on record ended ${last}, more than ${t.conservativeTherapyLookbackMonths} months before ${unit.date}`, [...done.map((p) => ({ text: `${p.text} on ${p.date}`, reference: p.ref })), ...setAside]);
  }
  const region = elsewhere.length > 0 ? ` for the ${unit.region ?? 'order\'s'} region` : '';
  return notDocumented('physical-therapy', `No physical therapy or home exercise program on record${region}${setAsideNote(setAside)}`, setAside);
}

/**
 * I.A.1.b.i: at least 4 weeks of physical therapy or a home exercise program in the past year, or inability
 * to tolerate it; not necessary (the note) with a facet synovial cyst causing nerve root compression with
 * moderate to severe radicular pain and associated functional limitations, each part read on its own.
 */
export const physicalTherapy = criterion('physical-therapy', {
  dependsOn: ['procedures', 'conditions', 'observations', 'imagingReports'],
  dependsOnFor: (ctx) => (cystWaiver(ctx) ? ['procedures', 'conditions', 'observations', 'imagingReports'] : ['procedures', 'conditions']),
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx): Finding => {
    const waiver = cystWaiver(ctx);
    if (waiver?.status === 'met') {
      return met('Not required: facet synovial cyst causing nerve root compression, with moderate to severe radicular pain and functional limitation (note under I.A.1.b.i)', waiver.evidence);
    }
    const therapy = therapyFinding(ctx);
    if (!waiver || therapy.status === 'met') return therapy;
    if (waiver.status === 'not-documented') {
      return notDocumented(
        'physical-therapy',
        `${therapy.summary}. A facet synovial cyst is on record, but the note under I.A.1.b.i that waives therapy is not documented in full: ${waiverGaps(waiver, 'not-documented')}`,
        [...(therapy.evidence ?? []), ...waiver.evidence],
      );
    }
    return { ...therapy, summary: `${therapy.summary}. The synovial-cyst note under I.A.1.b.i does not apply: ${waiverGaps(waiver, 'not-met')}`, evidence: [...(therapy.evidence ?? []), ...waiver.evidence] };
  },
});

const NOT_A_COURSE = new Set(['draft', 'not-taken', 'unknown', 'entered-in-error', 'cancelled']);

/** I.A.1.b.ii: NSAIDs for at least 3 weeks in the past year, or contraindicated, or not tolerated. */
export const nsaidTrial = criterion('nsaid-trial', {
  dependsOn: ['medicationRequests', 'medicationStatements', 'medicationDispenses', 'allergies', 'conditions'],
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx): Finding => {
    const { unit, t, vs, chart } = ctx;
    const from = addMonths(unit.date, -t.conservativeTherapyLookbackMonths);
    // Days of therapy count up to the decision date: a course running past it has not been taken yet.
    const until = evidenceCutoff(ctx.today, unit.date);
    const courses = chart.medications.filter((m) => !NOT_A_COURSE.has(m.status) && m.start !== undefined && m.start <= until);
    const intervals: Interval[] = [];
    const undated: ChartMedication[] = [];
    for (const m of courses) {
      const end = courseEnd(m, until);
      if (end) intervals.push([m.start!, end]);
      else undated.push(m);
    }
    const days = coveredDays(intervals, from, until);
    const courseEvidence: Evidence[] = [
      ...courses.map((m) => {
        const end = courseEnd(m, until);
        return { text: `${m.name}: ${m.kind.replace('Medication', '').toLowerCase()} from ${m.start}${end ? ` to ${end}` : ', duration not charted'}`, reference: m.ref };
      }),
      ...laterEvidence(chart.later.medications.map((m) => ({ ref: m.ref, text: `${m.name} (${m.kind})`, date: m.start })), ctx.today),
    ];
    if (days >= t.nsaidMinDays) return met(`${days} days of NSAID therapy in the past year`, courseEvidence);

    const allergies = chart.allergies.filter((a) => a.current);
    const intolerant = chart.medications.filter((m) => ['stopped', 'not-taken', 'on-hold'].includes(m.status) && m.statusReasons.some((r) => vs.intoleranceReason!.matchesConcept(r)));
    if (allergies.length > 0 || intolerant.length > 0) {
      return met('NSAIDs not tolerated', [
        ...allergies.map((a) => ({ text: `${a.type ?? 'allergy'}: ${a.name}`, reference: a.ref })),
        ...intolerant.map((m) => ({ text: `${m.name} ${m.status}: ${m.statusReasons.map((r) => r.text ?? r.coding?.[0]?.display).join('; ')}`, reference: m.ref })),
      ]);
    }
    const contraindications = currentConditions(ctx, 'nsaidContraindications');
    if (contraindications.length > 0) return met('NSAIDs contraindicated', [...contraindications.map(conditionEvidence), ...courseEvidence.filter((e) => e.setAside)]);
    if (undated.length > 0) {
      return notDocumented('nsaid-trial', `NSAIDs on record without a charted duration (${days} days counted; ${t.nsaidMinDays} required)`, courseEvidence);
    }
    if (days > 0) return notMet(`Only ${days} days of NSAID therapy in the past year; ${t.nsaidMinDays} required`, courseEvidence);
    if (courses.length > 0) return notMet(`NSAID therapy on record is more than ${t.conservativeTherapyLookbackMonths} months before ${unit.date}`, courseEvidence);
    return notDocumented('nsaid-trial', 'No NSAID therapy, intolerance or contraindication on record', courseEvidence);
  },
});
