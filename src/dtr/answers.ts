import type { FhirResource, QuestionnaireResponseItemAnswer } from 'fhir/r4';
import type { CriterionResult, DecisionUnit } from '../decision/types';
import { compileFhirPath } from '../facts/compile';
import { addDays, addMonths, dateOf } from '../kit/dates';
import { numberOf, pathwayOfUnit, type LoadedQuestionnaire, type QuestionJson } from './declaration';
import { ATTESTATION_LINK_ID, questionLinkId } from './questionnaire';

/**
 * Completed QuestionnaireResponses to our questionnaires become evidence. An attested answer decides a
 * criterion the record leaves *not documented*: met when every question asked is answered and each answer
 * satisfies the declaration's `accept`, not met when an answer does not. A criterion the record decides
 * (met, not met) or could not check is never changed by an answer.
 */

/** What the decision record keeps of an attestation used. */
export interface AttestationUsed {
  questionnaireResponse: string;
  questionnaire: string;
  author?: string;
  authored?: string;
  /** The linkIds of the answers read. */
  answers: string[];
}

/** The QuestionnaireResponse's fields read, with FHIRPath compiled once (src/facts/compile.ts: fast path where simple). */
const READ = {
  status: compileFhirPath('status', 'QuestionnaireResponse.status'),
  questionnaire: compileFhirPath('questionnaire', 'QuestionnaireResponse.questionnaire'),
  basedOn: compileFhirPath('basedOn.reference', 'QuestionnaireResponse.basedOn'),
  author: compileFhirPath('author.reference', 'QuestionnaireResponse.author'),
  authorName: compileFhirPath('author.display', 'QuestionnaireResponse.author.display'),
  authored: compileFhirPath('authored', 'QuestionnaireResponse.authored'),
  items: compileFhirPath('repeat(item)', 'QuestionnaireResponse.item (all levels)'),
};

interface ReadResponse {
  ref: string;
  url: string;
  status: string;
  basedOn: string[];
  author?: string;
  authored?: string;
  answers: Map<string, QuestionnaireResponseItemAnswer[]>;
}

/** Characters of a text answer read (the service's limits.maxTextCharsPerField). */
export interface AnswerReading {
  maxTextChars: number;
  today: string;
}

/** The responses of a chart, read once per request. */
export function readResponses(resources: FhirResource[], reading: AnswerReading): ReadResponse[] {
  const responses: ReadResponse[] = [];
  resources.forEach((resource, i) => {
    if (resource.resourceType !== 'QuestionnaireResponse') return;
    const first = (values: unknown[]) => (typeof values[0] === 'string' ? (values[0] as string) : undefined);
    const url = first(safe(READ.questionnaire, resource))?.split('|')[0];
    if (!url) return;
    const answers = new Map<string, QuestionnaireResponseItemAnswer[]>();
    for (const item of safe(READ.items, resource) as Array<{ linkId?: unknown; answer?: unknown }>) {
      if (typeof item?.linkId !== 'string' || !Array.isArray(item.answer)) continue;
      answers.set(item.linkId, (item.answer as QuestionnaireResponseItemAnswer[]).filter((a) => a && typeof a === 'object').map((a) => boundText(a, reading.maxTextChars)));
    }
    const author = first(safe(READ.author, resource)) ?? first(safe(READ.authorName, resource));
    const authored = first(safe(READ.authored, resource));
    responses.push({
      ref: resource.id ? `QuestionnaireResponse/${resource.id}` : `QuestionnaireResponse/#${i}`,
      url,
      status: first(safe(READ.status, resource)) ?? '',
      basedOn: safe(READ.basedOn, resource).filter((r): r is string => typeof r === 'string'),
      ...(author ? { author } : {}),
      ...(authored ? { authored } : {}),
      answers,
    });
  });
  return responses;
}

/**
 * The unit's results with attested answers applied: the latest completed, attested response to the unit's
 * pathway questionnaire, based on one of the unit's orders, answers the criteria the record leaves not documented.
 */
export function applyAttestations(q: LoadedQuestionnaire, unit: DecisionUnit<unknown>, results: CriterionResult[], responses: ReadResponse[], reading: AnswerReading): CriterionResult[] {
  const pathway = pathwayOfUnit(q, unit.summary);
  if (!pathway || !results.some((r) => r.status === 'not-documented')) return results;
  const url = q.urls[pathway];
  const orders = new Set(unit.orders.map((o) => `ServiceRequest/${o.id}`));
  const candidates = responses
    .filter((r) => r.url === url && r.status === 'completed' && r.basedOn.some((b) => orders.has(localReference(b))))
    .filter((r) => r.answers.get(ATTESTATION_LINK_ID)?.[0]?.valueBoolean === true)
    .sort((a, b) => (b.authored ?? '').localeCompare(a.authored ?? ''));
  const response = candidates[0];
  if (!response) return results;
  const asked = new Set(q.json.pathways[pathway]!.criteria);
  return results.map((result) => {
    if (result.status !== 'not-documented' || !asked.has(result.id)) return result;
    return answered(q, result, response, reading) ?? result;
  });
}

