import type { Bundle, BundleEntry, FhirResource } from 'fhir/r4';

/**
 * A searchset Bundle of `entries`: FHIR JSON has no empty arrays (an array is absent or has an element),
 * so a search that finds nothing is `total: 0` without `entry`.
 */
export function searchsetBundle(entries: Array<BundleEntry<FhirResource>>): Bundle {
  return { resourceType: 'Bundle', type: 'searchset', total: entries.length, ...(entries.length > 0 ? { entry: entries } : {}) };
}
