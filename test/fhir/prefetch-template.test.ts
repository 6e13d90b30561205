import { isSupportedPrefetchToken, parseTemplate, resolveTemplate } from '../../src/fhir/prefetch-template';

/** CDS Hooks 2.0 prefetch templates: which tokens are allowed, and how a template becomes a query. */
describe('prefetch templates', () => {
  const context = { userId: 'PractitionerRole/role-9', patientId: 'pat 1/x', encounterId: 'enc-1', draftOrders: { resourceType: 'Bundle' } };

  it('fills context tokens, URL-encoding their values', () => {
    expect(resolveTemplate('Condition?patient={{context.patientId}}', context)).toBe('Condition?patient=pat%201%2Fx');
    expect(resolveTemplate('Encounter/{{ context.encounterId }}', context)).toBe('Encounter/enc-1');
  });

  it('fills the user tokens from context.userId only when its type matches', () => {
    expect(resolveTemplate('PractitionerRole/{{userPractitionerRoleId}}', context)).toBe('PractitionerRole/role-9');
    expect(resolveTemplate('Practitioner/{{userPractitionerId}}', context)).toBeUndefined();
  });

  it('cannot run a template whose token has no value (no encounter in context)', () => {
    expect(resolveTemplate('Encounter/{{context.encounterId}}', { patientId: 'p' })).toBeUndefined();
  });

  it('accepts only CDS Hooks 2.0 tokens: root context fields and the four user ids', () => {
    for (const token of ['context.patientId', 'context.encounterId', 'userPractitionerId', 'userPractitionerRoleId', 'userPatientId', 'userRelatedPersonId']) {
      expect(isSupportedPrefetchToken(token)).toBe(true);
    }
    for (const token of ['context.draftOrders.entry.resource.id', 'today() - 90 days', '%coverage.id', 'patientId']) {
      expect(isSupportedPrefetchToken(token)).toBe(false);
    }
  });

  it('tells a read from a search', () => {
    expect(parseTemplate('Patient/{{context.patientId}}')).toEqual({ resourceType: 'Patient', kind: 'read' });
    expect(parseTemplate('Coverage?patient={{context.patientId}}&status=active')).toEqual({ resourceType: 'Coverage', kind: 'search' });
    expect(parseTemplate('Device')).toEqual({ resourceType: 'Device', kind: 'search' });
  });
});
