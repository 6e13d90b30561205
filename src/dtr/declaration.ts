import { StartupError } from '../errors';
import type { Citation, ValueSetJson } from '../declarations/types';

/**
 * questionnaire.json of a declaration folder: what the documentation questionnaire asks for each criterion
 * that can be "not documented", per decision pathway. The meaning of each answer (which criterion it
 * answers, what answer satisfies it) is data here; src/dtr only builds, prefills and reads it.
 */

export type AnswerType = 'boolean' | 'date' | 'integer' | 'decimal' | 'string' | 'choice';

/** A number, or the name of a number in the policy's thresholds.json. */
export type NumberOrThreshold = number | string;

/** The answer that satisfies the criterion (all given members must hold). */
export interface AcceptJson {
  /** boolean: the answer must be this. */
  equals?: boolean;
  /** integer / decimal: at least / at most. */
  min?: NumberOrThreshold;
  max?: NumberOrThreshold;
  /** integer / decimal: below (e.g. earlier blocks fewer than the policy's maximum). */
  lessThan?: NumberOrThreshold;
  /** date: on or before today minus this many months / weeks (something has lasted long enough). */
  atLeastMonthsAgo?: NumberOrThreshold;
  atLeastWeeksAgo?: NumberOrThreshold;
  /** date: on or after today minus this many months, and not after today (recent enough). */
  withinMonths?: NumberOrThreshold;
  /** choice: one of these codes. */
  codes?: string[];
}

export interface AnswerOptionJson {
  code: string;
  display: string;
}

export interface QuestionJson {
  /** Unique within its criterion; the item's linkId is `<criterion>.<id>`. */
  id: string;
  text: string;
  type: AnswerType;
  /** Shown as the item's help. */
  help?: string;
  /** Default true: the clinician must answer it when the criterion is asked. */
  required?: boolean;
  /** The unit a number is in (weeks, %, points). */
  unit?: string;
  /** Bounds the form enforces on numbers (0-10 scores). */
  minValue?: number;
  maxValue?: number;
  /** choice: inline options, or a value set of the declaration listing its codes (`include[].codes`). */
  options?: AnswerOptionJson[];
  valueSet?: string;
  /** Asked only when another question of the same criterion has this answer. */
  enableWhen?: { question: string; answer: boolean | string };
  accept?: AcceptJson;
}

export interface PathwayJson {
  title: string;
  /** The criteria asked on this pathway, in the order asked. */
  criteria: string[];
}

export interface QuestionnaireJson {
  /** Canonical base: each pathway's Questionnaire is `<canonicalBase>/Questionnaire/<declaration id>-<pathway>`. */
  canonicalBase: string;
  title: string;
  /** The decision unit's summary member naming its pathway; without it, there must be one pathway, for every unit. */
  pathwayOf?: string;
  pathways: Record<string, PathwayJson>;
  criteria: Record<string, { questions: QuestionJson[] }>;
  /** The attestation the clinician gives for the whole form. */
  attestation: string;
}

/** A questionnaire declaration checked against its policy (citations, thresholds, value sets) at start-up. */
export interface LoadedQuestionnaire {
  json: QuestionnaireJson;
  /** The declaration (policy folder) id and version it belongs to. */
  declaration: string;
  version: string;
  /** Pathway → canonical URL (without version). */
  urls: Record<string, string>;
  citations: Record<string, Citation>;
  thresholds: Record<string, unknown>;
  /** Value sets a choice question names, with their codes, for the package. */
  valueSets: Record<string, { title: string; system: string; codes: string[] }>;
}

const ANSWER_TYPES: AnswerType[] = ['boolean', 'date', 'integer', 'decimal', 'string', 'choice'];
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A criterion of the policy module as the questionnaire is checked against it: its id and the pathways it applies on. */
export interface DeclaredCriterion {
  id: string;
  /** Absent: every pathway. */
  pathways?: string[];
}

/**
 * Checks a questionnaire.json against its policy; anything wrong stops start-up, naming the folder and the member.
 * Each pathway asks exactly the criteria that can be not documented on it: those whose citation says how to
 * document them (src/kit/criterion.ts), on the pathways they declare. One the questionnaire misses, or one it asks
 * that the policy does not have or that cannot be not documented there, is named with the file.
 */
