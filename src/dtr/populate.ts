import type { Extension, QuestionnaireResponse, QuestionnaireResponseItem, Reference } from 'fhir/r4';
import type { CriterionResult, UnitDecision } from '../decision/types';
import type { LoadedQuestionnaire } from './declaration';
import { RECORD_STATUS, RECORD_STATUS_SYSTEM, canonicalOf, recordLinkId, statusLinkId } from './questionnaire';

/**
 * The QuestionnaireResponse prefilled from the record (SDC $populate, DTR package): for each criterion of the
 * pathway, what the decision read of the record (met, not met, not documented, with its evidence), each
 * answer marked as populated by this server (DTR information-origin `auto-server`) and naming the resources
 * it was read from. The questions stay empty: they are asked only where the record says "not documented".
 */

export const DTR_QUESTIONNAIRE_RESPONSE = 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaireresponse';
export const INFORMATION_ORIGIN = 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/information-origin';
export const QR_CONTEXT = 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/qr-context';
/** The record resources a prefilled answer was read from (one reference each). */
export const ANSWER_SOURCE = 'http://facet-cds.dev/fhir/StructureDefinition/answer-source';

/** Evidence references per answer (the card shows 4; the form lists what the decision kept). */
const SOURCES_PER_ANSWER = 20;

export interface PopulateInput {
  questionnaire: LoadedQuestionnaire;
  pathway: string;
  unit: UnitDecision;
  patientId: string;
  coverage?: string;
  /** YYYY-MM-DD */
  today: string;
}

export function populate(input: PopulateInput): QuestionnaireResponse {
  const { questionnaire: q, pathway, unit } = input;
  const results = new Map(unit.results.map((r) => [r.id, r]));
  const orders = unit.unit.orders.map((o): Reference => ({ reference: `ServiceRequest/${o.id}` }));
  return {
    resourceType: 'QuestionnaireResponse',
    meta: { profile: [DTR_QUESTIONNAIRE_RESPONSE] },
    extension: [...orders, ...(input.coverage ? [{ reference: input.coverage }] : [])].map((valueReference) => ({ url: QR_CONTEXT, valueReference })),
    questionnaire: canonicalOf(q, pathway),
    status: 'in-progress',
    subject: { reference: `Patient/${input.patientId}` },
    basedOn: orders,
    authored: input.today,
    // The questions and the attestation are left unanswered (omitted): they are the clinician's to give.
    item: q.json.pathways[pathway]!.criteria.map((criterion) => criterionItem(q, criterion, results.get(criterion))),
  };
}

function criterionItem(q: LoadedQuestionnaire, criterion: string, result: CriterionResult | undefined): QuestionnaireResponseItem {
  const status = result ? result.status : 'not-applicable';
  const sources = (result?.evidence ?? []).flatMap((e) => (e.reference && !e.setAside ? [e.reference] : []));
  const extension: Extension[] = [
    { url: INFORMATION_ORIGIN, extension: [{ url: 'source', valueCode: 'auto-server' }] },
    ...[...new Set(sources)].slice(0, SOURCES_PER_ANSWER).map((reference) => ({ url: ANSWER_SOURCE, valueReference: { reference } })),
  ];
  const record = result ? recordText(result) : 'This criterion does not apply to this order.';
  return {
    linkId: criterion,
    item: [
      { linkId: statusLinkId(criterion), answer: [{ extension, valueCoding: { system: RECORD_STATUS_SYSTEM, code: status, display: RECORD_STATUS[status]! } }] },
      { linkId: recordLinkId(criterion), answer: [{ extension, valueString: record }] },
    ],
  };
}

function recordText(result: CriterionResult): string {
  const counted = result.evidence.filter((e) => !e.setAside).slice(0, 4);
  const lines = [result.summary, ...counted.map((e) => `• ${e.text}${e.reference ? ` (${e.reference})` : ''}`)];
  if (result.status === 'not-documented' && result.missing) lines.push(`To document: ${result.missing}`);
  return lines.join('\n');
}
