import fs from 'node:fs';
import path from 'node:path';
import facetDefinition from '../../cds-services/facet-joint-interventions';
import { loadServices } from '../../src/declarations/load';

/** The README's reference tables stay true to the code they describe. */
const ROOT = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`## ${title}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README', () => {
  it('opens with the set-up commands', () => {
    expect(readme).toMatch(/^# facet-cds\n[\s\S]*?```sh\nnpm ci\nnpm start[^\n]*\n```\n\n```sh\nnpm test[^\n]*\n```/);
  });

  it('documents every environment variable src/config.ts reads, and no other', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src', 'config.ts'), 'utf8');
    const read = new Set([...source.matchAll(/env\.([A-Z_]+)|env, '([A-Z_]+)'/g)].map((m) => m[1] ?? m[2]));
    const documented = new Set([...section('Configuration').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...read].sort());
  });

  it('lists the prefetch keys the service declares, with their templates and whether they are required', () => {
    const rows = [...section('Connecting an EHR').matchAll(/^\s*\| `([A-Za-z]+)` \| `([^`]+)` \| (yes|no) \|$/gm)].map((m) => [m[1], m[2], m[3] === 'yes']);
    const declared = Object.entries(facetDefinition.service.prefetch).map(([key, p]) => [key, p.template, p.required]);
    expect(rows).toEqual(declared);
  });

  it('keeps the testing material in a Testing section after Try it, not between the set-up commands and Try it', () => {
    const order = ['## Try it\n', '## Testing\n', '## Configuration\n'].map((h) => readme.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(readme.slice(0, order[0])).not.toMatch(/TEST_DATABASE_URL|REQUIRE_POSTGRES|start-postgres/);
  });

  it('lists the sandbox API routes the test page uses', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src', 'dev', 'sandbox-router.ts'), 'utf8');
    const routes = [...source.matchAll(/router\.get\('(\/api\/[^']+)'/g)].map((m) => `GET /sandbox${m[1]!.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) expect(section('API')).toContain(`| \`${route}\` |`);
  });

  it('documents every npm script a newcomer runs', () => {
    const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    for (const name of ['demo', 'load-patients', 'fhir-server', 'evaluate', 'report']) {
      expect(scripts).toContain(name);
      expect(readme).toContain(`npm run ${name}`);
    }
  });

  it('tables every hook the service answers with the service id discovery gives it', () => {
    const rows = [...section('Hooks').matchAll(/^\| `([a-z-]+)` \| `([a-z-]+)` \|/gm)].map((m) => [m[1], m[2]]);
    const served = loadServices().flatMap((s) => s.hooks.map((h) => [h.hook.name, h.id]));
    expect(rows).toEqual(served);
  });

  it('names the Da Vinci CRD versions the service declares in discovery', () => {
    expect(section('Connecting an EHR')).toContain(`(\`davinci-crd.version\`: \`${JSON.stringify(facetDefinition.service.crd.versions)}\`)`);
  });
});
