import type { Evidence, Finding } from '../../../../src/decision/types';
import { ORDER_FIELDS, addDays, dateOf, met, notMet, otherPainOrders, proceduresForVisits, unitLabel } from '../../../../src/kit';
import { OTHER_BLOCKS, cptRegionOf, sessionCptRegion } from '../units';
import { EVERY_PATHWAY, criterion, notDocumented, facetProcedure, ordersSaying } from './define';

/**
 * S1: one spinal region per session (a session read as one region on one date, ◐): another facet procedure of
 * the other CPT region on the same date, ordered in this request or on the chart (done, in progress or in
 * preparation), makes this one a second region.
 */
export const oneRegionPerSession = criterion('s1-one-region-per-session', {
  dependsOn: ['procedures'],
  categorical: true,
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { unit } = ctx;
    const otherRegion = (region: string | undefined) => region !== undefined && unit.cptRegion !== undefined && region !== unit.cptRegion;
    const ordered: Evidence[] = [
      ...ctx.units.filter((u) => u !== unit && u.date === unit.date && otherRegion(u.cptRegion)).map((u) => ({ text: `${unitLabel(u)}, ordered in this request`, reference: u.orders[0]!.ref })),
      // The request's facet orders this call does not decide (order-select's unselected ones) are in the session too.
      ...ctx.undecided.filter((o) => o.date === unit.date && otherRegion(cptRegionOf(o.region, o.codeRegions))).map((o) => ({ text: `${o.label}, ordered in this request`, reference: o.ref })),
    ];
    const recorded: Evidence[] = ctx.visitSessions.filter((s) => s.date === unit.date && otherRegion(sessionCptRegion(s))).map((s) => ({ text: `${s.label}, on record`, reference: s.refs[0] }));
    const others = [...ordered, ...recorded];
    return others.length === 0
      ? met(`One region on ${unit.date} (${unit.cptRegion ?? 'region not determined'})`)
      : notMet(`Two spinal regions in one session on ${unit.date}: this ${unit.cptRegion} procedure and another region`, others, addDays(unit.date, 1));
  },
});

/**
 * S3 and S2: an injection session treats at most 2 levels per region (bilateral at one level is one level); a third
 * is paid on appeal only. Where the third level is its own add-on line, that line is decided apart (units.ts):
 * not met for it, while the first two lines meet S3.
 */
export const twoLevelsPerInjectionSession = criterion('s3-two-levels-per-injection-session', {
  dependsOn: [],
  categorical: true,
  pathways: ['diagnostic', 'therapeutic'],
  appliesTo: facetProcedure,
  evaluate: ({ unit, t }) =>
    unit.beyondLevelCap
      ? notMet(
          `The ${ordinal(t.maxInjectionLevelsPerSession + 1)}-level line of a ${unit.levelCount}-level session: at most ${t.maxInjectionLevelsPerSession} levels are covered, a further level (64492, 64495) is paid on appeal only; the first lines are decided on their own (${unit.levelEvidence})`,
          unit.orders.map((o) => ({ text: `CPT ${o.codes.map((c) => c.code).join(', ')}: the level beyond the ${t.maxInjectionLevelsPerSession} covered`, reference: o.ref })),
        )
      : unit.levelCount <= t.maxInjectionLevelsPerSession
      ? met(`${unit.levelCount} of at most ${t.maxInjectionLevelsPerSession} levels (${unit.levelEvidence})`)
      : notMet(
          `${unit.levelCount} levels in one session: at most ${t.maxInjectionLevelsPerSession} are covered; a third level (64492, 64495) is paid on appeal only (${unit.levelEvidence})`,
          unit.orders.map((o) => ({ text: `${o.levels.length > 0 ? o.levels.join(', ') : `${o.levelsFromCodes} level(s) from CPT ${o.codes.map((c) => c.code).join(', ')}`}${o.laterality !== 'unspecified' ? `, ${o.laterality}` : ''}`, reference: o.ref })),
        ),
});

/** S5: regions follow CPT, cervical/thoracic being one region; the LCD has no thoracic exclusion. */
export const regionsFollowCpt = criterion('s5-regions-follow-cpt', {
  dependsOn: [],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: ({ unit }) =>
    met(
      unit.region === 'thoracic'
        ? `Thoracic, in the cervical/thoracic CPT region: covered under the LCD (${unit.regionEvidence})`
        : `${unit.cptRegion ?? 'Region not determined'} CPT region${unit.region ? ` (${unit.region})` : ''}: ${unit.regionEvidence}`,
    ),
});

/**
 * X1: another block (epidural, sympathetic, trigger point…) the same day as a facet procedure needs a clearly
 * documented necessity: a distinct-service modifier (59, X{EPSU}) or a stated reason on either order.
 */
export const otherBlocksSameDay = criterion('x1-other-blocks-same-day', {
  dependsOn: ['procedures'],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { unit, vs, chart } = ctx;
    const necessity = vs.sameDayNecessity!;
    const says = (r: (typeof ctx.drafts)[number]) =>
      [...ORDER_FIELDS.concepts(r, 'orderDetails'), ...ORDER_FIELDS.concepts(r, 'reasonCodes'), ...ORDER_FIELDS.strings(r, 'notes').map((text) => ({ text }))].some((c) => necessity.matchesConcept(c));
    const ordered = otherPainOrders(ctx.drafts, ctx.sessionOrders, vs, OTHER_BLOCKS).filter((r) => (dateOf(ORDER_FIELDS.string(r, 'occurrence')) ?? ctx.today) === unit.date);
    const matches = (codes: Array<{ system?: string; code?: string }>, text: string) => OTHER_BLOCKS.some((name) => codes.some((c) => vs[name]!.matchesCoding(c)) || vs[name]!.matchesText(text));
    const recorded = proceduresForVisits(chart).filter((p) => p.date === unit.date && ['completed', 'in-progress', 'preparation'].includes(p.status) && matches(p.codings, p.text));
    if (ordered.length + recorded.length === 0) return met(`No other block on ${unit.date}`);
    const documented = ordersSaying(ctx, 'sameDayNecessity').length > 0 || ordered.some(says) || recorded.some((p) => p.notes.some((n) => necessity.matchesText(n)));
    const evidence: Evidence[] = [
      ...ordered.map((r) => ({ text: `${ORDER_FIELDS.string(r, 'codeText') ?? ORDER_FIELDS.codings(r, 'codings')[0]?.code ?? 'another block'}, ordered in this request${says(r) ? ' (necessity documented)' : ''}`, reference: r.ref })),
      ...recorded.map((p) => ({ text: `${p.text}, on record (${p.status})`, reference: p.ref })),
    ];
    return documented
      ? met(`Another block on ${unit.date}, its necessity documented`, evidence)
      : notDocumented('x1-other-blocks-same-day', `Another block on ${unit.date} without a documented necessity for the same day`, evidence);
  },
});

function ordinal(n: number): string {
  return n === 3 ? 'third' : n === 2 ? 'second' : `${n}th`;
}
