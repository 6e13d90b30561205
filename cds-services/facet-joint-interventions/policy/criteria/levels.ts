import { met, notMet } from '../../../../src/kit';
import type { Pathway } from '../types';
import { criterion, outsideThoracic, type CriterionId } from './define';

/** I.A.1.d, I.B.1.c, I.B.2.c, I.D.4: no more than three spinal levels (unilateral or bilateral) in the session. */
function levels(id: CriterionId, pathway: Pathway) {
  return criterion(id, {
    dependsOn: [],
    categorical: true,
    pathways: [pathway],
    appliesTo: outsideThoracic,
    evaluate: ({ unit, t }) =>
      unit.levelCount <= t.maxLevelsPerSession
        ? met(`${unit.levelCount} of at most ${t.maxLevelsPerSession} levels (${unit.levelEvidence})`)
        : notMet(`${unit.levelCount} levels in one session; at most ${t.maxLevelsPerSession} are covered (${unit.levelEvidence})`, unit.orders.map((o) => ({ text: `${o.levels.length > 0 ? o.levels.join(', ') : `${o.levelsFromCodes} level(s) from CPT ${o.codes.map((c) => c.code).join(', ')}`}${o.laterality !== 'unspecified' ? `, ${o.laterality}` : ''}`, reference: o.ref }))),
  });
}

export const levelsDiagnostic = levels('levels-diagnostic', 'diagnostic');
export const levelsInitialRadiofrequency = levels('levels-initial-rf', 'initial-radiofrequency');
export const levelsRepeatRadiofrequency = levels('levels-repeat-rf', 'repeat-radiofrequency');
export const levelsTherapeutic = levels('levels-therapeutic', 'therapeutic');
