import type { FhirResource, ParametersParameter } from 'fhir/r4';
import { BadRequestError } from '../errors';
import { FHIR_ID } from '../fhir/references';

/**
 * Reading a FHIR Parameters body: every part found by name, with the element path of each for the error
 * that names it (`Parameters.parameter[2].resource`). Anything malformed is a 400 OperationOutcome.
 */
export interface Part {
  at: string;
  part: ParametersParameter;
}

export class ParametersBody {
  private constructor(private readonly parts: Part[]) {}

  static read(body: unknown, operation: string): ParametersBody {
    const b = body as { resourceType?: unknown; parameter?: unknown } | null;
    if (!b || typeof b !== 'object' || Array.isArray(b) || b.resourceType !== 'Parameters') {
      throw new BadRequestError(`${operation} takes a FHIR Parameters resource (resourceType "Parameters")`, 'Parameters', 'structure');
    }
    if (b.parameter !== undefined && !Array.isArray(b.parameter)) throw new BadRequestError('Parameters.parameter must be a list', 'Parameters.parameter', 'structure');
    const parts = ((b.parameter as unknown[]) ?? []).map((part, i) => {
      const at = `Parameters.parameter[${i}]`;
      if (!part || typeof part !== 'object' || Array.isArray(part) || typeof (part as ParametersParameter).name !== 'string') throw new BadRequestError(`${at} must be an object with a name`, `${at}.name`, 'structure');
      return { at, part: part as ParametersParameter };
    });
    return new ParametersBody(parts);
  }

  named(name: string): Part[] {
    return this.parts.filter((p) => p.part.name === name);
  }

  /** Parts named `name`, each carrying a resource of one of these types with a FHIR id. */
  resources<T extends FhirResource>(name: string, types: string[]): Array<{ at: string; resource: T }> {
    return this.named(name).map(({ at, part }) => {
      const resource = part.resource as FhirResource | undefined;
      if (!resource || typeof resource !== 'object' || !types.includes(resource.resourceType)) {
        throw new BadRequestError(`${at} (${name}) must carry a ${types.join(' or ')} resource in "resource"`, `${at}.resource`, 'required');
      }
      if (typeof resource.id !== 'string' || !FHIR_ID.test(resource.id)) throw new BadRequestError(`${at}.resource (${resource.resourceType}) needs a FHIR id`, `${at}.resource.id`, 'required');
      return { at: `${at}.resource`, resource: resource as T };
    });
  }

  /** The one string-like value (valueString, valueUri, valueUrl, valueCanonical, valueCode) of a part named `name`, if given. */
  optionalString(name: string): { at: string; value: string } | undefined {
    const found = this.named(name);
    if (found.length > 1) throw new BadRequestError(`Parameter "${name}" is given ${found.length} times; give it once`, found[1]!.at, 'structure');
    return found[0] ? { at: found[0].at, value: stringValue(found[0]) } : undefined;
  }

  strings(name: string): Array<{ at: string; value: string }> {
    return this.named(name).map((p) => ({ at: p.at, value: stringValue(p) }));
  }
}

function stringValue({ at, part }: Part): string {
  const value = part.valueString ?? part.valueUri ?? part.valueUrl ?? part.valueCanonical ?? part.valueCode;
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestError(`${at} (${part.name}) needs a non-empty value (valueString, valueUri, valueUrl or valueCanonical)`, at, 'required');
  return value.trim();
}
