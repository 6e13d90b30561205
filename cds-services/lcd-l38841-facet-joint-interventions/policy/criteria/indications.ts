import type { Evidence, Finding } from '../../../../src/decision/types';
import {
  addMonths,
  cobbAngles,
  cobbFindings,
  conditionEvidence,
  conditionMatches,
  courseEnd,
  cystCausing,
  cystsElsewhere,
  evidenceCutoff,
  FACET_JOINT_TARGET,
  facetSynovialCysts,
  functionalScores,
  laterConditions,
  linkEvidence,
  met,
  notMet,
  otherCausesOnRecord,
  painLasted,
  painScores,
  procedureRegions,
  regionConditions,
  regionFit,
  regionPainDiagnoses,
  regionRadiculopathies,
  SPINE_OTHER_CAUSES,
  scaleFits,
  scoreEvidence,
  setAsideNote,
  studyText,
  type ChartCondition,
  type ChartProcedure,
  type OtherCause,
} from '../../../../src/kit';
import type { LcdContext } from '../types';
import { EVERY_PATHWAY, criterion, notDocumented, facetProcedure, ordersSaying } from './define';

/** Codes (A57787): a facet CPT code on an order naming another joint (a sacroiliac joint) is not a facet procedure. */
export const facetJointTarget = criterion('facet-joint-target', FACET_JOINT_TARGET);

/** The latest score of each kind in the look-back: the 0-10 pain score and each disability scale of the region. */
function latestScores(ctx: LcdContext) {
  const { unit, t, chart, vs } = ctx;
  const from = addMonths(unit.date, -t.severityLookbackMonths);
  const until = evidenceCutoff(ctx.today, unit.date);
  const inWindow = (date: string | undefined) => date !== undefined && date >= from && date <= until;
  const pain = painScores(chart, vs).filter((o) => inWindow(o.date)).at(-1);
  const scales = [...new Map(functionalScores(chart, t.functionalScales, vs).filter((s) => inWindow(s.obs.date) && scaleFits(s.scale, unit.region)).map((s) => [s.scale.valueSet, s])).values()];
  return { pain, scales };
}

/**
 * C1: moderate to severe, predominantly axial neck or low-back pain with a functional deficit measured on a
 * pain or disability scale. Axial: a pain diagnosis of the region that is not a radiculopathy. Moderate to
 * severe with a deficit: the latest 0-10 pain score at the moderate cut or more, or the latest disability
 * scale of the region at its threshold (either measures the deficit: "a pain or disability scale").
 */
export const axialPainWithDeficit = criterion('c1-axial-pain-with-deficit', {
  dependsOn: ['conditions', 'observations'],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { t, vs } = ctx;
    const pain = regionPainDiagnoses(ctx);
    const axial = pain.filter((c) => !conditionMatches(c, vs.radiculopathy!));
    const { pain: score, scales } = latestScores(ctx);
    const moderate = score && score.value! >= t.moderatePainScore ? [scoreEvidence(score, '0-10 pain')] : [];
    const deficit = scales.filter((s) => (s.scale.higherIsWorse ? s.obs.value! >= s.scale.interferesAt : s.obs.value! <= s.scale.interferesAt)).map((s) => scoreEvidence(s.obs, s.scale.label));
    const scored = [...(score ? [scoreEvidence(score, '0-10 pain')] : []), ...scales.map((s) => scoreEvidence(s.obs, s.scale.label))];
    if (axial.length === 0) {
      return notDocumented(
        'c1-axial-pain-with-deficit',
        pain.length > 0 ? 'The pain diagnoses of this region on record are radicular: axial (facet) pain is not charted' : 'No neck or back pain diagnosis of this region on record',
        [...pain.map(conditionEvidence), ...scored],
      );
    }
    const evidence = [...axial.map(conditionEvidence), ...scored];
    if (moderate.length + deficit.length > 0) {
      return met(`Axial pain, ${moderate.length > 0 ? `pain ${score!.value}/10 (moderate from ${t.moderatePainScore})` : `a deficit on ${deficit[0]!.text.split(' ').slice(0, 3).join(' ')}`}`, evidence);
    }
    if (scored.length > 0) {
      return notMet(`Latest scores are mild: ${score ? `pain ${score.value}/10 (moderate from ${t.moderatePainScore})` : 'no 0-10 pain score'}${scales.length > 0 ? `; ${scales.map((s) => `${s.scale.label} ${s.obs.value} (deficit at ${s.scale.higherIsWorse ? '≥' : '≤'} ${s.scale.interferesAt})`).join('; ')}` : ''}`, evidence);
    }
    return notDocumented('c1-axial-pain-with-deficit', `No pain or disability score in the ${t.severityLookbackMonths} months before ${ctx.unit.date}`, evidence);
  },
});

