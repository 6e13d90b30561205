/**
 * Checks a body against CDS Hooks 2.0.1 response rules (and the CRD rules this service follows).
 * Returns the problems found; an empty list means valid.
 */
export function cdsResponseProblems(body: unknown): string[] {
  const problems: string[] = [];
  const fail = (path: string, message: string) => problems.push(`${path}: ${message}`);
  if (!isObject(body)) return ['(body): not a JSON object'];
  findEmpty(body, '', problems);
  if (!Array.isArray(body.cards)) fail('cards', 'required array');
  (Array.isArray(body.cards) ? body.cards : []).forEach((card: unknown, i: number) => checkCard(card, `cards[${i}]`, fail));
  if (body.systemActions !== undefined) {
    if (!Array.isArray(body.systemActions)) fail('systemActions', 'must be an array');
    else body.systemActions.forEach((a: unknown, i: number) => checkAction(a, `systemActions[${i}]`, fail));
  }
  return problems;
}

function checkCard(card: unknown, path: string, fail: (p: string, m: string) => void): void {
  if (!isObject(card)) return fail(path, 'not an object');
  if (typeof card.uuid !== 'string' || card.uuid === '') fail(`${path}.uuid`, 'required (feedback needs it)');
  if (typeof card.summary !== 'string' || card.summary === '') fail(`${path}.summary`, 'required');
  else if (card.summary.length >= 140) fail(`${path}.summary`, `must be under 140 characters (${card.summary.length})`);
  if (!['info', 'warning', 'critical'].includes(card.indicator as string)) fail(`${path}.indicator`, `invalid: ${String(card.indicator)}`);
  if (card.detail !== undefined && typeof card.detail !== 'string') fail(`${path}.detail`, 'must be markdown text');
  const source = card.source;
  if (!isObject(source) || typeof source.label !== 'string' || source.label === '') fail(`${path}.source.label`, 'required');
  else if (!isObject(source.topic) || typeof source.topic.system !== 'string' || typeof source.topic.code !== 'string') fail(`${path}.source.topic`, 'system and code required (CRD)');
  if (card.suggestions !== undefined) {
    if (!Array.isArray(card.suggestions)) fail(`${path}.suggestions`, 'must be an array');
    else {
      if (!['at-most-one', 'any'].includes(card.selectionBehavior as string)) fail(`${path}.selectionBehavior`, 'required with suggestions');
      card.suggestions.forEach((s: unknown, i: number) => {
        const sp = `${path}.suggestions[${i}]`;
        if (!isObject(s)) return fail(sp, 'not an object');
        if (typeof s.label !== 'string' || s.label === '') fail(`${sp}.label`, 'required');
        if (typeof s.uuid !== 'string' || s.uuid === '') fail(`${sp}.uuid`, 'required');
        if (s.actions !== undefined) {
          if (!Array.isArray(s.actions)) fail(`${sp}.actions`, 'must be an array');
          else s.actions.forEach((a: unknown, j: number) => checkAction(a, `${sp}.actions[${j}]`, fail));
        }
      });
      if (card.selectionBehavior === 'at-most-one' && card.suggestions.filter((s: unknown) => isObject(s) && s.isRecommended === true).length > 1) {
        fail(`${path}.suggestions`, 'at most one isRecommended with at-most-one');
      }
    }
  }
  if (card.overrideReasons !== undefined) {
    if (!Array.isArray(card.overrideReasons)) fail(`${path}.overrideReasons`, 'must be an array');
    else card.overrideReasons.forEach((r: unknown, i: number) => {
      if (!isObject(r) || typeof r.code !== 'string' || typeof r.system !== 'string' || typeof r.display !== 'string') fail(`${path}.overrideReasons[${i}]`, 'code, system and display required');
    });
  }
  if (card.links !== undefined) {
    if (!Array.isArray(card.links)) fail(`${path}.links`, 'must be an array');
    else card.links.forEach((l: unknown, i: number) => {
      const lp = `${path}.links[${i}]`;
      if (!isObject(l)) return fail(lp, 'not an object');
      if (typeof l.label !== 'string' || typeof l.url !== 'string') fail(lp, 'label and url required');
      if (!['absolute', 'smart'].includes(l.type as string)) fail(`${lp}.type`, 'absolute or smart');
      if (l.type === 'absolute' && !/^https?:\/\//.test(String(l.url))) fail(`${lp}.url`, 'absolute links need an absolute URL');
      if (l.appContext !== undefined && l.type !== 'smart') fail(`${lp}.appContext`, 'only on smart links');
    });
  }
}

function checkAction(action: unknown, path: string, fail: (p: string, m: string) => void): void {
  if (!isObject(action)) return fail(path, 'not an object');
  if (!['create', 'update', 'delete'].includes(action.type as string)) fail(`${path}.type`, 'create, update or delete');
  if (typeof action.description !== 'string' || action.description === '') fail(`${path}.description`, 'required');
  if ((action.type === 'create' || action.type === 'update') && (!isObject(action.resource) || typeof action.resource.resourceType !== 'string')) {
    fail(`${path}.resource`, 'a FHIR resource is required for create and update');
  }
  if (action.type === 'delete' && typeof action.resourceId !== 'string') fail(`${path}.resourceId`, 'required for delete');
}

/**
 * CDS Hooks: optional members are omitted, never null, "", [] or {} (only `cards` may be empty). Resources
 * the service builds (a `create`) are checked too. The resource of an `update` action is one of the client's
 * own orders, returned as the client sent it (CRD §resp-37: only coverage information may change), so its
 * JSON is the client's, null placeholders of primitive arrays included, and is not checked here.
 */
function findEmpty(value: unknown, path: string, problems: string[]): void {
  if (value === null) problems.push(`${path || '(body)'}: null is not allowed`);
  else if (value === '') problems.push(`${path}: empty string is not allowed`);
  else if (Array.isArray(value)) {
    if (value.length === 0 && path !== 'cards') problems.push(`${path}: empty array is not allowed`);
    value.forEach((v, i) => findEmpty(v, `${path}[${i}]`, problems));
  } else if (isObject(value)) {
    if (Object.keys(value).length === 0) problems.push(`${path}: empty object is not allowed`);
    const clientOrder = value.type === 'update' && /(^systemActions|\.actions)\[\d+\]$/.test(path);
    for (const [k, v] of Object.entries(value)) if (!(clientOrder && k === 'resource')) findEmpty(v, path ? `${path}.${k}` : k, problems);
  }
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Jest-friendly assertion: fails listing every problem. */
export function expectValidCdsResponse(body: unknown): void {
  const problems = cdsResponseProblems(body);
  if (problems.length > 0) throw new Error(`Invalid CDS Hooks response:\n- ${problems.join('\n- ')}`);
}

type CardLike = { extension?: Record<string, unknown>; links?: unknown[]; indicator?: string; suggestions?: Array<{ label: string; actions?: Array<{ type: string }> }> };

/** The cards about one order (davinci-crd.associated-resource), e.g. "ServiceRequest/sr-1". */
export function cardsAbout<C extends CardLike>(body: { cards: C[] }, reference: string): C[] {
  return body.cards.filter((c) => (c.extension?.['davinci-crd.associated-resource'] as Array<{ reference: string }> | undefined)?.some((r) => r.reference === reference));
}

/** The card explaining the decision on an order (the one with links: its alternatives and companion orders have none). */
export function decisionCardAbout<C extends CardLike>(body: { cards: C[] }, reference: string): C | undefined {
  return cardsAbout(body, reference).find((c) => Array.isArray(c.links) && c.links.length > 0);
}

/** Every suggestion label on the cards about an order. */
export function suggestionLabelsAbout(body: { cards: CardLike[] }, reference: string): string[] {
  return cardsAbout(body, reference).flatMap((c) => (c.suggestions ?? []).map((s) => s.label));
}