export function compileQuestionnaire(
  where: string,
  json: QuestionnaireJson,
  policy: { id: string; version: string; citations: Record<string, Citation>; thresholds: unknown; valueSets: Record<string, ValueSetJson>; criteria: DeclaredCriterion[] },
): LoadedQuestionnaire {
  const fail = (message: string): never => {
    throw new StartupError(`${where}: questionnaire.json: ${message}`);
  };
  if (!isCanonicalBase(json?.canonicalBase)) fail('canonicalBase must be an http(s) URL without query, fragment or trailing slash');
  if (typeof json.title !== 'string' || json.title.trim() === '') fail('title is required');
  if (typeof json.attestation !== 'string' || json.attestation.trim() === '') fail('attestation (the statement the clinician attests) is required');
  const pathways = Object.entries(json.pathways ?? {});
  if (pathways.length === 0) fail('pathways must list at least one pathway');
  if (json.pathwayOf === undefined && pathways.length !== 1) fail('pathwayOf is required when there is more than one pathway');
  const thresholds = (policy.thresholds ?? {}) as Record<string, unknown>;
  const valueSets: LoadedQuestionnaire['valueSets'] = {};
  const criteria = json.criteria ?? {};
  for (const [criterion, entry] of Object.entries(criteria)) {
    if (!policy.criteria.some((c) => c.id === criterion)) fail(`criterion "${criterion}" is not a criterion of ${policy.id}`);
    const questions = entry?.questions;
    if (!Array.isArray(questions) || questions.length === 0) fail(`criteria.${criterion}.questions must list at least one question`);
    const ids = new Set<string>();
    for (const q of questions) {
      const at = `criteria.${criterion}.questions[${q?.id ?? '?'}]`;
      if (typeof q?.id !== 'string' || !ID.test(q.id) || ids.has(q.id)) fail(`${at}: id must be a unique lower-case name`);
      ids.add(q.id);
      if (typeof q.text !== 'string' || q.text.trim() === '') fail(`${at}: text is required`);
      if (!ANSWER_TYPES.includes(q.type)) fail(`${at}: type must be one of ${ANSWER_TYPES.join(', ')}`);
      if (q.type === 'choice') {
        if (!q.options === !q.valueSet) fail(`${at}: a choice question has options or a valueSet (one of them)`);
        if (q.valueSet) {
          const vs = policy.valueSets[q.valueSet];
          const include = vs?.include?.filter((i) => (i.codes?.length ?? 0) > 0) ?? [];
          if (!vs || include.length !== 1) fail(`${at}: valueSet "${q.valueSet}" must be a value set of the policy listing codes of one system`);
          valueSets[q.valueSet] = { title: vs!.title, system: include[0]!.system, codes: include[0]!.codes! };
        }
      } else if (q.options || q.valueSet) fail(`${at}: only a choice question has options or a valueSet`);
      if (q.enableWhen && !ids.has(q.enableWhen.question)) fail(`${at}: enableWhen.question must name an earlier question of ${criterion}`);
      for (const [name, value] of Object.entries(q.accept ?? {})) {
        if (['min', 'max', 'lessThan', 'atLeastMonthsAgo', 'atLeastWeeksAgo', 'withinMonths'].includes(name)) {
          if (typeof value === 'string' ? typeof thresholds[value] !== 'number' : typeof value !== 'number') fail(`${at}: accept.${name} must be a number or a number in thresholds.json`);
        }
      }
    }
  }
  const urls: Record<string, string> = {};
  for (const [pathway, p] of pathways) {
    if (!ID.test(pathway)) fail(`pathway "${pathway}" must be a lower-case name`);
    if (typeof p?.title !== 'string' || !Array.isArray(p.criteria)) fail(`pathways.${pathway} needs a title and criteria`);
    for (const criterion of p.criteria) if (!criteria[criterion]) fail(`pathways.${pathway} asks criterion "${criterion}", which criteria does not declare`);
    urls[pathway] = `${json.canonicalBase}/Questionnaire/${questionnaireId(policy.id, pathway)}`;
  }
  checkCoverage(json, policy, fail);
  return { json, declaration: policy.id, version: policy.version, urls, citations: policy.citations, thresholds, valueSets };
}

/**
 * Each pathway asks every criterion that can be not documented on it, and nothing else. Without pathwayOf the one
 * pathway serves every unit, so it asks every criterion that can be not documented.
 */
function checkCoverage(json: QuestionnaireJson, policy: { id: string; citations: Record<string, Citation>; criteria: DeclaredCriterion[] }, fail: (message: string) => never): void {
  const pathways = Object.keys(json.pathways);
  const documentable = policy.criteria.filter((c) => typeof policy.citations[c.id]?.howToDocument === 'string');
  const pathwaysOf = (c: DeclaredCriterion) => (json.pathwayOf === undefined || c.pathways === undefined ? pathways : c.pathways);
  for (const c of documentable) {
    for (const pathway of pathwaysOf(c)) {
      if (!json.pathways[pathway]) fail(`criterion "${c.id}" can be not documented on pathway "${pathway}", for which pathways has no questionnaire`);
      if (!json.pathways[pathway]!.criteria.includes(c.id)) fail(`pathways.${pathway} does not ask criterion "${c.id}", which can be not documented on that pathway (its citation says how to document it)`);
    }
  }
  for (const [pathway, p] of Object.entries(json.pathways)) {
    for (const id of p.criteria) {
      const c = documentable.find((d) => d.id === id);
      if (!c) fail(`pathways.${pathway} asks criterion "${id}", which can never be not documented (its citation in citations.json has no howToDocument)`);
      if (!pathwaysOf(c!).includes(pathway)) fail(`pathways.${pathway} asks criterion "${id}", which does not apply on that pathway (it applies on ${c!.pathways!.join(', ')})`);
    }
  }
  for (const id of Object.keys(json.criteria)) {
    if (!pathways.some((pathway) => json.pathways[pathway]!.criteria.includes(id))) fail(`criteria.${id} is asked on no pathway`);
  }
}

function isCanonicalBase(value: unknown): boolean {
  if (typeof value !== 'string' || value.endsWith('/') || value.trim() !== value) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '' && url.href.replace(/\/$/, '') === value;
  } catch {
    return false;
  }
}

/** The Questionnaire resource id of a pathway (also its canonical's last segment). */
export function questionnaireId(declaration: string, pathway: string): string {
  return `${declaration}-${pathway}`;
}

/** The pathway a decision unit is on, by its summary (the declaration's pathwayOf), when it is one the questionnaire has. */
export function pathwayOfUnit(q: LoadedQuestionnaire, summary: Record<string, string | number>): string | undefined {
  const pathways = Object.keys(q.json.pathways);
  if (!q.json.pathwayOf) return pathways[0];
  const value = summary[q.json.pathwayOf];
  return typeof value === 'string' && pathways.includes(value) ? value : undefined;
}

/** A threshold-or-number resolved. */
export function numberOf(q: LoadedQuestionnaire, value: NumberOrThreshold): number {
  return typeof value === 'number' ? value : (q.thresholds[value] as number);
}
