/**
 * The order-entry page's markdown renderer (public/sandbox/markdown.js): the GFM subset cards use, and
 * nothing executable whatever a card says.
 */
const Markdown = require('../../public/sandbox/markdown.js') as {
  parse(source: string): Block[];
  inline(text: string): Inline[];
  toDom(blocks: Block[], doc: FakeDocument): FakeNode;
};

type Inline = { type: string; text?: string; href?: string; children?: Inline[] };
type Block = { type: string; level?: number; inlines?: Inline[]; items?: Inline[][] };

/** Just enough of a DOM to see what toDom builds: elements, attributes and text nodes. */
interface FakeNode {
  tag: string;
  text?: string;
  attributes: Record<string, string>;
  children: FakeNode[];
  appendChild(child: FakeNode): void;
  [property: string]: unknown;
}
interface FakeDocument {
  createElement(tag: string): FakeNode;
  createTextNode(text: string): FakeNode;
  createDocumentFragment(): FakeNode;
}
const fakeDocument: FakeDocument = {
  createElement: (tag) => node(tag),
  createTextNode: (text) => ({ ...node('#text'), text }),
  createDocumentFragment: () => node('#fragment'),
};
function node(tag: string): FakeNode {
  const n: FakeNode = {
    tag,
    attributes: {},
    children: [],
    appendChild(child) {
      n.children.push(child);
    },
  };
  return new Proxy(n, {
    set(target, property, value) {
      if (property === 'textContent') target.children = [{ ...node('#text'), text: String(value) }];
      else if (typeof property === 'string' && !(property in target)) target.attributes[property] = String(value);
      else (target as Record<string, unknown>)[property as string] = value;
      return true;
    },
  });
}
function tags(n: FakeNode): string[] {
  return [n.tag, ...n.children.flatMap(tags)];
}
function text(n: FakeNode): string {
  return n.text ?? n.children.map(text).join('');
}

describe('sandbox markdown renderer', () => {
  it('reads paragraphs, bullet and numbered lists, and headings', () => {
    const blocks = Markdown.parse('**Not covered** under CP.MP.171.\n\nRead as:\n\n- one\n- two\n\n1. first\n2. second\n\n## Notes');
    expect(blocks.map((b) => b.type)).toEqual(['p', 'p', 'ul', 'ol', 'h']);
    expect(blocks[2]!.items).toEqual([[{ type: 'text', text: 'one' }], [{ type: 'text', text: 'two' }]]);
    expect(blocks[4]).toEqual({ type: 'h', level: 2, inlines: [{ type: 'text', text: 'Notes' }] });
  });

  it('shows an indented bullet (a criterion\'s evidence) on a line of its own inside the item above it', () => {
    const [list] = Markdown.parse('- Fluoroscopic or CT guidance: ultrasound\n  - Evidence: CPT 0216T.\n- Next');
    expect(list!.items).toEqual([
      [{ type: 'text', text: 'Fluoroscopic or CT guidance: ultrasound' }, { type: 'br' }, { type: 'text', text: 'Evidence: CPT 0216T.' }],
      [{ type: 'text', text: 'Next' }],
    ]);
  });

  it('joins the lines of a paragraph and keeps blank lines as paragraph breaks', () => {
    expect(Markdown.parse('one\ntwo\n\nthree').map((b) => b.inlines)).toEqual([[{ type: 'text', text: 'one two' }], [{ type: 'text', text: 'three' }]]);
  });

  it('reads bold, italic, code, links and the escapes a service emits for chart text', () => {
    expect(Markdown.inline('**Met** · I.A.1 \\*not bold\\* a\\_b snake_case_name *em* `x*y` [policy](https://example.org/p.pdf)')).toEqual([
      { type: 'strong', children: [{ type: 'text', text: 'Met' }] },
      { type: 'text', text: ' · I.A.1 *not bold* a_b snake_case_name ' },
      { type: 'em', children: [{ type: 'text', text: 'em' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'x*y' },
      { type: 'text', text: ' ' },
      { type: 'link', href: 'https://example.org/p.pdf', children: [{ type: 'text', text: 'policy' }] },
    ]);
    expect(Markdown.inline('3 * 4 and a lone ** pair')).toEqual([{ type: 'text', text: '3 * 4 and a lone ** pair' }]);
  });

  it('shows HTML as text and never makes a link of anything but http(s)', () => {
    const source = '<script>alert(1)</script> &lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1)) [y](data:text/html,hi)';
    const fragment = Markdown.toDom(Markdown.parse(source), fakeDocument);
    expect(tags(fragment)).toEqual(['#fragment', 'p', '#text']);
    expect(text(fragment)).toBe('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](data:text/html,hi)');
  });

  it('builds elements from the allowed set only, links opening safely in a new tab', () => {
    const fragment = Markdown.toDom(Markdown.parse('# Title\n\n**a** *b* `c` [d](https://e.org)\n\n- f\n\n1. g'), fakeDocument);
    expect(new Set(tags(fragment))).toEqual(new Set(['#fragment', 'h4', 'p', 'strong', 'em', 'code', 'a', 'ul', 'ol', 'li', '#text']));
    const link = fragment.children[1]!.children.find((c) => c.tag === 'a')!;
    expect(link.attributes).toEqual({ href: 'https://e.org', target: '_blank', rel: 'noopener noreferrer' });
  });
});