/** C2: pain present for at least 3 months before the order's date. */
export const painThreeMonths = criterion('c2-pain-three-months', {
  dependsOn: ['conditions'],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx) => painLasted(ctx, ctx.t.painDurationMonths, (summary, evidence) => notDocumented('c2-pain-three-months', summary, evidence)),
});

const DONE = new Set(['completed', 'in-progress']);
const STOPPED = new Set(['not-done', 'stopped', 'on-hold', 'not-taken']);
const NOT_A_COURSE = new Set(['draft', 'not-taken', 'unknown', 'entered-in-error', 'cancelled']);
const CARE = ['physicalTherapy', 'homeExerciseProgram', 'lcdConservativeCare'];

function isCare(p: ChartProcedure, ctx: LcdContext): boolean {
  return CARE.some((name) => p.codings.some((c) => ctx.vs[name]!.matchesCoding(c)) || ctx.vs[name]!.matchesText(p.text));
}

/**
 * C2: documented failure of noninvasive conservative management, of no particular kind or length: care for
 * this pain on record before the order (therapy, home exercise, chiropractic, acupuncture, a medication
 * course), and the pain still scored after it began; care stopped for intolerance counts ("as tolerated").
 */
export const conservativeCareFailed = criterion('c2-conservative-care-failed', {
  dependsOn: ['procedures', 'medicationRequests', 'medicationStatements', 'observations'],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { unit, chart, vs, t } = ctx;
    const until = evidenceCutoff(ctx.today, unit.date);
    const intolerant = (reasons: ChartProcedure['statusReasons']) => reasons.some((r) => vs.intoleranceReason!.matchesConcept(r));
    const care = chart.procedures.filter((p) => isCare(p, ctx) && p.date !== undefined && p.date <= until && regionFit(procedureRegions(p, chart, vs), unit.region) !== 'other');
    const tried = care.filter((p) => DONE.has(p.status));
    const notTolerated = [
      ...care.filter((p) => STOPPED.has(p.status) && intolerant(p.statusReasons)).map((p) => ({ text: `${p.text}: ${p.status}, not tolerated`, reference: p.ref })),
      ...chart.medications.filter((m) => STOPPED.has(m.status) && intolerant(m.statusReasons)).map((m) => ({ text: `${m.name}: ${m.status}, not tolerated`, reference: m.ref })),
    ];
    const courses = chart.medications.filter((m) => !NOT_A_COURSE.has(m.status) && m.start !== undefined && m.start <= until);
    const evidence: Evidence[] = [
      ...tried.map((p) => ({ text: `${p.text} on ${p.date}`, reference: p.ref })),
      ...courses.map((m) => ({ text: `${m.name} from ${m.start}${courseEnd(m, until) ? ` to ${courseEnd(m, until)}` : ''}`, reference: m.ref })),
      ...notTolerated,
    ];
    if (notTolerated.length > 0) return met('Conservative care tried and not tolerated', evidence);
    const starts = [...tried.map((p) => p.date!), ...courses.map((m) => m.start!)].sort();
    if (starts.length === 0) return notDocumented('c2-conservative-care-failed', 'No conservative care for this pain on record before the order (therapy, home exercise, chiropractic, medication…)', evidence);
    const { pain, scales } = latestScores(ctx);
    const after = [...(pain && pain.date! > starts[0]! ? [scoreEvidence(pain, '0-10 pain')] : []), ...scales.filter((s) => s.obs.date! > starts[0]!).map((s) => scoreEvidence(s.obs, s.scale.label))];
    if (after.length > 0) return met(`Conservative care since ${starts[0]}, and the pain still scored after it (failed)`, [...evidence, ...after]);
    return notDocumented('c2-conservative-care-failed', `Conservative care on record since ${starts[0]}, but no pain or disability score after it began (in the ${t.severityLookbackMonths} months before the order) shows it failed`, evidence);
  },
});

