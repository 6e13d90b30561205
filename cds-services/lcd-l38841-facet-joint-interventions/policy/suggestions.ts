import type { CriterionResult, DecisionUnit, Outcome, PolicyInput, SuggestionSpec } from '../../../src/decision/types';
import {
  cancelOrder,
  cancelUnit,
  fewerLevels,
  fluoroscopicAlternative,
  markFirstRecommended,
  replaceWith,
  rollingCount,
  scheduleOnFirstEligibleDate,
  unitLabel,
  type SpineSuggestionCoding,
} from '../../../src/kit';
import type { LcdContext, LcdThresholds } from './types';

/** Alternatives under the LCD: each removes the reason the order is not covered, and the EHR can apply it. */
export function suggest(unit: DecisionUnit<LcdContext>, resultList: CriterionResult[], outcome: Outcome, input: PolicyInput<LcdThresholds, SpineSuggestionCoding>): SuggestionSpec[] {
  if (outcome === 'covered' || outcome === 'indeterminate') return [];
  const ctx = unit.context;
  const u = ctx.unit;
  const notMet = (id: string) => resultList.some((r) => r.id === id && r.status === 'not-met');
  const suggestions: SuggestionSpec[] = [];

  if (notMet('facet-joint-target') && u.nonFacetJoint) {
    return markFirstRecommended([cancelUnit(u, `Cancel this order; re-enter it with the code for what it is (${u.nonFacetJoint.appearsToBe})`, `it names a joint that is not a facet joint and appears to be ${u.nonFacetJoint.appearsToBe}`)]);
  }
  if (notMet('s1-one-region-per-session')) {
    const others = ctx.units.filter((o) => o !== u && o.date === u.date && o.cptRegion !== u.cptRegion).flatMap((o) => o.orders);
    if (others.length > 0) suggestions.push({ label: `Keep only this ${unitLabel(u)}; do the other region another day`, actions: others.map((o) => cancelOrder(o, 'one spinal region per session (LCD S1)')) });
  }
  if (u.guidance === 'ultrasound' && notMet('c5-image-guidance')) {
    const fluoroscopic = fluoroscopicAlternative(ctx);
    if (fluoroscopic) suggestions.push(fluoroscopic);
  }
  if (notMet('s3-two-levels-per-injection-session') && u.beyondLevelCap) {
    suggestions.push(cancelUnit(u, `Remove the line beyond ${ctx.t.maxInjectionLevelsPerSession} levels (CPT ${u.orders.flatMap((o) => o.codes.map((c) => c.code)).join(', ')}); the first levels are decided on their own lines`, 'a level beyond the 2 covered per session is paid on appeal only (LCD S3)'));
  } else if (notMet('s3-two-levels-per-injection-session')) {
    const fewer = fewerLevels(ctx, ctx.t.maxInjectionLevelsPerSession);
    if (fewer) suggestions.push(fewer);
  }
  const sessions = [...new Set(ctx.history.diagnostic.map((b) => b.date))];
  const blockRoom = u.region !== undefined && rollingCount(sessions, u.date, ctx.t.rollingWindowMonths, ctx.t.maxDiagnosticSessions).firstEligibleDate === undefined;
  if (u.region && (notMet('r1-two-positive-medial-branch-blocks') || notMet('r3-repeat-diagnostics-after-two-years')) && blockRoom) {
    const block = replaceWith(ctx, u.region, 'diagnostic-block', input.patientId, 'Diagnostic medial branch block before radiofrequency ablation (LCD L38841 R1)');
    // Beyond the usual diagnostic sessions in the window, the block itself needs its reason documented and KX (D5):
    // then it is not an alternative that meets the LCD as it stands, and says so.
    const beyondUsual = rollingCount(sessions, u.date, ctx.t.rollingWindowMonths, Number.POSITIVE_INFINITY).within.length >= ctx.t.usualDiagnosticSessions;
    suggestions.push(beyondUsual ? { ...block, label: `${block.label} (a further diagnostic session: document why and bill with KX, D5)`, stillUnmet: ['d5-diagnostics-beyond-two'] } : block);
  }
  if (u.region && notMet('n3-thermal-denervation-only') && resultList.every((r) => r.id === 'n3-thermal-denervation-only' || r.status === 'met')) {
    suggestions.push(replaceWith(ctx, u.region, 'radiofrequency', input.patientId, 'Conventional (thermal) radiofrequency ablation'));
  }
  // Never a date already past: a backdated order is moved to the first eligible date from today.
  const schedule = scheduleOnFirstEligibleDate(resultList, u.orders, ctx.today);
  if (schedule) suggestions.push(schedule);
  return markFirstRecommended(suggestions);
}
