import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { BadRequestError, NotFoundError } from '../errors';
import type { AuthenticatedClient } from '../security/fhir-access';
import type { DecisionRecord, Store } from '../store/types';

/** CRD coverage-assertion-ids are ids we minted (UUIDs); anything outside this shape is a bad request. */
const ASSERTION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The number of an additional assertion id: 2, 3, … (no leading zero). */
const ADDITIONAL_SUFFIX = /^(?:[2-9]|[1-9]\d+)$/;

/**
 * GET /decisions/{coverageAssertionId}: the decision record behind a coverage assertion, for
 * disputes (CRD §found-37). Behind the same authentication as the CDS routes; a verified client
 * sees only records of its own calls (same iss and tenant), and an unknown or foreign id is the
 * same 404, so ids cannot be probed. Every read is logged (CRD §found-38), without PHI. A read costs at
 * most twice AUDIT_MAX_RECORD_BYTES: a larger record (stored before that limit) is answered without its
 * orders, criteria, data and response, and marked truncated.
 */
export function decisionRoutes(store: Store, authenticate: RequestHandler, logger: Logger, maxRecordBytes: number): Router {
  const router = Router();

  router.get('/decisions/:coverageAssertionId', authenticate, async (req, res) => {
    const id = String(req.params.coverageAssertionId);
    if (!ASSERTION_ID.test(id)) {
      throw new BadRequestError('coverageAssertionId must be 1-128 letters, digits, ".", "_", ":" or "-"', 'coverageAssertionId', 'value');
    }
    const client = res.locals.client as AuthenticatedClient | undefined;
    // Records are stored within AUDIT_MAX_RECORD_BYTES; the margin covers a database's own spelling of the
    // JSON (PostgreSQL's jsonb text has spaces). One far larger (stored before the limit) comes back reduced.
    const readLimit = 2 * maxRecordBytes;
    const record = (await store.getDecision(id, readLimit)) ?? (await additionalAssertion(store, id, readLimit));
    const visible = record !== undefined && mayRead(client, record);
    logger.info({ coverageAssertionId: id, iss: client?.iss, tenant: client?.tenant, found: visible }, 'decision record read');
    if (!visible) throw new NotFoundError(`No decision with coverage-assertion-id "${id}"`);
    res.json(record);
  });

  return router;
}

/**
 * A call that recorded coverage information against several Coverages gave each its own assertion id
 * (CRD §resp-32): `<id>.2`, `<id>.3`… all belong to the record of `<id>`, whose response carries them (in a
 * truncated record, its outline keeps each action's assertion ids). A record read back without its response
 * (stored larger than the read limit) cannot be checked: it is answered, to its own client only (mayRead).
 */
async function additionalAssertion(store: Store, id: string, maxBytes: number): Promise<DecisionRecord | undefined> {
  // "<id>.<n>", n from 2, split at the last dot (a scan, not /^(.+)\.(\d+)$/, which backs off over the id).
  const dot = id.lastIndexOf('.');
  if (dot <= 0 || !ADDITIONAL_SUFFIX.test(id.slice(dot + 1))) return undefined;
  const record = await store.getDecision(id.slice(0, dot), maxBytes);
  if (!record) return undefined;
  if (!record.response) return record.truncated ? record : undefined;
  const issued = (record.response.systemActions ?? []).some((a) => {
    const outlined = (a as { coverageAssertionIds?: string[] }).coverageAssertionIds ?? [];
    const full = ((a.resource as { extension?: Array<{ extension?: Array<{ url?: string; valueString?: string }> }> } | undefined)?.extension ?? []).flatMap((e) =>
      (e.extension ?? []).filter((x) => x.url === 'coverage-assertion-id').map((x) => x.valueString),
    );
    return outlined.includes(id) || full.includes(id);
  });
  return issued ? record : undefined;
}

/** Open mode (no clients file, development only) reads all; a verified client reads its own. */
export function mayRead(client: AuthenticatedClient | undefined, record: DecisionRecord): boolean {
  if (!client) return true;
  return record.clientIss === client.iss && (record.tenant ?? undefined) === (client.tenant ?? undefined);
}