/** A radiculopathy or neurogenic claudication is treated when an epidural, a decompression or a discectomy was done after it began. */
function treatmentOf(condition: ChartCondition, ctx: LcdContext, until: string): ChartProcedure | undefined {
  const since = condition.onset ?? condition.recorded;
  const matcher = ctx.vs.radicularTreatment!;
  return ctx.chart.procedures.find(
    (p) => p.status === 'completed' && p.date !== undefined && p.date <= until && (since === undefined || p.date >= since) && (p.codings.some((c) => matcher.matchesCoding(c)) || matcher.matchesText(p.text)),
  );
}

/**
 * C3: no untreated radiculopathy or neurogenic claudication of the region (except a radiculopathy caused by a
 * facet synovial cyst, same region and the same or an adjacent level). Treated: an epidural injection, a
 * decompression or a discectomy after it began.
 */
export const noUntreatedRadiculopathy = criterion('c3-no-untreated-radiculopathy', {
  dependsOn: ['conditions', 'procedures'],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const until = evidenceCutoff(ctx.today, ctx.unit.date);
    const claudication = regionConditions(ctx, 'neurogenicClaudication');
    const radiculopathies = regionRadiculopathies(ctx);
    const cysts = facetSynovialCysts(ctx);
    const setAside = [...claudication.elsewhere, ...regionConditions(ctx, 'radiculopathy').elsewhere, ...cystsElsewhere(ctx), ...laterConditions(ctx, 'radiculopathy', 'neurogenicClaudication')];
    const explained: Evidence[] = [];
    const untreated: ChartCondition[] = [];
    for (const condition of [...radiculopathies, ...claudication.counted]) {
      const treatment = treatmentOf(condition, ctx, until);
      const link = radiculopathies.includes(condition) ? cystCausing(condition, cysts, ctx).link : undefined;
      if (treatment) explained.push({ ...conditionEvidence(condition), text: `${conditionEvidence(condition).text}: treated (${treatment.text} on ${treatment.date})` });
      else if (link) explained.push(...linkEvidence(condition, link));
      else untreated.push(condition);
    }
    if (untreated.length > 0) {
      return notMet(`Untreated ${untreated.some((c) => conditionMatches(c, ctx.vs.neurogenicClaudication!)) ? 'radiculopathy or neurogenic claudication' : 'radiculopathy'} on the problem list`, [...untreated.map(conditionEvidence), ...explained, ...setAside]);
    }
    return met(explained.length > 0 ? 'Radiculopathy on record is treated or caused by a facet synovial cyst' : 'No radiculopathy or neurogenic claudication of this region on the problem list', [...explained, ...setAside]);
  },
});

/** C4's other causes: the spine policies' (fracture, tumour, infection, extraspinal lesion) and a significant deformity. */
export const OTHER_CAUSES: OtherCause[] = [...SPINE_OTHER_CAUSES, { codes: 'significantDeformity', words: 'significantDeformity', label: 'significant deformity' }];

/**
 * C4: no non-facet pathology on clinical assessment or imaging that could explain the pain. Unlike CP.MP.171,
 * imaging is not required: the record must not show another cause (diagnoses, coded conclusions, report
 * words), and a deformity counts when charted as significant (its words, or a moderate or severe severity).
 */
