import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { StartupError } from '../../src/errors';

/** The environment the service reads at start-up (public interface; README "Configuration"). */
describe('loadConfig', () => {
  it('needs nothing: port 3000 on this machine only (open mode), ./data, a 3 s FHIR deadline', () => {
    expect(loadConfig({})).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      fhirServerAllowlist: [],
      fhirTimeoutMs: 3000,
      fhirMaxPages: 10,
      fhirMaxConcurrency: 32,
      bodyLimit: '10mb',
      corsOrigins: '*',
      logLevel: 'info',
      auditRetentionDays: 2555,
    });
  });

  it('bounds FHIR bytes and decision records by default, well under a 512 MiB container', () => {
    expect(loadConfig({})).toMatchObject({
      fhirMaxResponseBytes: 8 * 1024 * 1024,
      fhirMaxBytesPerCall: 32 * 1024 * 1024,
      fhirMaxBytesInFlight: 128 * 1024 * 1024,
      auditMaxRecordBytes: 1024 * 1024,
    });
  });

  it.each([
    [{ FHIR_MAX_RESPONSE_BYTES: '16777216' }, /^FHIR_MAX_BYTES_PER_CALL \(33554432\) must be at least 3 × FHIR_MAX_RESPONSE_BYTES \(16777216\) and at most FHIR_MAX_BYTES_IN_FLIGHT/],
    [{ FHIR_MAX_BYTES_PER_CALL: '268435456' }, /at most FHIR_MAX_BYTES_IN_FLIGHT \(134217728\)/],
    [{ FHIR_MAX_BYTES_PER_CALL: '1000' }, /^FHIR_MAX_BYTES_PER_CALL must be between 65536 and/],
    [{ AUDIT_MAX_RECORD_BYTES: '1000' }, /^AUDIT_MAX_RECORD_BYTES must be between 65536 and 67108864, got 1000/],
  ])('stops start-up on byte limits that do not fit together (%j)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(StartupError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('listens on loopback in open mode unless HOST is set; with a clients file (callers authenticated), on every interface', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ CDS_CLIENTS_FILE: '/etc/facet-cds/clients.json' }).host).toBe('0.0.0.0');
    expect(loadConfig({ CDS_CLIENTS_FILE: '/etc/facet-cds/clients.json', HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
  });

  it('the Docker image sets HOST=0.0.0.0 itself, so a container is reachable through its published port', () => {
    const dockerfile = fs.readFileSync(path.resolve(__dirname, '../../docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^\s*HOST=0\.0\.0\.0\b/m);
  });

  it('honours PORT, HOST, DATA_DIR and FHIR_TIMEOUT_MS', () => {
    expect(loadConfig({ PORT: '8080', HOST: '127.0.0.1', DATA_DIR: '/var/lib/facet-cds', FHIR_TIMEOUT_MS: '1500' })).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/facet-cds',
      fhirTimeoutMs: 1500,
    });
  });

  it('normalises FHIR_SERVER_ALLOWLIST entries and lists CORS_ORIGINS', () => {
    const config = loadConfig({ FHIR_SERVER_ALLOWLIST: ' https://ehr.example.test/fhir/ , http://127.0.0.1:8080/r4', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.fhirServerAllowlist).toEqual(['https://ehr.example.test/fhir', 'http://127.0.0.1:8080/r4']);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    [{}, 'development'],
    [{ NODE_ENV: '' }, 'development'],
    [{ NODE_ENV: 'development' }, 'development'],
    [{ NODE_ENV: 'Production' }, 'production'],
    [{ NODE_ENV: 'production ' }, 'production'],
    [{ NODE_ENV: ' PRODUCTION' }, 'production'],
    [{ NODE_ENV: 'Test' }, 'test'],
  ])('reads NODE_ENV %j, trimmed and in any case, as %s', (env, expected) => {
    expect(loadConfig(env).env).toBe(expected);
  });

  it.each(['prod', 'staging', 'dev', 'production-eu'])('stops start-up on NODE_ENV=%j rather than run as development', (value) => {
    expect(() => loadConfig({ NODE_ENV: value })).toThrow(new StartupError(`NODE_ENV must be production, development or test (or unset, meaning development), got "${value}"`));
  });

  it('NODE_ENV=" Production" still gets the production checks', () => {
    expect(() => loadConfig({ NODE_ENV: ' Production', PUBLIC_BASE_URL: 'http://cds.example.test' })).toThrow(new StartupError('PUBLIC_BASE_URL must use https in production'));
  });

  it.each([
    [{ PORT: 'http' }, 'PORT must be a whole number, got "http"'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535, got 70000'],
    [{ FHIR_TIMEOUT_MS: '0' }, 'FHIR_TIMEOUT_MS must be between 1 and 60000, got 0'],
    [{ FHIR_MAX_PAGES: '-1' }, 'FHIR_MAX_PAGES must be a whole number, got "-1"'],
    [{ FHIR_SERVER_ALLOWLIST: 'ehr.example.test' }, 'FHIR_SERVER_ALLOWLIST: "ehr.example.test" is not an absolute URL'],
    [{ PUBLIC_BASE_URL: 'ftp://cds.example.test' }, 'PUBLIC_BASE_URL: "ftp://cds.example.test" must be an http(s) URL'],
    [{ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://cds.example.test' }, 'PUBLIC_BASE_URL must use https in production'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    [{ LOG_LEVEL: 'warning' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "warning"'],
  ])('stops start-up on %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new StartupError(message));
  });

  it.each([
    [{}, 'info'],
    [{ NODE_ENV: 'test' }, 'silent'],
    [{ LOG_LEVEL: '' }, 'info'],
    [{ LOG_LEVEL: ' Debug ' }, 'debug'],
    [{ LOG_LEVEL: 'WARN' }, 'warn'],
    [{ LOG_LEVEL: 'silent' }, 'silent'],
    [{ NODE_ENV: 'test', LOG_LEVEL: 'trace' }, 'trace'],
  ])('reads LOG_LEVEL from %j as pino level %s', (env, level) => {
    expect(loadConfig(env).logLevel).toBe(level);
  });

  it('accepts every pino level, and only those, as LOG_LEVEL', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    expect(() => loadConfig({ LOG_LEVEL: 'notice' })).toThrow(StartupError);
  });

  it('normalises CORS_ORIGINS entries to origins as browsers send them', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://EHR.example.org/, http://localhost:8080, https://ehr.example.org:443' }).corsOrigins).toEqual([
      'https://ehr.example.org',
      'http://localhost:8080',
      'https://ehr.example.org',
    ]);
    expect(loadConfig({ CORS_ORIGINS: ' * ' }).corsOrigins).toBe('*');
  });

  it.each([
    'ehr.example.org',
    'ehr.example.org:8443',
    'https://ehr.example.org/app',
    'https://ehr.example.org/?x=1',
    'https://user@ehr.example.org',
    'ftp://ehr.example.org',
    'https:ehr.example.org',
    'https://a.example, localhost:3000',
  ])('stops start-up on CORS_ORIGINS=%j, naming the variable and the entry', (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/^CORS_ORIGINS: ".+" must be \* or an origin such as https:\/\/ehr\.example\.org/);
  });

  it('stops start-up on a * among other CORS_ORIGINS', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example, *' })).toThrow(new StartupError('CORS_ORIGINS: * allows every origin and must stand alone, got "https://a.example, *"'));
  });
});
