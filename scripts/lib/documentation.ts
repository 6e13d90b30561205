import axios from 'axios';
import type { Coverage, Questionnaire, QuestionnaireResponse, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer } from 'fhir/r4';
import type { LoadedQuestionnaire, QuestionJson } from '../../src/dtr/declaration';
import { numberOf } from '../../src/dtr/declaration';
import { addMonths } from '../../src/kit/dates';
import type { LoadedService } from '../../src/declarations/types';
import type { Scenario, ScenarioLibrary } from '../../src/scenarios/catalog';

/**
 * Documentation in place, scripted (npm run demo): what a clinician does in the /dtr app, done over HTTP.
 * The package for the order, prefilled from the chart on the FHIR server; each criterion the record leaves
 * not documented answered as its declaration accepts; the response attested and saved to the FHIR server.
 */

/** An answer the question accepts (its first accepted option; numbers and dates at the bound). */
export function acceptedAnswer(q: LoadedQuestionnaire, question: QuestionJson, today: string): QuestionnaireResponseItemAnswer {
  const a = question.accept ?? {};
  switch (question.type) {
    case 'boolean':
      return { valueBoolean: a.equals ?? true };
    case 'integer':
      return { valueInteger: a.min !== undefined ? numberOf(q, a.min) : a.lessThan !== undefined ? numberOf(q, a.lessThan) - 1 : (question.minValue ?? 1) };
    case 'decimal':
      return { valueDecimal: a.min !== undefined ? numberOf(q, a.min) : 1 };
    case 'date':
      return { valueDate: a.atLeastMonthsAgo !== undefined ? addMonths(today, -numberOf(q, a.atLeastMonthsAgo) - 1) : addMonths(today, -1) };
    case 'choice': {
      const code = a.codes?.[0] ?? question.options?.[0]?.code ?? '';
      const option = question.options?.find((o) => o.code === code);
      return { valueCoding: { code, ...(option ? { display: option.display } : {}) } };
    }
    case 'string':
      return { valueString: 'Documented in the progress note of today' };
  }
}

/** The prefilled response completed: every question of each not-documented criterion answered as accepted, attested. */
export function completeResponse(q: LoadedQuestionnaire, prefilled: QuestionnaireResponse, author: string, today: string): { response: QuestionnaireResponse; answered: string[] } {
  const answered: string[] = [];
  const items = (prefilled.item ?? []).map((group): QuestionnaireResponseItem => {
    const status = group.item?.find((i) => i.linkId === `${group.linkId}.status`)?.answer?.[0]?.valueCoding?.code;
    const declared = q.json.criteria[group.linkId];
    if (status !== 'not-documented' || !declared) return group;
    const answers = new Map<string, QuestionnaireResponseItemAnswer>();
    for (const question of declared.questions) {
      const when = question.enableWhen;
      const given = when ? answers.get(when.question) : undefined;
      if (when && !(given?.valueBoolean === when.answer || given?.valueCoding?.code === when.answer)) continue;
      answers.set(question.id, acceptedAnswer(q, question, today));
      answered.push(`${question.text} ${show(answers.get(question.id)!)}`);
    }
    return { ...group, item: [...(group.item ?? []), ...[...answers].map(([id, answer]) => ({ linkId: `${group.linkId}.${id}`, answer: [answer] }))] };
  });
  return {
    response: { ...prefilled, status: 'completed', author: { reference: author }, authored: new Date().toISOString(), item: [...items, { linkId: 'attestation', answer: [{ valueBoolean: true }] }] },
    answered,
  };
}

function show(answer: QuestionnaireResponseItemAnswer): string {
  if (answer.valueBoolean !== undefined) return answer.valueBoolean ? 'yes' : 'no';
  return String(answer.valueCoding?.display ?? answer.valueCoding?.code ?? answer.valueInteger ?? answer.valueDecimal ?? answer.valueDate ?? answer.valueString);
}

export interface Documented {
  questionnaire: string;
  asked: string[];
  fromRecord: number;
  answered: string[];
  saved: string;
}

/** The scenario's first order that needs documentation, documented: package, answers, saved to the FHIR server. */
export async function documentScenario(service: LoadedService, library: ScenarioLibrary, scenario: Scenario, target: { serviceUrl: string; fhirServer: string; today: string }): Promise<Documented> {
  const expected = scenario.expected.find((e) => e.outcome === 'conditional');
  const order = library.orders(scenario, target.today).find((o) => o.id === expected?.order);
  if (!order) throw new Error(`${scenario.id} has no order that needs documentation`);
  const coverage = library.patientResources(scenario, target.today).find((r): r is Coverage => r.resourceType === 'Coverage');
  const parameters = { resourceType: 'Parameters', parameter: [...(coverage ? [{ name: 'coverage', resource: coverage }] : []), { name: 'order', resource: order }, { name: 'fhirServer', valueUrl: target.fhirServer }] };
  const res = await axios.post(`${target.serviceUrl}/fhir/Questionnaire/$questionnaire-package`, parameters, { validateStatus: () => true, headers: { 'content-type': 'application/fhir+json' } });
  if (res.status !== 200) throw new Error(`$questionnaire-package answered HTTP ${res.status}: ${JSON.stringify(res.data?.issue?.[0]?.diagnostics ?? res.data)}`);
  const resources = (res.data.parameter[0].resource.entry as Array<{ resource: Questionnaire | QuestionnaireResponse }>).map((e) => e.resource);
  const questionnaire = resources.find((r): r is Questionnaire => r.resourceType === 'Questionnaire')!;
  const prefilled = resources.find((r): r is QuestionnaireResponse => r.resourceType === 'QuestionnaireResponse')!;
  const loaded = service.policies.map((p) => p.questionnaire).find((q) => q && Object.values(q.urls).includes(questionnaire.url!))!;
  const status = (g: QuestionnaireResponseItem) => g.item?.find((i) => i.linkId === `${g.linkId}.status`)?.answer?.[0]?.valueCoding?.code;
  const asked = (prefilled.item ?? []).filter((g) => status(g) === 'not-documented').map((g) => g.linkId);
  const fromRecord = (prefilled.item ?? []).filter((g) => status(g) === 'met' || status(g) === 'not-met').length;
  const { response, answered } = completeResponse(loaded, prefilled, 'Practitioner/demo-clinician', target.today);
  const saved = await axios.post(`${target.fhirServer}/QuestionnaireResponse`, response, { validateStatus: () => true, headers: { 'content-type': 'application/fhir+json' } });
  if (saved.status !== 201) throw new Error(`the FHIR server did not save the QuestionnaireResponse (HTTP ${saved.status})`);
  return { questionnaire: `${questionnaire.title} (${questionnaire.url}|${questionnaire.version})`, asked, fromRecord, answered, saved: `QuestionnaireResponse/${saved.data.id}` };
}