export const noOtherPathology = criterion('c4-no-other-pathology', {
  dependsOn: ['conditions', 'procedures', 'imagingReports'],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { t, vs } = ctx;
    const found = otherCausesOnRecord(ctx, OTHER_CAUSES);
    const deformities = regionConditions(ctx, 'spinalDeformityCodes');
    const counted = deformities.counted.filter((c) => !found.causes.some((e) => e.reference === c.ref));
    const graded = counted.filter((c) => c.severity.some((s) => vs.moderateToSevere!.matchesConcept(s)));
    // A curve of at least the declared Cobb angle is a significant deformity, whatever words name it.
    const cobb = (c: ChartCondition) => Math.max(0, ...cobbAngles(c.text));
    const large = counted.filter((c) => !graded.includes(c) && cobb(c) >= t.significantDeformityCobbDegrees);
    const ungraded = counted.filter((c) => !graded.includes(c) && !large.includes(c));
    const reported = found.studies.flatMap(({ study }) =>
      cobbFindings(study.texts, vs)
        .filter((f) => f.degrees >= t.significantDeformityCobbDegrees && regionFit(f.regions, ctx.unit.region) !== 'other')
        .map((f) => ({ text: `significant deformity in the report of ${study.name}${study.date ? ` on ${study.date}` : ''}: "${f.quote}" (Cobb ${f.degrees}° ≥ ${t.significantDeformityCobbDegrees}°)`, reference: study.ref })),
    );
    const causes = [
      ...found.causes,
      ...graded.map((c) => ({ ...conditionEvidence(c), text: `significant deformity: ${conditionEvidence(c).text} (charted ${c.severity.map((s) => s.text ?? s.coding?.[0]?.display).join(', ')})` })),
      ...large.map((c) => ({ ...conditionEvidence(c), text: `significant deformity: ${conditionEvidence(c).text} (Cobb ${cobb(c)}° ≥ ${t.significantDeformityCobbDegrees}°)` })),
      ...reported,
    ];
    const setAside = [
      ...found.setAside,
      ...deformities.elsewhere,
      ...ungraded.map((c) => ({ ...conditionEvidence(c), text: `set aside, deformity not charted as significant: ${conditionEvidence(c).text}`, setAside: 'not significant' })),
    ];
    if (causes.length > 0) {
      const deformity = graded.length + large.length + reported.length > 0;
      const labels = [...new Set([...found.labels, ...(deformity ? ['significant deformity'] : [])])];
      return notMet(`Another pathology that could explain the pain is on record (${labels.join(', ')})`, [...causes, ...setAside]);
    }
    const studies = found.studies.map(({ study, regions }) => ({ text: `${studyText(study, regions)}: read`, reference: study.ref }));
    return met(
      `No fracture, tumour, infection, significant deformity or other cause of the pain on record${studies.length === 0 ? ' (no spine imaging on record: the LCD does not require it)' : ''}${setAsideNote(setAside)}`,
      [...studies, ...setAside],
    );
  },
});

/**
 * C5 and N1: fluoroscopic or CT guidance. Ultrasound guidance (0213T-0218T, or the order says so), MRI guidance
 * and no guidance are not reasonable and necessary.
 */
export const imageGuidance = criterion('c5-image-guidance', {
  dependsOn: [],
  categorical: true,
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { unit } = ctx;
    if (unit.guidance === 'ultrasound') return notMet(`Ultrasound guidance: ${unit.guidanceEvidence} (N1)`, unit.orders.map((o) => ({ text: o.guidanceEvidence, reference: o.ref })));
    const mri = ordersSaying(ctx, 'mriGuidance');
    if (mri.length > 0) return notMet('MRI guidance (N1; secondary source RUB)', mri.map(({ order, concept }) => ({ text: `the order says "${concept.text ?? concept.coding?.[0]?.display}"`, reference: order.ref })));
    const none = ordersSaying(ctx, 'noGuidance');
    if (none.length > 0) return notMet('No image guidance (N1)', none.map(({ order, concept }) => ({ text: `the order says "${concept.text ?? concept.coding?.[0]?.display}"`, reference: order.ref })));
    return met(`Fluoroscopic or CT guidance: ${unit.guidanceEvidence}`);
  },
});
