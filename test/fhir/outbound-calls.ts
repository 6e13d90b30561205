import nock from 'nock';

/**
 * Blocks real network calls for a suite (loopback stays open for supertest and local servers) and
 * records every outbound request no nock interceptor answered, so a test can prove the service made
 * no FHIR call it was not expected to make. Call it once per test file, at the top of a describe.
 */
export function guardOutboundCalls(): { unexpected: string[] } {
  const unexpected: string[] = [];
  const record = (req: { method?: string; hostname?: string; href?: string }) => {
    if (req.hostname === '127.0.0.1') return; // supertest's own connection to the app
    unexpected.push(`${req.method ?? 'GET'} ${req.href ?? req.hostname}`);
  };
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock.emitter.on('no match', record);
  });
  afterEach(() => {
    nock.cleanAll();
    unexpected.length = 0;
  });
  afterAll(() => {
    nock.emitter.removeListener('no match', record);
    nock.enableNetConnect();
    // Importing nock patched node:http for the whole jest process; undo it so the next test file
    // (with its own nock) does not run requests through this file's torn-down interceptor.
    nock.restore();
  });
  return { unexpected };
}
