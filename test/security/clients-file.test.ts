import fs from 'node:fs';
import path from 'node:path';
import { exportJWK } from 'jose';
import { StartupError } from '../../src/errors';
import { loadClientsFile, parseClients } from '../../src/security/clients-file';
import { testRuntime } from '../helpers/runtime';
import { EHR_FHIR, EHR_ISS, PUBLIC_BASE, signingKey, writeClientsFile, type SigningKey } from './jwt-fixtures';

describe('CDS_CLIENTS_FILE is checked at start-up, each error naming the entry and the field', () => {
  let key: SigningKey;
  beforeAll(async () => {
    key = await signingKey('ES384', 'k1');
  });
  const good = () => ({ iss: EHR_ISS, jwks: { keys: [key.publicJwk] }, fhirServers: [EHR_FHIR] });
  const parse = (value: unknown, production = false) => parseClients(value, { production, source: 'CDS_CLIENTS_FILE test.json' });
  const refused = (value: unknown, message: RegExp, production = false) => {
    expect(() => parse(value, production)).toThrow(StartupError);
    expect(() => parse(value, production)).toThrow(message);
  };

  it('reads a valid file: keys, tenant, normalised FHIR servers, default algorithms', () => {
    const [client] = parse([{ ...good(), tenant: 'org-1', fhirServers: [`${EHR_FHIR}/`] }]);
    expect(client).toMatchObject({ iss: EHR_ISS, tenant: 'org-1', fhirServers: [EHR_FHIR] });
    expect(client!.jwks).toHaveLength(1);
    expect(client!.algorithms).toEqual(expect.arrayContaining(['ES384', 'RS384']));
    expect(client!.algorithms).not.toEqual(expect.arrayContaining(['HS256']));
  });

  it('names the file when it cannot be read or is not JSON', () => {
    expect(() => loadClientsFile('/nonexistent/clients.json', false)).toThrow(/CDS_CLIENTS_FILE \/nonexistent\/clients.json cannot be read \(ENOENT\)/);
    const file = writeClientsFile([]);
    fs.writeFileSync(file, '[{"iss": ');
    expect(() => loadClientsFile(file, false)).toThrow(/is not valid JSON/);
  });

  it('refuses a file that is not a non-empty array', () => {
    refused({ clients: [] }, /must be a JSON array/);
    refused([], /lists no clients/);
    refused(['x'], /\[0\] must be an object/);
  });

  it('requires iss, unique', () => {
    refused([{ ...good(), iss: '' }], /\[0\]\.iss is required/);
    refused([good(), good()], /\[1\] iss "https:\/\/ehr.example.com" is listed twice/);
  });

  it('refuses unknown fields (a misspelt jwksUrl must not pass silently)', () => {
    const { jwks: _jwks, ...rest } = good();
    refused([{ ...rest, jwks_url: 'https://x.example/jwks' }], /\[0\] \(iss "https:\/\/ehr.example.com"\): unknown field "jwks_url"/);
  });

  it('requires exactly one of jwks and jwksUrl', () => {
    const { jwks: _jwks, ...noKeys } = good();
    refused([noKeys], /give exactly one of jwks .* or jwksUrl/);
    refused([{ ...good(), jwksUrl: 'https://keys.example/jwks' }], /give exactly one of jwks/);
  });

  it('refuses private, symmetric, kid-less, duplicate and encryption keys in jwks', async () => {
    const privateJwk = await exportJWK(key.privateKey);
    refused([{ ...good(), jwks: { keys: [{ ...privateJwk, kid: 'priv' }] } }], /\.jwks: keys\[0\] \(kid "priv"\) is a private key \(has d\)/);
    refused([{ ...good(), jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }] } }], /kty "oct"; only EC, RSA and OKP/);
    refused([{ ...good(), jwks: { keys: [{ ...key.publicJwk, kid: undefined }] } }], /keys\[0\] has no "kid"/);
    refused([{ ...good(), jwks: { keys: [key.publicJwk, key.publicJwk] } }], /kid "k1" appears twice/);
    refused([{ ...good(), jwks: { keys: [{ ...key.publicJwk, use: 'enc' }] } }], /use "enc", not "sig"/);
    refused([{ ...good(), jwks: [key.publicJwk] }], /\.jwks: it is not a JWK Set/);
  });

  it('requires fhirServers as an array of http(s) URLs without credentials', () => {
    const { fhirServers: _f, ...noServers } = good();
    refused([noServers], /\.fhirServers is required/);
    refused([{ ...good(), fhirServers: ['not a url'] }], /\.fhirServers\[0\]: "not a url" is not an absolute URL/);
    refused([{ ...good(), fhirServers: ['ftp://ehr.example/fhir'] }], /must be an http\(s\) URL/);
    refused([{ ...good(), fhirServers: ['https://user:pw@ehr.example/fhir'] }], /must not carry credentials/);
    expect(parse([{ ...good(), fhirServers: [] }])[0]!.fhirServers).toEqual([]);
  });

  it('accepts only asymmetric algorithms', () => {
    for (const alg of ['none', 'HS256', 'HS384', 'HS512']) refused([{ ...good(), algorithms: [alg] }], new RegExp(`"${alg}" is not accepted \\(asymmetric only`));
    refused([{ ...good(), algorithms: [] }], /algorithms must be a non-empty array/);
    expect(parse([{ ...good(), algorithms: ['ES384'] }])[0]!.algorithms).toEqual(['ES384']);
  });

  it('in production: https only, and never the public CDS Hooks Sandbox (its private key is published)', () => {
    refused([{ ...good(), fhirServers: ['http://ehr.example/fhir'] }], /fhirServers\[0\]: "http:\/\/ehr.example\/fhir" must use https in production/, true);
    const { jwks: _jwks, ...rest } = good();
    refused([{ ...rest, jwksUrl: 'http://keys.example/jwks' }], /jwksUrl: "http:\/\/keys.example\/jwks" must use https in production/, true);
    const sandbox = { iss: 'https://sandbox.cds-hooks.org', jwksUrl: 'https://sandbox.cds-hooks.org/.well-known/jwks.json', fhirServers: [] };
    refused([sandbox], /public CDS Hooks Sandbox/, true);
    expect(parse([sandbox], false)).toHaveLength(1);
  });

  it('imports every inline key at start-up: a key whose alg the client does not accept stops start-up', async () => {
    const file = writeClientsFile([{ ...good(), algorithms: ['RS384'] }]);
    await expect(testRuntime({ env: { CDS_CLIENTS_FILE: file, PUBLIC_BASE_URL: PUBLIC_BASE } })).rejects.toThrow(/key "k1": its alg ES384 is not among the client's algorithms/);
    const broken = writeClientsFile([{ ...good(), jwks: { keys: [{ ...key.publicJwk, x: 'AAAA' }] } }]);
    await expect(testRuntime({ env: { CDS_CLIENTS_FILE: broken, PUBLIC_BASE_URL: PUBLIC_BASE } })).rejects.toThrow(/key "k1" cannot be used with ES384/);
  });

  it('docs/cds-clients.example.json is a valid clients file (outside production, where it trusts the public Sandbox)', () => {
    const example = path.resolve(__dirname, '../../docs/cds-clients.example.json');
    expect(loadClientsFile(example, false).map((c) => c.iss)).toEqual(['https://ehr.example-health.org', 'https://fhir-ehr.example.com/', 'https://sandbox.cds-hooks.org']);
    expect(() => loadClientsFile(example, true)).toThrow(/public CDS Hooks Sandbox/);
  });

  it('the example file starts the service in JWT mode (its inline key imports)', async () => {
    const runtime = await testRuntime({ env: { CDS_CLIENTS_FILE: path.resolve(__dirname, '../../docs/cds-clients.example.json'), PUBLIC_BASE_URL: PUBLIC_BASE } });
    expect(runtime.deps.authenticator.mode).toBe('jwt');
    await runtime.close();
  });
});
