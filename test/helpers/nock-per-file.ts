import nock from 'nock';

/**
 * nock patches Node's core http, which every test file of a jest worker shares, while each file gets its own
 * nock module: left active, one file's interceptor (and its disableNetConnect) sat under the next files'
 * requests, so a real-socket test later in the same worker (a 256 MiB upload, a JWK Set fetch) ran through a
 * mock socket without back-pressure, or was refused. Each file's nock is put back when the file ends.
 */
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
