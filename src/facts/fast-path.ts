/**
 * A fast evaluator for the simplest FHIRPath expressions: member paths, `x.ofType(T)` on a choice element
 * (`value.ofType(Quantity)` reads `valueQuantity`), `contained.ofType(Medication)`, `where(member = 'text')`
 * on a string-typed member, a final `first()`, and unions of those.
 * fhirpath.js spends about 3-5 µs per evaluation wrapping every node in a typed ResourceNode; for these
 * shapes the answer is plain JSON navigation (same values, same object references), about 50× cheaper.
 *
 * It only answers when it is sure to give what fhirpath.js gives, and otherwise returns undefined so the
 * caller runs fhirpath.js:
 * - at compile time: any other syntax (other functions, operators, literals, a leading type name), a
 *   choice read without ofType, a choice type with subtypes among its options, first() before the end;
 * - per resource: a resource type not planned, an element the R4 model does not define for the type but
 *   the data carries anyway, primitive extensions (`_name`), nested arrays, a member
 *   read on a primitive, an object with a resourceType outside `contained`, a choice element present under
 *   its bare name or under the type asked for and another, a where() member that is not one string, and a union with more than one item (fhirpath's `|`
 *   removes duplicates by FHIRPath equality, which fhirpath.js does best itself), unless every path
 *   ends in a string-typed element and every item is a string: FHIRPath equality is then ===.
 * test/facts/fast-path.test.ts checks every declared expression against fhirpath.js on real and random data.
 */

export interface FhirModel {
  choiceTypePaths: Record<string, string[]>;
  path2Type: Record<string, string>;
  type2Parent: Record<string, string>;
  pathsDefinedElsewhere: Record<string, string>;
}

type Step =
  | { kind: 'member'; name: string }
  | { kind: 'ofType'; type: string }
  | { kind: 'where'; member: string; value: string }
  | { kind: 'first' };

/** How to read one path on one resource type, resolved against the model. */
type PlannedStep =
  | { kind: 'member'; key: string; extensionKey: string; holdsResources: boolean }
  /** `variants`: every type's member of the element and its `_` twin. */
  | { kind: 'choice'; key: string; extensionKey: string; base: string; variants: Set<string>; holdsResources: false }
  | { kind: 'resourceType'; type: string }
  /** Keeps the items whose string member equals the literal (FHIRPath `=` on strings is ===). */
  | { kind: 'where'; key: string; extensionKey: string; value: string }
  /** An element the model does not define for this type: nothing, unless the data has it anyway. */
  | { kind: 'absent'; key: string; extensionKey: string };

/** Returned by a walk that met data it will not vouch for. */
const BAIL = Symbol('bail');

export type FastEvaluator = (resource: unknown) => unknown[] | undefined;

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
const OF_TYPE = /^ofType\(\s*([A-Za-z][A-Za-z0-9_]*)\s*\)$/;
const WHERE_EQUALS = /^where\(\s*([a-z][A-Za-z0-9_]*)\s*=\s*'([^'\\|()]*)'\s*\)$/;
const FIRST = /^first\(\s*\)$/;

