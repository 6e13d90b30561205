import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SERVICES_DIR, compileService, hookServiceId, loadServices } from '../../src/declarations/load';
import type { ServiceDefinition } from '../../src/declarations/types';
import { StartupError } from '../../src/errors';
import facetDefinition from '../../cds-services/facet-joint-interventions';

/**
 * Declarations are loaded, validated and compiled at start-up; anything broken stops start-up with
 * its name (issue 2, item 6). Broken declarations here are copies built in the test: the real one is
 * never edited.
 */
function copy(change: (d: ServiceDefinition<unknown>) => void): ServiceDefinition<unknown> {
  const definition = { ...facetDefinition, service: structuredClone(facetDefinition.service), facts: structuredClone(facetDefinition.facts), valueSets: structuredClone(facetDefinition.valueSets) } as ServiceDefinition<unknown>;
  change(definition);
  return definition;
}

describe('loadServices', () => {
  it('loads every service folder under cds-services/, compiled', () => {
    const services = loadServices();
    expect(DEFAULT_SERVICES_DIR).toBe(path.resolve(__dirname, '../../cds-services'));
    expect(services.map((s) => s.id)).toEqual(['facet-joint-interventions']);
    const [service] = services;
    expect(service!.facts.length).toBe(Object.keys(facetDefinition.facts).length);
    expect(Object.keys(service!.valueSets)).toEqual(Object.keys(facetDefinition.valueSets));
  });

  it('refuses a folder that does not exist', () => {
    expect(() => loadServices('/nonexistent/cds-services')).toThrow(new StartupError('service declarations folder not found: /nonexistent/cds-services'));
  });

  describe('with a broken declaration in its folder', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-services-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A service folder whose index loads the real declaration and breaks a copy of it. */
    function folder(name: string, breakIt: string): void {
      fs.mkdirSync(path.join(dir, name));
      const real = path.resolve(__dirname, '../../cds-services/facet-joint-interventions');
      fs.writeFileSync(
        path.join(dir, name, 'index.js'),
        `const real = require(${JSON.stringify(real)}).default;
const copy = { ...real, service: structuredClone(real.service), facts: structuredClone(real.facts) };
${breakIt}
module.exports = { default: copy };\n`,
      );
    }

    it('stops with the name of a fact expression that does not compile', () => {
      folder('facet-joint-interventions', "copy.facts.observations.fields.valueNumber = 'value.ofType(Quantity).value +';");
      expect(() => loadServices(dir)).toThrow(/^FHIRPath expression facet-joint-interventions\.observations\.valueNumber does not compile/);
    });

    it('stops when a folder\'s service id does not match its name', () => {
      folder('facet-joints', '');
      expect(() => loadServices(dir)).toThrow(new StartupError('cds-services/facet-joints: service id "facet-joint-interventions" must match its folder name'));
    });

    it('stops when the index does not export a definition', () => {
      fs.mkdirSync(path.join(dir, 'empty'));
      fs.writeFileSync(path.join(dir, 'empty', 'index.js'), 'module.exports = {};\n');
      expect(() => loadServices(dir)).toThrow('cds-services/empty: index must export default a ServiceDefinition');
    });

    it('skips folders without an index module', () => {
      fs.mkdirSync(path.join(dir, 'notes'));
      expect(loadServices(dir)).toEqual([]);
    });
  });
});

