import { FACET_JOINT_TARGET, addDays, met, notMet } from '../../../../src/kit';
import { criterion } from './define';

/**
 * Table 1: the order is a facet joint procedure. A facet CPT code is not enough: an order whose code text
 * or bodySite names another joint (a sacroiliac joint) is not decided as a facet procedure; the card says
 * what it appears to be and asks for the order to be corrected.
 */
export const facetJointTarget = criterion('facet-joint-target', FACET_JOINT_TARGET);

/**
 * I: "invasive pain management procedures … and the patient receives only one procedure per visit": other
 * facet procedures, and other invasive pain procedures (an epidural, an SI joint injection, a nerve block,
 * a spinal cord stimulator trial) ordered in this request or on the chart for the same date.
 */
export const oneProcedurePerVisit = criterion('one-procedure-per-visit', {
  dependsOn: ['procedures'],
  categorical: true,
  appliesTo: () => true,
  evaluate: ({ unit }) => {
    const counted = unit.sameVisit.filter((e) => !e.setAside);
    const setAside = unit.sameVisit.filter((e) => e.setAside);
    return counted.length === 0
      ? met(`The only invasive pain procedure on ${unit.date}`, setAside)
      : // On another day this one qualifies (as far as this criterion goes): the first is the next.
        notMet(`${counted.length + 1} invasive pain procedures on ${unit.date}`, [...counted.map((e) => ({ ...e, text: `also on ${unit.date}: ${e.text}` })), ...setAside], addDays(unit.date, 1));
  },
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
