import type { CodeableConcept, FhirResource } from 'fhir/r4';
import { codingKey, conceptText } from '../fhir/code-systems';
import { normalizeReference } from '../fhir/references';
import type { ValueSetMatcher } from '../declarations/value-sets';
import type { TextBound } from './text-bound';

type AnyResource = FhirResource & Record<string, any>;

/**
 * A request's resources, indexed once: by type, by type and id, and (lazily, per type) by the codes of
 * each resource's main concept. Criteria and facts read from here; nothing re-parses or re-queries.
 * Keys are the strings the JSON already holds (type, id, system, code), in nested maps: building a
 * "Type/id" or "system|code" string per resource cost more than everything else the index does.
 */
export class ResourceIndex {
  private readonly byType = new Map<string, AnyResource[]>();
  private readonly byId = new Map<string, Map<string, AnyResource>>();
  /** type → system → code → resources, as each resource's main concept codes them (raw spelling). */
  private readonly codeIndex = new Map<string, Map<string, Map<string, AnyResource[]>>>();

  /** With a text bound, the text of main concepts matched against value sets is cut to it. */
  constructor(
    resources: Iterable<FhirResource>,
    private readonly bound?: TextBound,
  ) {
    for (const resource of resources) {
      const r = resource as AnyResource;
      if (r.id) {
        const id = typeof r.id === 'string' ? r.id : String(r.id);
        let ids = this.byId.get(r.resourceType);
        if (!ids) this.byId.set(r.resourceType, (ids = new Map()));
        if (ids.has(id)) continue; // the same resource from two prefetch keys
        ids.set(id, r);
      }
      let list = this.byType.get(r.resourceType);
      if (!list) this.byType.set(r.resourceType, (list = []));
      list.push(r);
    }
  }

  get size(): number {
    let n = 0;
    for (const list of this.byType.values()) n += list.length;
    return n;
  }

  ofType(type: string): FhirResource[] {
    return this.byType.get(type) ?? [];
  }

  resolve(reference: string | undefined): FhirResource | undefined {
    const ref = normalizeReference(reference);
    if (!ref) return undefined;
    const slash = ref.indexOf('/'); // "Type/id": the type has no slash
    return this.byId.get(ref.slice(0, slash))?.get(ref.slice(slash + 1));
  }

  /** Resources of `type` whose main concept is in one of the value sets (by code, or by text if asked). */
  candidates(type: string, valueSets: readonly ValueSetMatcher[], matchText: boolean): FhirResource[] {
    const chosen = new Set<AnyResource>();
    const answers = selectionAnswers(valueSets);
    for (const [system, codes] of this.codesOf(type)) {
      let bySystem = answers.bySystem.get(system);
      if (!bySystem) answers.bySystem.set(system, (bySystem = new Map()));
      for (const [code, resources] of codes) {
        let hit = bySystem.get(code);
        if (hit === undefined) {
          const key = codingKey({ system, code })!;
          hit = valueSets.some((vs) => vs.matchesKey(key));
          if (answers.size >= MAX_REMEMBERED_CODES) {
            answers.clear();
            answers.bySystem.set(system, (bySystem = new Map()));
          }
          bySystem.set(code, hit);
          answers.size++;
        }
        if (hit) for (const r of resources) chosen.add(r);
      }
    }
    if (matchText && valueSets.some((vs) => vs.hasText)) {
      // Many resources share a text (every refill of one drug): run the patterns once per distinct text.
      const matched = new Map<string, boolean>();
      let text = '';
      let first = true;
      let current: AnyResource;
      const addText = (concept: CodeableConcept) => {
        let own = conceptText(concept);
        if (this.bound && own.length > this.bound.maxChars) own = this.bound.text(own, `${current.resourceType}/${current.id ?? '?'}`, 'code');
        text = first ? own : `${text} ${own}`; // the concepts' texts joined by spaces
        first = false;
      };
      for (const r of this.byType.get(type) ?? []) {
        if (chosen.has(r)) continue;
        current = r;
        text = '';
        first = true;
        this.eachMainConcept(r, addText);
        if (!text) continue;
        let hit = matched.get(text);
        if (hit === undefined) matched.set(text, (hit = valueSets.some((vs) => vs.matchesText(text))));
        if (hit) chosen.add(r);
      }
    }
    // Keep record order stable (the order the EHR sent them in).
    return (this.byType.get(type) ?? []).filter((r) => chosen.has(r));
  }

