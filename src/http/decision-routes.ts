import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { BadRequestError, NotFoundError } from '../errors';
import type { AuthenticatedClient } from '../security/fhir-access';
import type { DecisionRecord, Store } from '../store/types';

/** CRD coverage-assertion-ids are ids we minted (UUIDs); anything outside this shape is a bad request. */
const ASSERTION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

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
    const record = await store.getDecision(id, 2 * maxRecordBytes);
    const visible = record !== undefined && mayRead(client, record);
    logger.info({ coverageAssertionId: id, iss: client?.iss, tenant: client?.tenant, found: visible }, 'decision record read');
    if (!visible) throw new NotFoundError(`No decision with coverage-assertion-id "${id}"`);
    res.json(record);
  });

  return router;
}

/** Open mode (no clients file, development only) reads all; a verified client reads its own. */
export function mayRead(client: AuthenticatedClient | undefined, record: DecisionRecord): boolean {
  if (!client) return true;
  return record.clientIss === client.iss && (record.tenant ?? undefined) === (client.tenant ?? undefined);
}
