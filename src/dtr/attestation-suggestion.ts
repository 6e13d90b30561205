import type { QuestionnaireResponse, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer } from 'fhir/r4';
import type { SuggestionSpec, UnitDecision } from '../decision/types';
import type { LoadedQuestionnaire, QuestionJson } from './declaration';
import { INFORMATION_ORIGIN, populate } from './populate';
import { ATTESTATION_LINK_ID, questionLinkId } from './questionnaire';

/**
 * The card's plain suggestion for documentation (CDS Hooks 2.0.1 Suggestion, one `create` action): where all
 * the record lacks is a yes/no the clinician can attest (every question each not-documented criterion asks is a
 * yes/no with the answer that satisfies it, and that answer enables no other required question), the suggestion
 * creates the completed, attested QuestionnaireResponse the documentation app would save: the questionnaire
 * prefilled from the chart, those answers, the attestation, the signing clinician as author. Accepting it is
 * the attestation; signing again decides the order with it (src/dtr/answers.ts). Anything more to give (a date,
 * a score, a reason) is the app's: no suggestion then, since one click could not complete the documentation.
 * Built from questionnaire.json alone, for any policy.
 */

export interface AttestationSuggestionInput {
  questionnaire: LoadedQuestionnaire;
  pathway: string;
  unit: UnitDecision;
  patientId: string;
  /** The signing clinician (the hook's userId, Practitioner/… or PractitionerRole/…): the response's author. */
  author: string;
  /** When the card was answered (ISO 8601): the response's authored. */
  authored: string;
  coverage?: string;
  /** YYYY-MM-DD */
  today: string;
}

/**
 * An attestation names its author: only a practitioner's userId can be one, by an id a server can resolve
 * (FHIR's id pattern admits "." and "..", which as a reference are the server's base, not a practitioner).
 */
const ATTESTING_USER = /^(Practitioner|PractitionerRole)\/[A-Za-z0-9\-.]{1,64}$/;
const DOTS_ONLY_ID = /\/\.+$/;

/** The suggestion, or undefined where attesting yes/no answers alone would not complete the documentation. */
export function attestationSuggestion(input: AttestationSuggestionInput): SuggestionSpec | undefined {
  const { questionnaire: q, pathway, unit } = input;
  if (unit.outcome !== 'conditional' || !ATTESTING_USER.test(input.author) || DOTS_ONLY_ID.test(input.author)) return undefined;
  const asked = new Set(q.json.pathways[pathway]?.criteria ?? []);
  const missing = unit.results.filter((r) => r.status === 'not-documented');
  if (missing.length === 0 || missing.some((r) => !asked.has(r.id))) return undefined;
  const answers = new Map<string, Attested[]>();
  for (const result of missing) {
    const attested = attestable(q.json.criteria[result.id]!.questions);
    if (!attested) return undefined;
    answers.set(result.id, attested);
  }
  const all = [...answers.values()].flat();
  const lines = all.map((a) => `“${yesNo(a.answer)}” to “${a.question.text}”`);
  const response = attestedResponse(input, answers);
  const orders = unit.unit.orders.map((o) => `ServiceRequest/${o.id}`).join(', ');
  return {
    label: `Attest ${lines.join(' and ')}`,
    actions: [
      {
        type: 'create',
        description: `Save the documentation for ${orders} as a completed QuestionnaireResponse to ${q.json.title} (${response.questionnaire}), authored by ${input.author}: ${all.map((a) => `${a.question.text} ${yesNo(a.answer)}`).join('; ')}. ${q.json.attestation} Sign again to have the order decided with it.`,
        resource: response,
      },
    ],
  };
}

interface Attested {
  question: QuestionJson;
  answer: boolean;
}

/**
 * The answers that satisfy a criterion when all it asks is yes/no: each yes/no question with an `accept.equals`
 * answered so, provided those answers leave no other required question enabled. Undefined otherwise.
 */
function attestable(questions: QuestionJson[]): Attested[] | undefined {
  const given = new Map<string, boolean>();
  for (const question of questions) if (question.type === 'boolean' && question.accept?.equals !== undefined) given.set(question.id, question.accept.equals);
  const enabled = (question: QuestionJson): boolean => {
    const when = question.enableWhen;
    if (!when) return true;
    const other = questions.find((x) => x.id === when.question)!;
    return enabled(other) && given.get(other.id) === when.answer;
  };
  const asked = questions.filter(enabled);
  if (asked.some((question) => question.required !== false && !given.has(question.id))) return undefined;
  const attested = asked.filter((question) => given.has(question.id)).map((question) => ({ question, answer: given.get(question.id)! }));
  return attested.length > 0 ? attested : undefined;
}

/** The response prefilled from the chart (as the app gets it), completed with the attested answers and attested. */
function attestedResponse(input: AttestationSuggestionInput, answers: Map<string, Attested[]>): QuestionnaireResponse {
  const prefilled = populate({ questionnaire: input.questionnaire, pathway: input.pathway, unit: input.unit, patientId: input.patientId, today: input.today, ...(input.coverage ? { coverage: input.coverage } : {}) });
  const manual = (answer: QuestionnaireResponseItemAnswer): QuestionnaireResponseItemAnswer => ({ extension: [{ url: INFORMATION_ORIGIN, extension: [{ url: 'source', valueCode: 'manual' }] }], ...answer });
  const item = (prefilled.item ?? []).map((group): QuestionnaireResponseItem => {
    const attested = answers.get(group.linkId);
    if (!attested) return group;
    return { ...group, item: [...(group.item ?? []), ...attested.map((a) => ({ linkId: questionLinkId(group.linkId, a.question.id), answer: [manual({ valueBoolean: a.answer })] }))] };
  });
  return {
    ...prefilled,
    status: 'completed',
    author: { reference: input.author },
    authored: input.authored,
    item: [...item, { linkId: ATTESTATION_LINK_ID, answer: [manual({ valueBoolean: true })] }],
  };
}

function yesNo(answer: boolean): string {
  return answer ? 'Yes' : 'No';
}
