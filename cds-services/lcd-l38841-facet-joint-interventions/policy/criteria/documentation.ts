import type { Finding } from '../../../../src/decision/types';
import { addMonths, evidenceCutoff, factFields, functionalScores, met, scaleFits, scoreEvidence, sessionText, dateOf } from '../../../../src/kit';
import { EVERY_PATHWAY, criterion, notDocumented, facetProcedure } from './define';

/** The pain-score fields DOC3 reads besides the chart model's: a score charted as a range. */
export const SCORE_FIELDS = factFields('observations', ['codings', 'status', 'effective', 'valueRange', 'valueString']);

/** DOC1: pain measured before and after each diagnostic block on record, on the same scale (relief cannot be read otherwise). */
export const sameScaleRelief = criterion('doc1-same-scale-relief', {
  dependsOn: ['procedures', 'observations'],
  pathways: EVERY_PATHWAY,
  appliesTo: (ctx) => facetProcedure(ctx) && ctx.history.diagnostic.length > 0,
  evaluate: ({ history }): Finding => {
    const unread = history.diagnostic.filter((b) => b.relief?.percent === undefined);
    const evidence = history.diagnostic.map((b) => ({ text: `${sessionText(b)}: ${b.relief?.percent !== undefined ? `${b.relief.percent}% relief, scores before and after on one scale` : `not measured on one scale before and after (${b.relief?.problem})`}`, reference: b.refs[0] }));
    return unread.length === 0
      ? met(`Pain measured before and after each of the ${history.diagnostic.length} diagnostic blocks on record`, evidence)
      : notDocumented('doc1-same-scale-relief', `Pain not measured before and after ${unread.map((b) => b.label).join(', ')} on one scale`, evidence);
  },
});

/**
 * DOC2: a disability scale at baseline. CGS's RFA page quotes it as required "if patient qualifies for
 * treatment"; CGS's FAQ of 04/2024 says it is not (open question Q3). Read as not required: C1 accepts a pain
 * or a disability scale. The line shows the disability scale on record, if any.
 */
export const disabilityScale = criterion('doc2-disability-scale', {
  dependsOn: ['observations'],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: ({ chart, vs, t, unit, today }): Finding => {
    const until = evidenceCutoff(today, unit.date);
    const from = addMonths(unit.date, -t.severityLookbackMonths);
    const latest = functionalScores(chart, t.functionalScales, vs).filter((s) => s.obs.date! >= from && s.obs.date! <= until && scaleFits(s.scale, unit.region)).at(-1);
    return latest
      ? met(`Disability scale on record: ${latest.scale.label} ${latest.obs.value} on ${latest.obs.date}`, [scoreEvidence(latest.obs, latest.scale.label)])
      : met('No disability scale on record: not required (read of open question Q3; the LCD accepts a pain scale)');
  },
});

/** DOC3: pain recorded as a single score, not a range (the latest pain score in the look-back). */
export const singleScore = criterion('doc3-single-score', {
  dependsOn: ['observations'],
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { unit, t, vs } = ctx;
    const until = evidenceCutoff(ctx.today, unit.date);
    const from = addMonths(unit.date, -t.severityLookbackMonths);
    const f = SCORE_FIELDS;
    const ranges = ctx.chart.memo.once('lcd:pain-score-ranges', () =>
      f
        .records(ctx.facts)
        .filter((r) => f.codings(r, 'codings').some((c) => vs.painScores!.matchesCoding(c)) && !['entered-in-error', 'cancelled'].includes(f.string(r, 'status') ?? ''))
        .map((r) => ({ ref: r.ref, date: dateOf(f.string(r, 'effective')), range: f.objects(r, 'valueRange').length > 0 || vs.scoreRangeText!.matchesText(f.string(r, 'valueString')?.trim()) }))
        .filter((r) => r.range),
    );
    const inWindow = ranges.filter((r) => r.date !== undefined && r.date >= from && r.date <= until);
    const latestScore = ctx.chart.observations.filter((o) => o.value !== undefined && o.date !== undefined && o.date >= from && o.date <= until && o.codings.some((c) => vs.painScores!.matchesCoding(c))).map((o) => o.date!).sort().at(-1);
    const latestRange = inWindow.map((r) => r.date!).sort().at(-1);
    if (latestRange !== undefined && (latestScore === undefined || latestRange > latestScore)) {
      return notDocumented('doc3-single-score', `The latest pain score (${latestRange}) is charted as a range, not a single score`, inWindow.map((r) => ({ text: `pain charted as a range on ${r.date}`, reference: r.ref })));
    }
    return met(latestScore ? `Pain charted as a single score (latest ${latestScore})` : 'No pain score charted as a range');
  },
});
