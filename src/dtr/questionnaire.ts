import type { Coding, Extension, Questionnaire, QuestionnaireItem, QuestionnaireItemEnableWhen, ValueSet } from 'fhir/r4';
import { citedTitle } from '../kit/criterion';
import { questionnaireId, type LoadedQuestionnaire, type QuestionJson } from './declaration';

/**
 * A pathway's Questionnaire, generated from questionnaire.json and the policy's citations (SDC and the DTR
 * standard questionnaire profile as far as they apply): one group per criterion the pathway asks, with the
 * policy section as prefix and the citation as help; in each group, what the record shows (read-only,
 * prefilled) and the questions, enabled only when the record does not answer the criterion.
 */

export const SDC_QUESTIONNAIRE = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire';
export const DTR_STD_QUESTIONNAIRE = 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire';
const ITEM_CONTROL = 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl';
const UNIT = 'http://hl7.org/fhir/StructureDefinition/questionnaire-unit';
const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';
/** What the record shows for a criterion: the code system of the read-only status item of each group. */
export const RECORD_STATUS_SYSTEM = 'http://facet-cds.dev/fhir/CodeSystem/criterion-status-in-record';
export const RECORD_STATUS: Record<string, string> = {
  met: 'Met by the record',
  'not-met': 'Not met by the record',
  'not-documented': 'Not documented in the record: please answer',
  'not-applicable': 'Does not apply to this order',
  indeterminate: 'Could not be checked (record not retrieved)',
};
/** The linkId of the form's attestation item. */
export const ATTESTATION_LINK_ID = 'attestation';

export const statusLinkId = (criterion: string) => `${criterion}.status`;
export const recordLinkId = (criterion: string) => `${criterion}.record`;
export const questionLinkId = (criterion: string, question: string) => `${criterion}.${question}`;

/** The canonical (url|version) of a pathway's Questionnaire. */
export function canonicalOf(q: LoadedQuestionnaire, pathway: string): string {
  return `${q.urls[pathway]}|${q.version}`;
}

export function buildQuestionnaire(q: LoadedQuestionnaire, pathway: string): Questionnaire {
  const p = q.json.pathways[pathway]!;
  const contained = Object.keys(q.valueSets).length > 0 ? usedValueSets(q, p.criteria) : [];
  return {
    resourceType: 'Questionnaire',
    id: questionnaireId(q.declaration, pathway),
    meta: { profile: [SDC_QUESTIONNAIRE, DTR_STD_QUESTIONNAIRE] },
    ...(contained.length > 0 ? { contained } : {}),
    url: q.urls[pathway]!,
    version: q.version,
    name: camel(questionnaireId(q.declaration, pathway)),
    title: `${q.json.title}: ${p.title}`,
    status: 'active',
    subjectType: ['Patient'],
    description: `Documentation for ${p.title}: one group per criterion that the record may leave undocumented. Answers prefilled from the record are marked as such; only what the record does not answer is asked.`,
    item: [...p.criteria.map((criterion) => criterionGroup(q, criterion)), attestationItem(q)],
  };
}

/** The value sets a pathway's choice questions name, as FHIR ValueSets with their expansion (contained, and in the package). */
export function usedValueSets(q: LoadedQuestionnaire, criteria: string[]): ValueSet[] {
  const names = new Set(criteria.flatMap((c) => q.json.criteria[c]!.questions.flatMap((question) => (question.valueSet ? [question.valueSet] : []))));
  return [...names].map((name) => valueSetResource(q, name));
}

export function valueSetResource(q: LoadedQuestionnaire, name: string): ValueSet {
  const vs = q.valueSets[name]!;
  return {
    resourceType: 'ValueSet',
    id: `${q.declaration}-${name}`,
    url: `${q.json.canonicalBase}/ValueSet/${q.declaration}-${name}`,
    version: q.version,
    name: camel(name),
    title: vs.title,
    status: 'active',
    compose: { include: [{ system: vs.system, concept: vs.codes.map((code) => ({ code })) }] },
    expansion: { timestamp: '2026-01-01T00:00:00Z', total: vs.codes.length, contains: vs.codes.map((code) => ({ system: vs.system, code })) },
  };
}

