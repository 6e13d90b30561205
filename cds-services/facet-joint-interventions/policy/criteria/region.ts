import type { Finding } from '../../../../src/decision/types';
import { met, notMet } from '../../../../src/kit';
import type { FacetContext } from '../types';
import { INJECTION_PATHWAYS, RADIOFREQUENCY_PATHWAYS, criterion, notDocumented, type DocumentableId } from './define';

function thoracic(id: DocumentableId, what: string) {
  return (ctx: FacetContext): Finding => {
    const { unit } = ctx;
    if (unit.region === 'thoracic') return notMet(`Thoracic ${what} (${unit.regionEvidence})`, unit.orders.map((o) => ({ text: o.regionEvidence, reference: o.ref })));
    if (unit.region === undefined) return notDocumented(id, `Cervical or thoracic not charted: ${unit.regionEvidence}`);
    return met(`${unit.region[0]!.toUpperCase()}${unit.region.slice(1)} region (${unit.regionEvidence})`);
  };
}

/** I.C: thoracic facet joint injections are not medically necessary. */
export const thoracicInjection = criterion('thoracic-injection', {
  dependsOn: [],
  categorical: true,
  pathways: INJECTION_PATHWAYS,
  evaluate: thoracic('thoracic-injection', 'facet injection'),
});

/** I.E: thoracic radiofrequency neurotomy is not medically necessary. */
export const thoracicRadiofrequency = criterion('thoracic-radiofrequency', {
  dependsOn: [],
  categorical: true,
  pathways: RADIOFREQUENCY_PATHWAYS,
  evaluate: thoracic('thoracic-radiofrequency', 'radiofrequency neurotomy'),
});
