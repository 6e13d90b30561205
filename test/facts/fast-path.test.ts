import fs from 'node:fs';
import path from 'node:path';
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import type { Bundle, FhirResource } from 'fhir/r4';
import { benchChart } from '../../bench/chart';
import { loadServices } from '../../src/declarations/load';
import { compileFhirPath } from '../../src/facts/compile';
import { compileFastPath, parseSimplePaths, type FhirModel } from '../../src/facts/fast-path';

/**
 * The fast path must give exactly what fhirpath.js gives (same values, same object references, the same
 * exception when fhirpath.js throws) for every expression the declarations use: checked on the scenario
 * patients, a benchmark chart, and thousands of random resources shaped by the R4 model with the odd
 * data EHRs send (nulls, wrong shapes, primitive extensions, duplicates, bad dates, every choice type).
 */

const model = r4model as unknown as FhirModel;
const services = loadServices();
const expressions = services.flatMap((service) =>
  service.facts.flatMap((fact) =>
    Object.entries(service.definition.facts[fact.name]!.fields ?? {}).map(([field, expression]) => ({
      name: `${service.id}.${fact.name}.${field}`,
      expression,
      resourceTypes: fact.resourceTypes,
    })),
  ),
);

type Outcome = { value: unknown[] } | { error: string };

