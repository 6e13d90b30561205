import { criterion, met, notMet } from './define';

/** I: one procedure per visit. */
export const oneProcedurePerVisit = criterion('one-procedure-per-visit', {
  dependsOn: ['procedures'],
  categorical: true,
  appliesTo: () => true,
  evaluate: ({ unit }) =>
    unit.sameVisit.length === 0
      ? met(`The only facet procedure on ${unit.date}`)
      : notMet(`${unit.sameVisit.length + 1} facet procedures on ${unit.date}`, unit.sameVisit.map((text) => ({ text: `also on ${unit.date}: ${text}` }))),
});

/** Imaging guidance section and Table 2: fluoroscopy or CT; ultrasound-guided 0213T-0218T do not support coverage. */
export const imageGuidance = criterion('image-guidance', {
  dependsOn: [],
  categorical: true,
  appliesTo: () => true,
  evaluate: ({ unit }) =>
    unit.guidance === 'ultrasound'
      ? notMet(`Ultrasound guidance: ${unit.guidanceEvidence}`, unit.orders.map((o) => ({ text: o.guidanceEvidence, reference: o.ref })))
      : met(`Fluoroscopic or CT guidance: ${unit.guidanceEvidence}`),
});
