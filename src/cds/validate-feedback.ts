import { BadRequestError } from '../errors';
import type { FeedbackItem } from '../store/types';

const MAX_ITEMS = 100;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Validates a CDS Hooks 2.0.1 feedback body (`{"feedback": [...]}`) and its invariants cds-fb-1..3. */
export function validateFeedback(body: unknown): FeedbackItem[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('The request body must be a JSON object', '(request body)', 'structure');
  const list = (body as { feedback?: unknown }).feedback;
  if (!Array.isArray(list) || list.length === 0) throw new BadRequestError('feedback must be a non-empty array', 'feedback', 'required');
  if (list.length > MAX_ITEMS) throw new BadRequestError(`feedback may hold at most ${MAX_ITEMS} entries`, 'feedback', 'too-costly');
  return list.map((raw, i) => item(raw, `feedback[${i}]`));
}

function item(raw: unknown, at: string): FeedbackItem {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequestError(`${at} must be an object`, at, 'structure');
  const f = raw as Record<string, unknown>;
  const card = text(f.card, `${at}.card`);
  if (f.outcome !== 'accepted' && f.outcome !== 'overridden') {
    throw new BadRequestError(`${at}.outcome must be "accepted" or "overridden"`, `${at}.outcome`, 'value');
  }
  const outcomeTimestamp = text(f.outcomeTimestamp, `${at}.outcomeTimestamp`);
  if (!RFC3339.test(outcomeTimestamp) || Number.isNaN(Date.parse(outcomeTimestamp))) {
    throw new BadRequestError(`${at}.outcomeTimestamp must be an ISO 8601 date-time such as 2026-11-26T10:15:00Z`, `${at}.outcomeTimestamp`, 'value');
  }
  const result: FeedbackItem = { card, outcome: f.outcome, outcomeTimestamp };
  if (f.acceptedSuggestions !== undefined) {
    if (!Array.isArray(f.acceptedSuggestions)) throw new BadRequestError(`${at}.acceptedSuggestions must be an array`, `${at}.acceptedSuggestions`, 'structure');
    result.acceptedSuggestions = f.acceptedSuggestions.map((s, j) => {
      const id = s && typeof s === 'object' ? (s as { id?: unknown }).id : undefined;
      return { id: text(id, `${at}.acceptedSuggestions[${j}].id`) };
    });
  }
  if (f.outcome === 'accepted' && !result.acceptedSuggestions?.length) {
    throw new BadRequestError(`${at}.acceptedSuggestions is required when outcome is "accepted"`, `${at}.acceptedSuggestions`, 'required');
  }
  if (f.overrideReason !== undefined) {
    if (!f.overrideReason || typeof f.overrideReason !== 'object') throw new BadRequestError(`${at}.overrideReason must be an object`, `${at}.overrideReason`, 'structure');
    const o = f.overrideReason as Record<string, unknown>;
    const reason = o.reason;
    const userComment = o.userComment;
    if (reason === undefined && userComment === undefined) {
      throw new BadRequestError(`${at}.overrideReason needs a reason or a userComment`, `${at}.overrideReason`, 'required');
    }
    result.overrideReason = {};
    if (reason !== undefined) {
      if (!reason || typeof reason !== 'object') throw new BadRequestError(`${at}.overrideReason.reason must be a Coding`, `${at}.overrideReason.reason`, 'structure');
      const r = reason as Record<string, unknown>;
      result.overrideReason.reason = {
        code: text(r.code, `${at}.overrideReason.reason.code`),
        ...(r.system !== undefined ? { system: text(r.system, `${at}.overrideReason.reason.system`) } : {}),
        ...(typeof r.display === 'string' ? { display: r.display.slice(0, 500) } : {}),
      };
    }
    if (userComment !== undefined) result.overrideReason.userComment = text(userComment, `${at}.overrideReason.userComment`).slice(0, 2000);
  }
  return result;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestError(`${at} must be a non-empty string`, at, 'required');
  if (value.length > 2000) throw new BadRequestError(`${at} is too long`, at, 'value');
  return value;
}
