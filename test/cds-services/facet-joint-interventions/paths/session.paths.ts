import { at, daysBefore, icd, monthsBefore, order } from '../../../helpers/chart';
import { NEXT_WEEK, RF_NOTE, afterTwoPositiveBlocks, cervicalWorkup, firstBlockOrder, lumbarCandidate } from './base-charts';
import type { PathScenario } from './scenario';

/** I (one procedure per visit), imaging guidance / Table 2, regions, several orders, coverage notes, technical failure. */
export const sessionPaths: PathScenario[] = [
  {
    name: 'an ultrasound-guided lumbar injection (0216T) is not covered; the fluoroscopic 64493 is suggested',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-us', '0216T', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
    expect: {
      'sr-us': {
        outcome: 'not-covered',
        criteria: { 'image-guidance': 'not-met', 'pain-three-months': 'met' },
        suggestions: [/^Order the same injection under fluoroscopic or CT guidance \(CPT 64493\)/],
      },
    },
  },
  {
    name: 'a 64493 order that says ultrasound guidance is not covered either',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder({ note: [...RF_NOTE, { text: 'Ultrasound-guided medial branch block' }] })],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'image-guidance': 'not-met' } } },
  },
  {
    name: 'a facet injection and a neurotomy on the same day are two procedures in one visit: both not covered',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-inj', '64490', { levels: ['C3-C4'], date: NEXT_WEEK, note: RF_NOTE }), order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: {
      'sr-inj': { outcome: 'not-covered', criteria: { 'one-procedure-per-visit': 'not-met' }, suggestions: [/^Keep only this/] },
      'sr-rf': { outcome: 'not-covered', criteria: { 'one-procedure-per-visit': 'not-met' }, suggestions: [/^Keep only this/] },
    },
  },
  {
    name: 'injections on different days are separate visits',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-a', '64635', { levels: ['L4-L5'], date: NEXT_WEEK }), order('sr-b', '64635', { levels: ['L4-L5'], date: daysBefore(-40) })],
    expect: { 'sr-a': { outcome: 'covered', criteria: { 'one-procedure-per-visit': 'met' } }, 'sr-b': { outcome: 'covered' } },
  },
  {
    name: 'a facet procedure already recorded on the order date counts against the visit',
    chart: (c) => {
      afterTwoPositiveBlocks(c);
      c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64490' }, { date: at(NEXT_WEEK, '08:00'), status: 'in-progress', bodySite: ['C4-C5'] });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'one-procedure-per-visit': 'not-met' } } },
  },
  {
    name: 'a primary and an add-on line (64493 + 64494) are one two-level procedure',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-p', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE }), order('sr-a', '64494', { levels: ['L5-S1'], date: NEXT_WEEK })],
    expect: { 'sr-p': { outcome: 'covered', criteria: { 'one-procedure-per-visit': 'met', 'levels-diagnostic': 'met' } }, 'sr-a': { outcome: 'covered' } },
  },
  {
    name: 'a thoracic facet injection at T7-T8 is not medically necessary: cancel',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M54.6'), { onset: monthsBefore(6) });
    },
    orders: () => [order('sr-t', '64490', { levels: ['T7-T8'], date: NEXT_WEEK })],
    expect: {
      'sr-t': { outcome: 'not-covered', criteria: { 'thoracic-injection': 'not-met' }, notApplicable: ['pain-three-months', 'physical-therapy'], suggestions: [/^Cancel the thoracic facet injection/] },
    },
  },
  {
    name: 'a cervical/thoracic code with neither body site nor region-specific diagnosis: region not documented',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-ct', '64490', { date: NEXT_WEEK, note: RF_NOTE })],
    expect: { 'sr-ct': { outcome: 'conditional', criteria: { 'thoracic-injection': 'not-documented' } } },
  },
  {
    name: 'the region is read from a cervical diagnosis in reasonCode when bodySite is absent',
    chart: (c) => {
      lumbarCandidate(c);
      cervicalWorkup(c);
    },
    orders: () => [order('sr-ct', '64490', { date: NEXT_WEEK, note: RF_NOTE, reasonCode: [{ coding: [icd('M47.812')] }] })],
    expect: { 'sr-ct': { outcome: 'covered', criteria: { 'thoracic-injection': 'met' } } },
  },
  {
    name: 'Medicare members get the LCD L38841 note as an informational card',
    chart: (c) => {
      lumbarCandidate(c, ['coverage']);
      c.coverage({ sopt: { code: '121', display: 'Medicare HMO' }, payor: 'WellCare' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered' } },
    notices: ['medicare'],
  },
  {
    name: 'Medicaid members, recognised by plan name, get the state Medicaid note',
    chart: (c) => {
      lumbarCandidate(c, ['coverage']);
      c.coverage({ payor: 'Sunshine Health', plan: 'Florida Medicaid Managed Care' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered' } },
    notices: ['medicaid'],
  },
  {
    name: 'no active coverage: the decision is shown; coverage information, where recorded, says not covered (no active coverage)',
    chart: (c) => {
      lumbarCandidate(c, ['coverage']);
      c.coverage({ status: 'cancelled' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered' } },
    notices: ['no-active-coverage'],
  },
  {
    name: 'the FHIR server failed for observations: criteria that need them are indeterminate, the others still decided',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder()],
    failedKeys: ['observations'],
    expect: {
      'sr-block': {
        outcome: 'indeterminate',
        criteria: { 'pain-interferes-with-adls': 'indeterminate', 'facet-syndrome-findings': 'indeterminate', 'pain-three-months': 'met', 'image-guidance': 'met' },
        noSuggestions: true,
      },
    },
  },
  {
    name: 'a categorical exclusion still decides not-covered when other data could not be fetched',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-us', '0216T', { levels: ['L4-L5'], date: NEXT_WEEK })],
    failedKeys: ['observations'],
    expect: { 'sr-us': { outcome: 'not-covered', criteria: { 'image-guidance': 'not-met', 'pain-interferes-with-adls': 'indeterminate' } } },
  },
  {
    name: 'a cervical add-on line without a body site belongs to the primary line of that day: one procedure',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      cervicalWorkup(c);
    },
    orders: () => [order('sr-c1', '64490', { levels: ['C5-C6'], date: NEXT_WEEK, note: RF_NOTE }), order('sr-c2', '64491', { date: NEXT_WEEK })],
    expect: {
      'sr-c1': { outcome: 'covered', criteria: { 'one-procedure-per-visit': 'met', 'levels-diagnostic': 'met' } },
      'sr-c2': { outcome: 'covered', criteria: { 'one-procedure-per-visit': 'met' } },
    },
  },
];
