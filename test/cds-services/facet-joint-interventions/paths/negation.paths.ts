import { NEXT_WEEK, RF_NOTE, firstBlockOrder, lumbarCandidate } from './base-charts';
import { order } from '../../../helpers/chart';
import type { PathScenario } from './scenario';

/**
 * An order's words read with their negations, as a reviewer reads them: a statement that something is not
 * being done is not evidence that it is (src/kit/negation.ts).
 */
export const negationPaths: PathScenario[] = [
  {
    name: 'I.A.1.f: "radiofrequency ablation is not being considered; the patient declines ablation" is not met, so the block is not covered',
    chart: (c) => lumbarCandidate(c),
    orders: () => [
      order('sr-block', '64493', {
        levels: ['L4-L5'],
        date: NEXT_WEEK,
        note: [{ text: 'Diagnostic medial branch block under fluoroscopic guidance. Radiofrequency ablation is not being considered; the patient declines ablation.' }],
      }),
    ],
    failedKeys: ['serviceRequests'],
    expect: {
      'sr-block': {
        outcome: 'not-covered',
        criteria: { 'radiofrequency-considered': 'not-met' },
        evidence: { 'radiofrequency-considered': { counted: [/names radiofrequency neurotomy only to negate it/] } },
      },
    },
  },
  {
    name: 'I.A.1.f: "RFA if pain is not relieved" still says RF is being considered',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: [{ text: 'Diagnostic block first; RFA if pain is not relieved by conservative care' }] })],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'radiofrequency-considered': 'met' } } },
  },
  {
    name: 'I.A (fluoroscopy or CT guidance): "ultrasound guidance is not used" does not make the order ultrasound-guided',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder({ note: [...RF_NOTE, { text: 'Fluoroscopy-guided diagnostic medial branch block; ultrasound guidance is not used.' }] })],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'image-guidance': 'met' } } },
  },
  {
    name: 'I.A (fluoroscopy or CT guidance): "ultrasound guidance will be used" is an ultrasound-guided order',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder({ note: [...RF_NOTE, { text: 'Ultrasound guidance will be used for needle placement.' }] })],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'image-guidance': 'not-met' } } },
  },
];