/** The expression's paths, or undefined when it uses anything beyond member paths, ofType, where(m = 'x'), first() and `|`. */
export function parseSimplePaths(expression: string): Step[][] | undefined {
  if (/[`"$%\[\]{}]/.test(expression)) return undefined;
  const paths: Step[][] = [];
  for (const alternative of expression.split('|')) {
    const parts = splitSteps(alternative.trim());
    if (!parts || parts.length === 0) return undefined;
    const steps: Step[] = [];
    for (const part of parts) {
      const ofType = OF_TYPE.exec(part);
      const where = WHERE_EQUALS.exec(part);
      if (ofType) steps.push({ kind: 'ofType', type: ofType[1]! });
      else if (where) steps.push({ kind: 'where', member: where[1]!, value: where[2]! });
      else if (FIRST.test(part)) steps.push({ kind: 'first' });
      else if (IDENTIFIER.test(part)) steps.push({ kind: 'member', name: part });
      else return undefined;
    }
    if (steps.slice(0, -1).some((step) => step.kind === 'first')) return undefined; // first() only at the end
    // A leading capitalised name is a type filter in FHIRPath (`Observation.code`): not handled here.
    if (steps[0]!.kind !== 'member' || !/^[a-z]/.test((steps[0] as { name: string }).name)) return undefined;
    paths.push(steps);
  }
  return paths;
}

/** Splits `a.b.ofType(T).c` on the dots outside parentheses. */
function splitSteps(path: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of path) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) return undefined;
    if (ch === '.' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (depth !== 0) return undefined;
  parts.push(current.trim());
  return parts;
}

/**
 * A fast evaluator for `expression`, or undefined when its syntax is beyond the fast path. Plans are made
 * per resource type on first use (a type whose plan fails goes to fhirpath.js every time).
 */
export function compileFastPath(expression: string, model: FhirModel): FastEvaluator | undefined {
  const paths = parseSimplePaths(expression);
  if (!paths) return undefined;
  const plans = new Map<string, Plan | null>();
  return (resource: unknown) => {
    if (!isObject(resource) || typeof resource.resourceType !== 'string') return undefined;
    let plan = plans.get(resource.resourceType);
    if (plan === undefined) plans.set(resource.resourceType, (plan = planPaths(paths, resource.resourceType, model)));
    if (plan === null) return undefined;
    if (plan.paths.length === 1) {
      const found = walk(plan.paths[0]!, resource);
      return found === BAIL ? undefined : found;
    }
    const all: unknown[] = [];
    for (const path of plan.paths) {
      const found = walk(path, resource);
      if (found === BAIL) return undefined;
      for (const item of found) all.push(item);
    }
    if (all.length <= 1) return all;
    return plan.stringUnion ? distinctStrings(all) : undefined;
  };
}

/** FHIR types whose values fhirpath.js compares as plain strings (dates and numbers it converts first). */
const STRING_TYPES = new Set(['string', 'code', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'markdown']);
/** Members a where(m = 'x') may compare: the string types, and System.String (Extension.url). */
const WHERE_TYPES = new Set([...STRING_TYPES, 'System.String']);

interface PlannedPath {
  steps: PlannedStep[];
  /** The type of what the path yields. */
  type: string;
  /** Ends in first(): keep the first item. */
  first: boolean;
}

interface Plan {
  paths: PlannedPath[];
  /** Every path ends in a string-typed element: a union is deduplicated with === (when every item is a string). */
  stringUnion: boolean;
}

function planPaths(paths: Step[][], resourceType: string, model: FhirModel): Plan | null {
  if (!isResourceType(resourceType, model)) return null;
  const planned: PlannedPath[] = [];
  let stringUnion = true;
  for (const steps of paths) {
    const plan = planPath(steps, resourceType, model);
    if (!plan) return null;
    planned.push(plan);
    stringUnion &&= STRING_TYPES.has(plan.type);
  }
  return { paths: planned, stringUnion };
}

/** fhirpath's `|` on strings: first occurrences, in order (any non-string: fhirpath.js decides). */
function distinctStrings(items: unknown[]): unknown[] | undefined {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return undefined;
    if (seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

function planPath(steps: Step[], resourceType: string, model: FhirModel): PlannedPath | undefined {
  const plan: PlannedStep[] = [];
  let at = resourceType; // the model path the next member is looked up under
  let first = false;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.kind === 'first') {
      first = true; // the last step (parseSimplePaths): the walk keeps the first item
      continue;
    }
    if (step.kind === 'where') {
      const memberPath = model.pathsDefinedElsewhere[`${at}.${step.member}`] ?? `${at}.${step.member}`;
      if (!WHERE_TYPES.has(model.path2Type[memberPath] ?? '')) return undefined;
      plan.push({ kind: 'where', key: step.member, extensionKey: `_${step.member}`, value: step.value });
      continue;
    }
    if (step.kind === 'ofType') {
      // Only a filter on contained resources (`contained.ofType(Medication)`); choice ofType is read with its member.
      if (at !== 'Resource' || !isResourceType(step.type, model) || step.type === 'Resource' || step.type === 'DomainResource') return undefined;
      plan.push({ kind: 'resourceType', type: step.type });
      at = step.type;
      continue;
    }
    const path = model.pathsDefinedElsewhere[`${at}.${step.name}`] ?? `${at}.${step.name}`;
    const choices = model.choiceTypePaths[path];
    if (choices) {
      const next = steps[i + 1];
      if (next?.kind !== 'ofType') return undefined;
      const suffix = next.type[0]!.toUpperCase() + next.type.slice(1);
      if (!choices.includes(suffix)) return undefined;
      // ofType(T) also takes subtypes of T (Age is a Quantity): leave such choices to fhirpath.js.
      if (choices.some((c) => c !== suffix && isSubtypeOf(c, suffix, model))) return undefined;
      const key = `${step.name}${suffix}`;
      const variants = new Set(choices.flatMap((c) => [`${step.name}${c}`, `_${step.name}${c}`]));
      plan.push({ kind: 'choice', key, extensionKey: `_${key}`, base: step.name, variants, holdsResources: false });
      at = next.type;
      i++;
      continue;
    }
    const type = model.path2Type[path];
    if (type === undefined) {
      // Not an element of this type (authoredOn on a MedicationStatement): fhirpath.js still reads such a
      // member from the JSON, so the walk yields nothing when it is absent and hands over when it is present.
      plan.push({ kind: 'absent', key: step.name, extensionKey: `_${step.name}` });
      return { steps: plan, type: 'unknown', first: false };
    }
    plan.push({ kind: 'member', key: step.name, extensionKey: `_${step.name}`, holdsResources: type === 'Resource' });
    at = type === 'BackboneElement' || type === 'Element' ? path : type;
  }
  return { steps: plan, type: at, first };
}

/**
 * Plain JSON navigation: each item's member, arrays flattened, null and absent skipped. Depth first,
 * which yields the items in the same order as fhirpath's step-by-step evaluation, without a collection
 * per step.
 */
function walk(path: PlannedPath, resource: Record<string, unknown>): unknown[] | typeof BAIL {
  const out: unknown[] = [];
  if (!visit(path.steps, 0, resource, out)) return BAIL;
  return path.first && out.length > 1 ? out.slice(0, 1) : out;
}

/** Adds what `plan[i..]` yields from `item` to `out`; false to bail out. */
function visit(plan: PlannedStep[], i: number, item: unknown, out: unknown[]): boolean {
  if (i === plan.length) {
    out.push(item);
    return true;
  }
  // fhirpath.js gives primitives members of their own (7.value is 7): not ours to imitate.
  if (!isObject(item)) return false;
  const step = plan[i]!;
  switch (step.kind) {
    case 'absent':
      return !Object.hasOwn(item, step.key) && !Object.hasOwn(item, step.extensionKey);
    case 'resourceType':
      if (item.resourceType === step.type) return visit(plan, i + 1, item, out);
      return typeof item.resourceType === 'string';
    case 'where': {
      if (Object.hasOwn(item, step.extensionKey)) return false;
      const value = Object.hasOwn(item, step.key) ? item[step.key] : undefined;
      if (value === undefined || value === null) return true; // empty = '…' is empty: not kept
      if (typeof value !== 'string') return false;
      return value === step.value ? visit(plan, i + 1, item, out) : true;
    }
    case 'choice': {
      if (Object.hasOwn(item, step.base)) return false;
      // Absent, the type asked for yields nothing whatever else is there. Present beside another of the
      // element's types (onsetPeriod and onsetAge), fhirpath.js reads only one of them: not ours to guess.
      if (!Object.hasOwn(item, step.key) && !Object.hasOwn(item, step.extensionKey)) return true;
      let present = 0;
      for (const member in item) if (step.variants.has(member)) present++;
      if (present > 1) return false;
      break;
    }
  }
  if (Object.hasOwn(item, step.extensionKey)) return false;
  const value = Object.hasOwn(item, step.key) ? item[step.key] : undefined;
  if (value === undefined || value === null) return true;
  if (!Array.isArray(value)) return (step.holdsResources || !isResource(value)) && visit(plan, i + 1, value, out);
  for (const element of value) {
    if (element === undefined || element === null) continue;
    if (Array.isArray(element) || (!step.holdsResources && isResource(element))) return false;
    if (!visit(plan, i + 1, element, out)) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** fhirpath.js types an object by its resourceType wherever it sits: a resource where a data type belongs is not ours. */
function isResource(value: unknown): boolean {
  return isObject(value) && Object.hasOwn(value, 'resourceType');
}

function isResourceType(type: string, model: FhirModel): boolean {
  return isSubtypeOf(type, 'Resource', model) || type === 'Resource';
}

function isSubtypeOf(type: string, ancestor: string, model: FhirModel): boolean {
  for (let t = model.type2Parent[type]; t !== undefined; t = model.type2Parent[t]) if (t === ancestor) return true;
  return false;
}