function answered(q: LoadedQuestionnaire, result: CriterionResult, response: ReadResponse, reading: AnswerReading): CriterionResult | undefined {
  const questions = q.json.criteria[result.id]!.questions;
  const answerOf = (question: QuestionJson) => response.answers.get(questionLinkId(result.id, question.id))?.[0];
  const enabled = (question: QuestionJson): boolean => {
    const when = question.enableWhen;
    if (!when) return true;
    const other = questions.find((x) => x.id === when.question)!;
    const answer = answerOf(other);
    return enabled(other) && answer !== undefined && (typeof when.answer === 'boolean' ? answer.valueBoolean === when.answer : answer.valueCoding?.code === when.answer);
  };
  const asked = questions.filter(enabled);
  if (asked.some((question) => question.required !== false && !hasValue(answerOf(question)))) return undefined;
  const read = asked.filter((question) => hasValue(answerOf(question)));
  if (read.length === 0) return undefined;
  const lines = read.map((question) => `${question.text} ${show(answerOf(question)!)}`);
  const failing = read.filter((question) => !accepted(q, question, answerOf(question)!, reading.today));
  const by = `${response.author ?? 'the clinician'}${response.authored ? ` on ${dateOf(response.authored) ?? response.authored}` : ''}`;
  const attestation: AttestationUsed = {
    questionnaireResponse: response.ref,
    questionnaire: response.url,
    ...(response.author ? { author: response.author } : {}),
    ...(response.authored ? { authored: response.authored } : {}),
    answers: read.map((question) => questionLinkId(result.id, question.id)),
  };
  const evidence = [{ text: `Attested by ${by} in the documentation questionnaire: ${lines.join('; ')}`, reference: response.ref }, ...result.evidence];
  const { missing: _missing, ...rest } = result;
  if (failing.length > 0) {
    return { ...rest, status: 'not-met', summary: `Attested answer does not meet the criterion: ${failing.map((question) => `${question.text} ${show(answerOf(question)!)}`).join('; ')}`, evidence, attestation };
  }
  return { ...rest, status: 'met', summary: `Attested by ${by} (QuestionnaireResponse), not from the record: ${lines.join('; ')}`, evidence, attestation };
}

function accepted(q: LoadedQuestionnaire, question: QuestionJson, answer: QuestionnaireResponseItemAnswer, today: string): boolean {
  const rule = question.accept;
  if (!rule) return true;
  switch (question.type) {
    case 'boolean':
      return rule.equals === undefined || answer.valueBoolean === rule.equals;
    case 'integer':
    case 'decimal': {
      const value = answer.valueInteger ?? answer.valueDecimal;
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      return (rule.min === undefined || value >= numberOf(q, rule.min)) && (rule.max === undefined || value <= numberOf(q, rule.max)) && (rule.lessThan === undefined || value < numberOf(q, rule.lessThan));
    }
    case 'date': {
      const date = dateOf(answer.valueDate ?? answer.valueDateTime);
      if (!date || date > today) return false;
      if (rule.atLeastMonthsAgo !== undefined && date > addMonths(today, -numberOf(q, rule.atLeastMonthsAgo))) return false;
      if (rule.atLeastWeeksAgo !== undefined && date > addDays(today, -7 * numberOf(q, rule.atLeastWeeksAgo))) return false;
      if (rule.withinMonths !== undefined && date < addMonths(today, -numberOf(q, rule.withinMonths))) return false;
      return true;
    }
    case 'choice':
      return rule.codes === undefined || rule.codes.includes(answer.valueCoding?.code ?? '');
    case 'string':
      return true;
  }
}

function hasValue(answer: QuestionnaireResponseItemAnswer | undefined): boolean {
  if (!answer) return false;
  if (typeof answer.valueString === 'string') return answer.valueString.trim() !== '';
  return ['valueBoolean', 'valueDate', 'valueDateTime', 'valueInteger', 'valueDecimal', 'valueCoding'].some((k) => (answer as Record<string, unknown>)[k] !== undefined);
}

function show(answer: QuestionnaireResponseItemAnswer): string {
  if (answer.valueBoolean !== undefined) return answer.valueBoolean ? 'yes' : 'no';
  if (answer.valueCoding) return answer.valueCoding.display ?? answer.valueCoding.code ?? '?';
  const value = answer.valueString ?? answer.valueDate ?? answer.valueDateTime ?? answer.valueInteger ?? answer.valueDecimal;
  return String(value ?? '?');
}

/** A text answer cut to the per-field bound, like every other text the service reads. */
function boundText(answer: QuestionnaireResponseItemAnswer, max: number): QuestionnaireResponseItemAnswer {
  return typeof answer.valueString === 'string' && answer.valueString.length > max ? { ...answer, valueString: answer.valueString.slice(0, max) } : answer;
}

/** "ServiceRequest/x" of a reference written relative or absolute (http://ehr/fhir/ServiceRequest/x). */
function localReference(reference: string): string {
  const parts = reference.split('/');
  return parts.length >= 2 ? `${parts[parts.length - 2]}/${parts[parts.length - 1]}` : reference;
}

function safe(expression: (resource: unknown) => unknown[], resource: unknown): unknown[] {
  try {
    return expression(resource);
  } catch {
    return [];
  }
}
