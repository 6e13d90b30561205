import { icd, monthsBefore } from '../../../helpers/chart';
import { firstBlockOrder, lumbarCandidate } from './base-charts';
import type { PathScenario } from './scenario';

type Builder = Parameters<PathScenario['chart']>[0];

/** A lumbar candidate (PT, NSAIDs, MRI) with a right L5 radiculopathy, and an MRI report whose conclusion is `conclusion` (no cyst code). */
function radiculopathyWithReport(c: Builder, conclusion: string): void {
  lumbarCandidate(c, ['imaging']);
  c.condition(icd('M54.16'), { onset: monthsBefore(5), text: 'Right L5 radiculopathy' });
  c.imagingReport('MRI lumbar spine without contrast', monthsBefore(3), conclusion);
}

/**
 * I.A.1.c: "pain is not associated with radiculopathy (except for radiculopathy caused by a facet joint synovial
 * cyst)". The cyst is evidence in the report's words as in a code, read negation-aware, with its region and
 * levels: a cyst can cause the radiculopathy only in the same region, at the same or an adjacent level.
 */
export const cystWordPaths: PathScenario[] = [
  {
    name: 'I.A.1.c: a facet synovial cyst named only in the MRI report, at L4-L5, causes the L5 radiculopathy: covered',
    chart: (c) => radiculopathyWithReport(c, 'Right L4-L5 facet joint synovial cyst compressing the traversing right L5 nerve root. Facet arthropathy at L4-L5. No fracture or listhesis.'),
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'covered',
        criteria: { 'no-radiculopathy-or-myelopathy': 'met', 'imaging-no-other-cause': 'met' },
        evidence: { 'no-radiculopathy-or-myelopathy': { counted: [/synovial cyst in the report of MRI lumbar spine.*same or adjacent level/] } },
      },
    },
  },
  {
    name: 'I.A.1.c: "No synovial cyst" in the MRI report is no cyst: the radiculopathy is not excepted, not covered',
    chart: (c) => radiculopathyWithReport(c, 'No synovial cyst. Disc protrusion at L4-L5 contacting the right L5 nerve root. Facet arthropathy at L4-L5.'),
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'no-radiculopathy-or-myelopathy': 'not-met' } } },
  },
  {
    name: 'I.A.1.c: a cyst named in the report at L1-L2 cannot cause an L5 radiculopathy: not covered',
    chart: (c) => radiculopathyWithReport(c, 'Small left L1-L2 facet joint synovial cyst. Facet arthropathy at L4-L5.'),
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'not-covered',
        criteria: { 'no-radiculopathy-or-myelopathy': 'not-met' },
        evidence: { 'no-radiculopathy-or-myelopathy': { setAside: [/not at the same or an adjacent level/] } },
      },
    },
  },
];