function outcome(fn: () => unknown[]): Outcome {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Same outcome: both threw the same message, or the same items in order, objects by reference. */
function sameOutcome(actual: Outcome, expected: Outcome): boolean {
  if ('error' in expected || 'error' in actual) return 'error' in expected && 'error' in actual && expected.error === actual.error;
  return actual.value.length === expected.value.length && actual.value.every((v, i) => Object.is(v, expected.value[i]));
}

/** Checks one expression on resources; counts the answers the fast path gave itself on the fact's types. */
function check(e: (typeof expressions)[number], resources: unknown[]): { answered: number; total: number } {
  const reference = fhirpath.compile(e.expression, r4model, { async: false }) as (r: unknown) => unknown[];
  const fast = compileFastPath(e.expression, model);
  const compiled = compileFhirPath(e.expression, e.name);
  let answered = 0;
  let total = 0;
  for (const resource of resources) {
    const expected = outcome(() => reference(resource));
    const actual = outcome(() => compiled(resource));
    if (!sameOutcome(actual, expected)) {
      throw new Error(`${e.name} (${e.expression}) differs from fhirpath.js on ${JSON.stringify(resource)}:\n  ours: ${JSON.stringify(actual)}\n  fhirpath.js: ${JSON.stringify(expected)}`);
    }
    if (e.resourceTypes.includes((resource as { resourceType?: string }).resourceType ?? '')) {
      total++;
      if (fast?.(resource) !== undefined) answered++;
    }
  }
  return { answered, total };
}

function checkAll(resourcesFor: (e: (typeof expressions)[number]) => unknown[]): number {
  let answered = 0;
  let total = 0;
  for (const e of expressions) {
    const counts = check(e, resourcesFor(e));
    answered += counts.answered;
    total += counts.total;
  }
  return answered / total;
}

describe('the FHIRPath fast path', () => {
  it('takes most declared expressions, and leaves functions and operators to fhirpath.js', () => {
    const simple = expressions.filter((e) => parseSimplePaths(e.expression));
    expect(simple.length).toBeGreaterThan(expressions.length * 0.8);
    expect(parseSimplePaths("code.extension.where(url = 'x').value.ofType(CodeableConcept)")).toBeDefined();
    expect(parseSimplePaths('occurrence.ofType(Timing).event.first()')).toBeDefined();
    expect(parseSimplePaths('event.first().value')).toBeUndefined();
    expect(parseSimplePaths("extension.where(url = 'x' or url = 'y')")).toBeUndefined();
    expect(parseSimplePaths('code.exists()')).toBeUndefined();
    expect(parseSimplePaths('Observation.code')).toBeUndefined();
    expect(parseSimplePaths('a.b | c.ofType(Period).start')).toEqual([
      [
        { kind: 'member', name: 'a' },
        { kind: 'member', name: 'b' },
      ],
      [
        { kind: 'member', name: 'c' },
        { kind: 'ofType', type: 'Period' },
        { kind: 'member', name: 'start' },
      ],
    ]);
  });

  it("reads where(url = '…') and a final first() like fhirpath.js, and answers them itself", () => {
    const billing = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-billing-options';
    const codings = `code.coding | code.extension.where(url = '${billing}').value.ofType(CodeableConcept).coding`;
    const occurrence = 'occurrence.ofType(dateTime) | occurrence.ofType(Period).start | occurrence.ofType(Timing).event.first()';
    const ext = (url: unknown, extra: Record<string, unknown> = {}) => ({ url, valueCodeableConcept: { coding: [{ system: 's', code: 'c' }] }, ...extra });
    const order = (fields: Record<string, unknown>) => ({ resourceType: 'ServiceRequest', id: 'o', status: 'draft', intent: 'order', ...fields });
    const cases = [
      order({ code: { extension: [ext(billing)] } }),
      order({ code: { extension: [ext('http://other.example')] } }),
      order({ code: { extension: [ext(billing.toUpperCase())] } }),
      order({ code: { extension: [ext(undefined)] } }),
      order({ code: { extension: [ext([billing, billing])] } }),
      order({ code: { extension: [ext(5)] } }),
      order({ code: { extension: [{ ...ext(billing), _url: { id: 'x' } }] } }),
      order({ code: { extension: [ext(billing), ext(billing)] } }),
      order({ code: { coding: [{ system: 's', code: 'd' }], extension: [ext(billing)] } }),
      order({ occurrenceTiming: { event: ['2026-12-03', '2026-12-10'] } }),
      order({ occurrenceTiming: { event: [] } }),
      order({ occurrenceDateTime: '2026-12-03' }),
    ];
    const compiled = (expression: string) => expressions.find((e) => e.expression === expression)!;
    check(compiled(codings), cases);
    check(compiled(occurrence), cases);
    const fast = compileFastPath(codings, model)!;
    expect(fast(cases[0])).toEqual([{ system: 's', code: 'c' }]);
    expect(fast(cases[1])).toEqual([]);
    expect(compileFastPath(occurrence, model)!(cases[9])).toEqual(['2026-12-03']);
  });

  it('answers like fhirpath.js on the scenario patients and a benchmark chart', () => {
    const dir = path.resolve(__dirname, '../../cds-services/facet-joint-interventions/scenarios/patients');
    const scenario = fs
      .readdirSync(dir)
      .flatMap((f) => ((JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Bundle).entry ?? []).map((e) => e.resource as FhirResource));
    const bench = benchChart(500);
    const resources = [...scenario, ...bench.resources, ...bench.orders];
    expect(checkAll(() => resources)).toBeGreaterThan(0.5);
  });

  it('answers like fhirpath.js on random resources with odd data', () => {
    // FAST_PATH_SEED and FAST_PATH_SAMPLES widen the search when the fast path changes.
    const random = new RandomResources(Number(process.env.FAST_PATH_SEED ?? 20261127));
    const samples = Number(process.env.FAST_PATH_SAMPLES ?? 400);
    const answered = checkAll(({ expression, resourceTypes }) => resourceTypes.flatMap((type) => Array.from({ length: samples }, () => random.resource(type, expression))));
    expect(answered).toBeGreaterThan(0.2); // the fast path is exercised, not only its bail-outs
  });
});

/** Random resources of a type, shaped by the R4 model, biased toward the elements an expression reads. */
class RandomResources {
  private state: number;

  constructor(seed: number) {
    this.state = seed;
  }

  /** Names the current expression reads (elements and type names), and its string literals. */
  private wanted = new Set<string>();
  private literals: string[] = [];

  resource(type: string, expression: string): Record<string, unknown> {
    const wanted = (this.wanted = new Set(expression.replace(/'[^']*'/g, '').match(/[A-Za-z]+/g) ?? []));
    this.literals = [...expression.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
    const resource: Record<string, unknown> = { resourceType: type, id: `r${this.int(1000)}` };
    const known = children(type);
    for (const child of known) {
      const focus = wanted.has(child.name);
      if (this.chance(focus ? 0.8 : child.name === 'extension' ? 0 : 0.05)) Object.assign(resource, this.element(child, 0));
    }
    // Members the expression reads that this type does not define (authoredOn on a MedicationStatement).
    for (const name of wanted) {
      if (known.some((c) => c.name === name || name.startsWith(c.name)) || !/^[a-z]/.test(name)) continue;
      if (this.chance(0.15)) resource[name] = this.chance(0.5) ? this.primitive() : [this.primitive()];
      if (this.chance(0.03)) resource[`_${name}`] = { extension: [{ url: 'x', valueString: 'y' }] };
    }
    return resource;
  }

  /** One element as JSON members: its value, sometimes a primitive extension, sometimes odd shapes. */
  private element(child: Child, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (child.choices) {
      const picks = this.chance(0.85) ? 1 : 2;
      const asked = child.choices.filter((c) => this.wanted.has(c) || this.wanted.has(c[0]!.toLowerCase() + c.slice(1)));
      for (let i = 0; i < picks; i++) {
        const type = asked.length > 0 && this.chance(0.6) ? this.pick(asked) : this.pick(child.choices);
        out[`${child.name}${type}`] = this.value(type[0]!.toLowerCase() + type.slice(1), `${child.name}${type}`, depth);
      }
      if (this.chance(0.03)) out[child.name] = this.primitive();
      if (this.chance(0.03)) out[`_${child.name}${this.pick(child.choices)}`] = { extension: [{ url: 'x', valueString: 'y' }] };
      return out;
    }
    const single = () => this.value(child.type!, child.path, depth);
    let value: unknown = child.repeating ? Array.from({ length: this.int(3) }, single) : single();
    if (Array.isArray(value) && value.length > 0 && this.chance(0.15)) value.push(this.chance(0.5) ? value[0] : null); // duplicates, nulls
    if (this.chance(0.04)) value = child.repeating ? single() : [single()]; // wrong cardinality
    if (this.chance(0.02)) value = [[single()]]; // nested array
    if (this.chance(0.03)) value = null;
    out[child.name] = value;
    if (this.chance(0.03)) out[`_${child.name}`] = { extension: [{ url: 'x', valueString: 'y' }] };
    return out;
  }

  private value(type: string, path: string, depth: number): unknown {
    if (this.chance(0.04)) return this.primitive(); // a string where an object belongs, and so on
    if (type === 'Resource') return this.chance(0.7) ? this.resource('Medication', 'code coding text') : this.resource('Substance', 'code');
    const kids = type === 'BackboneElement' || type === 'Element' ? children(path) : children(type);
    if (kids.length === 0 || depth >= 3) return this.primitiveOf(type);
    const object: Record<string, unknown> = {};
    for (const kid of kids) {
      // Extensions only where the expression reads them (every element has them; they would swamp the rest).
      const p = kid.name === 'extension' ? (this.wanted.has('extension') ? 0.6 : 0) : this.wanted.has(kid.name) ? 0.8 : kids.length > 6 ? 0.35 : 0.6;
      if (this.chance(p)) Object.assign(object, this.element(kid, depth + 1));
    }
    if (this.chance(0.05)) object.resourceType = 'Medication';
    return object;
  }

  private primitiveOf(type: string): unknown {
    switch (type) {
      case 'boolean':
        return this.chance(0.9) ? this.chance(0.5) : 'true';
      case 'integer':
      case 'decimal':
      case 'positiveInt':
      case 'unsignedInt':
        return this.chance(0.9) ? this.pick([0, 1, 2.5, -3, 8, 10, 1e21]) : '5';
      case 'date':
      case 'dateTime':
      case 'instant':
        return this.pick(['2025-06-01', '2025-06-01T09:00:00Z', '2025-06', '2025', '2025-06-01T09:00:00.000+02:00', 'not a date', '2025-13-45', '']);
      default:
        return this.primitive();
    }
  }

  private primitive(): unknown {
    if (this.literals.length > 0 && this.chance(0.3)) return this.pick(this.literals);
    return this.pick(['active', 'completed', 'L4-L5', 'naproxen 500 mg', '', '2025-06-01', 7, true, { text: 'x' }, { coding: [{ system: 's', code: 'c' }] }]);
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private chance(p: number): boolean {
    return this.next() < p;
  }

  private int(n: number): number {
    return Math.floor(this.next() * n);
  }

  private pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

interface Child {
  name: string;
  path: string;
  type?: string;
  choices?: string[];
  repeating: boolean;
}

const childCache = new Map<string, Child[]>();
const repeating = (r4model as unknown as { path2Repeating: Record<string, boolean> }).path2Repeating;

/** The elements directly under a model path (a type name or a backbone element's path). */
function children(parent: string): Child[] {
  let found = childCache.get(parent);
  if (found) return found;
  found = [];
  const prefix = `${parent}.`;
  for (const [p, type] of Object.entries(model.path2Type)) {
    const name = p.slice(prefix.length);
    if (!p.startsWith(prefix) || name.includes('.') || name === 'modifierExtension') continue;
    found.push({ name, path: p, type, repeating: repeating[p] === true });
  }
  for (const [p, choices] of Object.entries(model.choiceTypePaths)) {
    const name = p.slice(prefix.length);
    if (p.startsWith(prefix) && !name.includes('.')) found.push({ name, path: p, choices, repeating: false });
  }
  childCache.set(parent, found);
  return found;
}
