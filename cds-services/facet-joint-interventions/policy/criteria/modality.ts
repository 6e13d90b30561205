import { met, notMet } from '../../../../src/kit';
import { RADIOFREQUENCY_PATHWAYS, criterion } from './define';

/** I.F: pulsed radiofrequency neurotomy is not medically necessary. */
export const pulsedRadiofrequency = criterion('pulsed-radiofrequency', {
  dependsOn: [],
  categorical: true,
  pathways: RADIOFREQUENCY_PATHWAYS,
  evaluate: ({ unit }) =>
    unit.modality === 'pulsed'
      ? notMet('The order describes pulsed radiofrequency', unit.orders.map((o) => ({ text: `CPT ${o.codes.map((c) => c.code).join(', ')}: order text names pulsed radiofrequency`, reference: o.ref })))
      : met('Not pulsed radiofrequency'),
});

/** I.B: only conventional (thermal) radiofrequency neurotomy is medically necessary; cooled, chemical, cryo, laser and other 64999 methods are not addressed as such. */
export const conventionalRadiofrequency = criterion('conventional-radiofrequency', {
  dependsOn: [],
  categorical: true,
  pathways: RADIOFREQUENCY_PATHWAYS,
  appliesTo: ({ unit }) => unit.modality !== 'pulsed',
  evaluate: ({ unit }) =>
    unit.modality === 'non-conventional'
      ? notMet(
          unit.kind === 'unlisted'
            ? 'Facet denervation ordered as unlisted CPT 64999, which reports methods other than conventional radiofrequency'
            : 'The order describes a denervation method other than conventional (thermal) radiofrequency',
          unit.orders.map((o) => ({ text: `CPT ${o.codes.map((c) => c.code).join(', ')}`, reference: o.ref })),
        )
      : met(`Conventional radiofrequency neurotomy (CPT ${unit.orders.flatMap((o) => o.codes.map((c) => c.code)).join(', ')})`),
});