describe('compileService', () => {
  it('compiles the real declaration: one CDS service per hook, the first at the declaration\'s id, the others at <id>-<hook>', () => {
    const service = compileService(facetDefinition);
    expect(service.hooks.map((h) => [h.hook.name, h.id])).toEqual([
      ['order-sign', 'facet-joint-interventions'],
      ['order-select', 'facet-joint-interventions-order-select'],
      ['order-dispatch', 'facet-joint-interventions-order-dispatch'],
      ['appointment-book', 'facet-joint-interventions-appointment-book'],
    ]);
    expect(service.hooks[0]!.discovery).toMatchObject({ hook: 'order-sign', id: 'facet-joint-interventions' });
    expect(hookServiceId(facetDefinition.service, 'order-dispatch')).toBe('facet-joint-interventions-order-dispatch');
  });

  it('gives each hook the prefetch its context can fill; a required key a hook cannot fill stops start-up', () => {
    const withUserToken = copy((d) => (d.service.prefetch.practitioner = { template: '{{context.userId}}', required: false, description: 'The ordering clinician' }));
    const service = compileService(withUserToken);
    // order-dispatch has no userId in its context: the key is not in its discovery entry.
    expect(Object.keys(service.hooks.find((h) => h.hook.name === 'order-dispatch')!.prefetch)).not.toContain('practitioner');
    expect(Object.keys(service.hooks.find((h) => h.hook.name === 'order-sign')!.prefetch)).toContain('practitioner');
    const required = copy((d) => (d.service.prefetch.practitioner = { template: 'Practitioner/{{userPractitionerId}}', required: true, description: 'x' }));
    expect(() => compileService(required)).toThrow('service facet-joint-interventions: required prefetch.practitioner uses a token the order-dispatch context does not have');
  });

  it.each<[string, (d: ServiceDefinition<unknown>) => void, RegExp]>([
    ['a broken FHIRPath field', (d) => (d.facts.conditions!.fields.onset = 'onset.ofType(dateTime'), /^FHIRPath expression facet-joint-interventions\.conditions\.onset does not compile/],
    ['a fact selecting an unknown value set', (d) => (d.facts.procedures!.select = { valueSets: ['physicalTherapyTypo'] }), /facet-joint-interventions fact "procedures": select names unknown value set "physicalTherapyTypo"/],
    ['a prefetch template with a CDS Hooks 3.0 token', (d) => (d.service.prefetch.conditions!.template = 'Condition?patient={{context.patientId}}&onset-date=ge{{today() - 365 days}}'), /prefetch\.conditions uses "\{\{today\(\) - 365 days\}\}", which is not a CDS Hooks 2\.0 prefetch token/],
    ['a scope naming an unknown value set', (d) => (d.service.scope.valueSet = 'facetCodes'), /service facet-joint-interventions: scope names unknown value set "facetCodes"/],
    ['a value set text pattern that is not a regular expression', (d) => (d.valueSets.facetDenervationText!.textPatterns = ['(facet']), /value set facetDenervationText: bad text pattern "\(facet"/],
    [
      'a value set text pattern that backtracks super-linearly (an unbounded wildcard between groups)',
      (d) => (d.valueSets.facetDenervationText!.textPatterns = ['(facet|medial branch)[\\s\\S]*(denervat|neurotom)']),
      /^service facet-joint-interventions: value set facetDenervationText: text pattern "\(facet\|medial branch\)\[\\\\s\\\\S\]\*\(denervat\|neurotom\)" can take super-linear time: the unbounded "\[\\s\\S\]\*"/,
    ],
    ['a value set text pattern with nested quantifiers', (d) => (d.valueSets.nsaids!.textPatterns = ['(ibu|pro)+fen', '(\\w+\\s?)+$']), /^service facet-joint-interventions: value set nsaids: text pattern "\(ibu\|pro\)\+fen" can take super-linear time: alternatives under an unbounded quantifier/],
    ['a value set pattern group that is empty', (d) => (d.valueSets.spineImaging!.textPatterns = [[]]), /^service facet-joint-interventions: value set spineImaging: each text pattern is a string, or a non-empty array of strings that must all occur; got \[\]/],
    ['an order limit of 0', (d) => (d.service.limits = { maxInScopeOrders: 0 }), /^service facet-joint-interventions: limits\.maxInScopeOrders must be a whole number from 1 to 1000, got 0/],
    ['a text bound that is not a number', (d) => (d.service.limits = { maxTextCharsPerField: '10k' as never }), /^service facet-joint-interventions: limits\.maxTextCharsPerField must be a whole number from 100 to 1000000, got "10k"/],
    ['an unknown limit', (d) => (d.service.limits = { maxOrders: 5 } as never), /^service facet-joint-interventions: limits\.maxOrders is not a known limit \(maxInScopeOrders, maxOrderReferences, maxTextCharsPerField\)/],
    ['a reference limit over its bound', (d) => (d.service.limits = { maxOrderReferences: 10_001 }), /^service facet-joint-interventions: limits\.maxOrderReferences must be a whole number from 1 to 10000, got 10001/],
    ['a value set range out of order', (d) => (d.valueSets.facetProcedureCodes!.include![0]!.ranges = [['64495', '64490']]), /value set facetProcedureCodes: range \[64495, 64490\] must be two same-length codes in order/],
    ['a missing policy URL', (d) => ((d.service.policy as { url?: string }).url = ''), /service facet-joint-interventions: policy\.url is required/],
    ['an id that is not lower-case', (d) => (d.service.id = 'Facet_Joints'), /id must be lower-case letters, digits and hyphens/],
    ['no CRD version', (d) => (d.service.crd.versions = []), /crd\.versions must list at least one CRD version as "major\.minor"/],
    ['a CRD version with a patch number', (d) => (d.service.crd.versions = ['2.2.1']), /crd\.versions must list at least one CRD version as "major\.minor"/],
    ['a configuration option without a default', (d) => delete (d.service.crd.configurationOptions[0] as { default?: unknown }).default, /configuration option coverage-info needs code, type, name, description and default/],
    ['no hooks', (d) => (d.service.hooks = []), /hooks must list the CDS hooks the service answers/],
    ['a hook the engine does not serve', (d) => (d.service.hooks = ['order-sign', 'patient-view']), /hook "patient-view" is not one this engine serves \(order-sign, order-select, order-dispatch, appointment-book\)/],
    ['a hook listed twice', (d) => (d.service.hooks = ['order-sign', 'order-sign']), /hooks lists a hook twice/],
    ['a CRD version the engine has no profile for', (d) => (d.service.crd.versions = ['2.1', '2.2']), /CRD version 2\.1 is not one this engine answers in \(2\.0, 2\.2\)/],
  ])('stops start-up on %s, naming it', (_what, breakIt, message) => {
    const broken = copy(breakIt);
    expect(() => compileService(broken)).toThrow(StartupError);
    expect(() => compileService(broken)).toThrow(message);
  });

  it('fills in the limits a declaration leaves out', () => {
    expect(compileService(copy((d) => delete d.service.limits)).limits).toEqual({ maxInScopeOrders: 50, maxOrderReferences: 100, maxTextCharsPerField: 10_000 });
    expect(compileService(copy((d) => (d.service.limits = { maxInScopeOrders: 5 }))).limits).toEqual({ maxInScopeOrders: 5, maxOrderReferences: 100, maxTextCharsPerField: 10_000 });
  });

  it('stops start-up on a criterion depending on an undeclared prefetch key', () => {
    const [first, ...rest] = facetDefinition.policy.criteria;
    const broken = copy((d) => (d.policy = { ...facetDefinition.policy, criteria: [{ ...first!, dependsOn: ['encounters'] }, ...rest] } as never));
    expect(() => compileService(broken)).toThrow(`service facet-joint-interventions: criterion ${first!.id} depends on unknown prefetch key "encounters"`);
  });

  it('stops start-up on two criteria with one id', () => {
    const [first, ...rest] = facetDefinition.policy.criteria;
    const broken = copy((d) => (d.policy = { ...facetDefinition.policy, criteria: [first!, first!, ...rest] } as never));
    expect(() => compileService(broken)).toThrow(`criterion id "${first!.id}" is used twice`);
  });

  it('leaves the real declaration untouched', () => {
    expect(facetDefinition.facts.conditions!.fields.onset).toBe('onset.ofType(dateTime) | onset.ofType(Period).start');
    expect(() => compileService(facetDefinition)).not.toThrow();
  });
});