function criterionGroup(q: LoadedQuestionnaire, criterion: string): QuestionnaireItem {
  const citation = q.citations[criterion]!;
  const asked: QuestionnaireItemEnableWhen = { question: statusLinkId(criterion), operator: '=', answerCoding: { system: RECORD_STATUS_SYSTEM, code: 'not-documented' } };
  const help = [citation.text, citation.howToDocument ? `How to chart it: ${citation.howToDocument}` : ''].filter(Boolean).join('\n\n');
  return {
    linkId: criterion,
    prefix: citation.section,
    text: citedTitle(citation),
    type: 'group',
    item: [
      helpItem(`${criterion}.help`, help),
      {
        linkId: statusLinkId(criterion),
        text: 'In the record',
        type: 'choice',
        readOnly: true,
        answerOption: Object.entries(RECORD_STATUS).map(([code, display]) => ({ valueCoding: { system: RECORD_STATUS_SYSTEM, code, display } })),
      },
      { linkId: recordLinkId(criterion), text: 'What the record shows', type: 'text', readOnly: true },
      ...q.json.criteria[criterion]!.questions.map((question) => questionItem(q, criterion, question, asked)),
    ],
  };
}

function questionItem(q: LoadedQuestionnaire, criterion: string, question: QuestionJson, asked: QuestionnaireItemEnableWhen): QuestionnaireItem {
  const extension: Extension[] = [];
  // A few fixed options read best as radio buttons (SDC itemControl); a value set's codes as a drop-down.
  if (question.options) extension.push(itemControl('radio-button', 'Radio Button'));
  if (question.unit) extension.push({ url: UNIT, valueCoding: { system: 'http://unitsofmeasure.org', code: question.unit, display: question.unit } });
  const bound = (url: string, value: number | undefined) => {
    if (value !== undefined) extension.push(question.type === 'integer' ? { url, valueInteger: value } : { url, valueDecimal: value });
  };
  bound(MIN_VALUE, question.minValue);
  bound(MAX_VALUE, question.maxValue);
  const enableWhen: QuestionnaireItemEnableWhen[] = [asked];
  if (question.enableWhen) {
    const other = q.json.criteria[criterion]!.questions.find((x) => x.id === question.enableWhen!.question)!;
    const answer = question.enableWhen.answer;
    enableWhen.push({
      question: questionLinkId(criterion, other.id),
      operator: '=',
      ...(typeof answer === 'boolean' ? { answerBoolean: answer } : { answerCoding: optionCoding(q, other, answer) }),
    });
  }
  return {
    linkId: questionLinkId(criterion, question.id),
    text: question.text,
    type: question.type,
    ...(extension.length > 0 ? { extension } : {}),
    required: question.required !== false,
    enableWhen,
    ...(enableWhen.length > 1 ? { enableBehavior: 'all' as const } : {}),
    ...(question.options ? { answerOption: question.options.map((o) => ({ valueCoding: optionCoding(q, question, o.code) })) } : {}),
    ...(question.valueSet ? { answerValueSet: `#${q.declaration}-${question.valueSet}` } : {}),
    ...(question.help ? { item: [helpItem(`${questionLinkId(criterion, question.id)}.help`, question.help)] } : {}),
  };
}

/** The Coding a choice answer carries: from the question's options (system: the questionnaire's own) or its value set. */
export function optionCoding(q: LoadedQuestionnaire, question: QuestionJson, code: string): Coding {
  if (question.valueSet) return { system: q.valueSets[question.valueSet]!.system, code };
  const option = question.options?.find((o) => o.code === code);
  return { system: `${q.json.canonicalBase}/CodeSystem/${q.declaration}-answers`, code, ...(option ? { display: option.display } : {}) };
}

function attestationItem(q: LoadedQuestionnaire): QuestionnaireItem {
  return { linkId: ATTESTATION_LINK_ID, text: q.json.attestation, type: 'boolean', required: true };
}

function helpItem(linkId: string, text: string): QuestionnaireItem {
  return { linkId, text, type: 'display', extension: [itemControl('help', 'Help-Button')] };
}

function itemControl(code: string, display: string): Extension {
  return { url: ITEM_CONTROL, valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/questionnaire-item-control', code, display }] } };
}

function camel(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
