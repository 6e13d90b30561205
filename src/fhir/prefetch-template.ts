/** CDS Hooks 2.0 prefetch tokens: `{{context.<root primitive field>}}` and the four user tokens. */
/** The token is group 1, spaces around it included (trim it): `\s*` on both sides of a lazy `[^{}]+?` could backtrack super-linearly. */
export const PREFETCH_TOKEN = /\{\{([^{}]*)\}\}/g;

const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

export function isSupportedPrefetchToken(token: string): boolean {
  return /^context\.[A-Za-z][A-Za-z0-9]*$/.test(token) || token in USER_TOKENS;
}

export interface ParsedTemplate {
  resourceType: string;
  /** A read (`Patient/{{context.patientId}}`) answers with one resource or null; a search with a Bundle. */
  kind: 'read' | 'search';
}

export function parseTemplate(template: string): ParsedTemplate {
  const match = /^([A-Z][A-Za-z]+)([/?]|$)/.exec(template);
  const resourceType = match?.[1] ?? 'Unknown';
  return { resourceType, kind: match?.[2] === '/' ? 'read' : 'search' };
}

/**
 * Fills a template from the hook context. Token values are URL-encoded. Returns undefined when a
 * token has no value (e.g. no encounterId), since the query cannot then be run.
 */
export function resolveTemplate(template: string, context: Record<string, unknown>): string | undefined {
  let unresolved = false;
  const resolved = template.replace(PREFETCH_TOKEN, (_, token: string) => {
    const value = tokenValue(token.trim(), context);
    if (value === undefined) {
      unresolved = true;
      return '';
    }
    return encodeURIComponent(value);
  });
  return unresolved ? undefined : resolved;
}

function tokenValue(token: string, context: Record<string, unknown>): string | undefined {
  if (token.startsWith('context.')) {
    const value = context[token.slice('context.'.length)];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  }
  const type = USER_TOKENS[token];
  const userId = context.userId;
  if (!type || typeof userId !== 'string') return undefined;
  const [userType, id] = userId.split('/');
  return userType === type && id ? id : undefined;
}