  private codesOf(type: string): Map<string, Map<string, AnyResource[]>> {
    let index = this.codeIndex.get(type);
    if (index) return index;
    const built = new Map<string, Map<string, AnyResource[]>>();
    let r: AnyResource;
    const addCodes = (concept: CodeableConcept) => {
      for (const coding of Array.isArray(concept.coding) ? concept.coding : []) {
        const { system, code } = coding ?? {};
        if (typeof code !== 'string' || typeof system !== 'string') continue; // as codingKey: both parts or nothing
        let codes = built.get(system);
        if (!codes) built.set(system, (codes = new Map()));
        let list = codes.get(code);
        if (!list) codes.set(code, (list = []));
        if (list[list.length - 1] !== r) list.push(r);
      }
    };
    for (r of this.byType.get(type) ?? []) this.eachMainConcept(r, addCodes);
    this.codeIndex.set(type, (index = built));
    return index;
  }

  /** The concept(s) that say what a resource is about. Medication orders resolve their Medication. */
  mainConcepts(r: AnyResource): CodeableConcept[] {
    const concepts: CodeableConcept[] = [];
    this.eachMainConcept(r, (c) => concepts.push(c));
    return concepts;
  }

  /** mainConcepts one by one, without an array per resource (the index visits every resource of a type). */
  private eachMainConcept(r: AnyResource, visit: (concept: CodeableConcept) => void): void {
    switch (r.resourceType) {
      case 'MedicationRequest':
      case 'MedicationStatement':
      case 'MedicationDispense':
      case 'MedicationAdministration': {
        offer(r.medicationCodeableConcept, visit);
        const ref = r.medicationReference?.reference;
        if (typeof ref === 'string' && ref.startsWith('#')) {
          const contained = Array.isArray(r.contained) ? (r.contained as AnyResource[]).find((c) => `#${c?.id}` === ref) : undefined;
          offer(contained?.code, visit);
        } else if (typeof ref === 'string') {
          offer((this.resolve(ref) as AnyResource | undefined)?.code, visit);
        }
        if (typeof r.medicationReference?.display === 'string') offer({ text: r.medicationReference.display }, visit);
        break;
      }
      case 'Device':
        offer(r.type, visit);
        if (Array.isArray(r.deviceName)) for (const n of r.deviceName) if (typeof n?.name === 'string') offer({ text: n.name }, visit);
        break;
      case 'Coverage':
        offer(r.type, visit);
        break;
      case 'ImagingStudy':
        if (Array.isArray(r.procedureCode)) for (const c of r.procedureCode) offer(c, visit);
        if (typeof r.description === 'string') offer({ text: r.description }, visit);
        break;
      default:
        offer(r.code, visit);
    }
  }
}

/**
 * Whether a code is in a fact's selection (any of its value sets), per raw system and code as the data
 * spells them: the same codes come back on every resource and every request, and a declaration's answer
 * never changes, so no request builds a canonical key for a code already answered. One entry per
 * declared selection (its value-set list, made once at start-up); bounded, emptied when full.
 */
interface SelectionAnswers {
  bySystem: Map<string, Map<string, boolean>>;
  size: number;
  clear(): void;
}

const MAX_REMEMBERED_CODES = 10_000;
const answersBySelection = new WeakMap<readonly ValueSetMatcher[], SelectionAnswers>();

function selectionAnswers(valueSets: readonly ValueSetMatcher[]): SelectionAnswers {
  let answers = answersBySelection.get(valueSets);
  if (!answers) {
    const created: SelectionAnswers = {
      bySystem: new Map(),
      size: 0,
      clear() {
        created.bySystem.clear();
        created.size = 0;
      },
    };
    answersBySelection.set(valueSets, (answers = created));
  }
  return answers;
}

/** A concept is an object (not null, not an array): anything else the EHR sent there is skipped. */
function offer(value: unknown, visit: (concept: CodeableConcept) => void): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) visit(value as CodeableConcept);
}
