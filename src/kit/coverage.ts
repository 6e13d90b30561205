import type { Coverage } from 'fhir/r4';
import type { CoverageSummary, PolicyInput, Program } from '../decision/types';
import { canonicalSystem } from '../fhir/code-systems';
import type { ChartCoverage } from './chart/model';
import { CHART_FIELDS, readCoverage } from './chart/read';
import { dateOf } from './dates';
import type { ValueSets } from './types';

/**
 * The member's coverage and program (Medicare, Medicaid, commercial), read the same way whether the policy
 * reads it from its facts or the engine from the Coverage resource when it chooses the policy for a call.
 * A coded Coverage.type decides: when the type carries a code of the payer-type system the program value
 * sets are written in (Source of Payment Typology), the codes alone say the program. Plan and payor names
 * are read only when the type is not coded: "Centers for Medicare & Medicaid Services" pays Medicare, so a
 * Medicare FFS Coverage with that payor is Medicare, not Medicaid as well.
 */

/** The value sets programs are recognised with; `medicare` and `medicaid` are required, the others optional. */
export const PROGRAM_VALUE_SETS: Record<Program, string> = { medicare: 'medicare', medicaid: 'medicaid', commercial: 'commercial' };
/** Optional value sets telling the kind of Medicare: Medicare Advantage (SOPT 11x) or fee-for-service (12x). */
export const MEDICARE_PLAN_VALUE_SETS = { advantage: 'medicareAdvantage', 'fee-for-service': 'medicareFeeForService' } as const;
export type MedicarePlan = keyof typeof MEDICARE_PLAN_VALUE_SETS;

/** The Medicare administrator's name: the payor of Original Medicare, not of state Medicaid programs. */
const CMS_NAME = /\bcenters for medicare\s*(?:&|and)\s*medicaid services\b/gi;

export interface ProgramReading {
  programs: Program[];
  medicarePlan?: MedicarePlan;
  /** How it was told, for the card: "Coverage.type https://nahdo.org/sopt|121" or 'plan or payor "…"'. */
  evidence: string;
}

/** The member's programs from one Coverage: its coded type when coded, else its names. */
export function programsOf(coverage: ChartCoverage, vs: ValueSets): ProgramReading {
  const matchers = (Object.entries(PROGRAM_VALUE_SETS) as Array<[Program, string]>).filter(([, name]) => vs[name] !== undefined);
  const payerTypeSystems = new Set(matchers.flatMap(([, name]) => (vs[name]!.json.include ?? []).map((i) => canonicalSystem(i.system))));
  const coded = coverage.typeCodings.filter((c) => payerTypeSystems.has(canonicalSystem(c.system)));
  if (coded.length > 0) {
    const programs: Program[] = [];
    const evidence: string[] = [];
    for (const [program, name] of matchers) {
      const hit = coded.find((c) => vs[name]!.matchesCoding(c));
      if (!hit) continue;
      programs.push(program);
      evidence.push(`Coverage.type ${hit.system}|${hit.code}${hit.display ? ` (${hit.display})` : ''}`);
    }
    const plan = (Object.entries(MEDICARE_PLAN_VALUE_SETS) as Array<[MedicarePlan, string]>).find(([, name]) => vs[name] && coded.some((c) => vs[name]!.matchesCoding(c)))?.[0];
    return { programs, ...(programs.includes('medicare') && plan ? { medicarePlan: plan } : {}), evidence: [...new Set(evidence)].join('; ') || `Coverage.type ${coded.map((c) => `${c.system}|${c.code}`).join(', ')}` };
  }
  const programs: Program[] = [];
  const evidence: string[] = [];
  const names = coverage.names.map((n) => n.replace(CMS_NAME, 'Original Medicare'));
  for (const [program, name] of matchers) {
    const i = names.findIndex((n) => vs[name]!.matchesText(n));
    if (i < 0) continue;
    programs.push(program);
    evidence.push(`plan or payor "${coverage.names[i]}"`);
  }
  const plan = (Object.entries(MEDICARE_PLAN_VALUE_SETS) as Array<[MedicarePlan, string]>).find(([, name]) => vs[name] && names.some((n) => vs[name]!.matchesText(n)))?.[0];
  return { programs, ...(programs.includes('medicare') && plan ? { medicarePlan: plan } : {}), evidence: evidence.join('; ') };
}

/** Active on a day: status active and, when charted, a period that includes the day. */
export function isCoverageActive(coverage: Pick<ChartCoverage, 'status' | 'periodStart' | 'periodEnd'>, today: string): boolean {
  return coverage.status === 'active' && (coverage.periodStart === undefined || coverage.periodStart <= today) && (coverage.periodEnd === undefined || coverage.periodEnd >= today);
}

/** The member's active coverage: status active and, when charted, a period that includes the decision date. */
export function activeCoverage(coverages: ChartCoverage[], today: string): ChartCoverage | undefined {
  return coverages.find((c) => isCoverageActive(c, today));
}

/**
 * A Coverage resource read as the chart model reads the `coverages` fact (for choosing a policy before facts
 * exist): its names read up to `maxTextChars` each, the service's limits.maxTextCharsPerField, as the fact
 * reads them (and says on the card what it did not read).
 */
export function coverageOfResource(resource: Coverage, maxTextChars = Infinity): ChartCoverage {
  const strings = (values: unknown[]) =>
    values.filter((v): v is string => typeof v === 'string' && v.length > 0).map((v) => (v.length > maxTextChars ? v.slice(0, maxTextChars) : v));
  return {
    ref: `Coverage/${resource.id}`,
    status: typeof resource.status === 'string' ? resource.status : 'unknown',
    typeCodings: (Array.isArray(resource.type?.coding) ? resource.type.coding : []).filter((c) => typeof c?.code === 'string'),
    names: [
      ...strings([resource.type?.text]),
      ...strings((Array.isArray(resource.payor) ? resource.payor : []).map((p) => p?.display)),
      ...strings((Array.isArray(resource.class) ? resource.class : []).flatMap((c) => [c?.name, c?.value])),
    ],
    periodStart: dateOf(resource.period?.start),
    periodEnd: dateOf(resource.period?.end),
  };
}

/** The default coverage summary of a policy: the member's active Coverage from the chart, and its programs. */
export function defaultCoverage(input: PolicyInput<unknown>, coverages: ChartCoverage[] = readCoverages(input)): CoverageSummary | undefined {
  const active = activeCoverage(coverages, input.today);
  if (!active) return undefined;
  const { programs, medicarePlan, evidence } = programsOf(active, input.policy.valueSets);
  return { reference: active.ref, ...(active.names[0] ? { name: active.names[0] } : {}), programs, ...(medicarePlan ? { medicarePlan } : {}), evidence };
}

function readCoverages(input: PolicyInput<unknown>): ChartCoverage[] {
  return CHART_FIELDS.coverages.records(input.facts).map((r) => readCoverage(CHART_FIELDS.coverages, r));
}
