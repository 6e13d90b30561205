/*
 * A small, safe renderer for the GitHub-flavoured markdown CDS cards carry in `detail`: paragraphs,
 * bullet and numbered lists, headings, **bold**, *italic*, `code`, [links](https://...), backslash
 * escapes and the HTML entities a service uses to keep "<" literal. Raw HTML is shown as text, never
 * parsed: the tree is built with createElement and textContent only, and links must be http(s).
 * parse() is pure (unit-tested under Node); toDom() builds the elements in the browser.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.SandboxMarkdown = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#39': "'", nbsp: '\u00a0' };
  var PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

  /** Blocks: {type:'p'|'h', level?, inlines} and {type:'ul'|'ol', items: inlines[]}; an indented bullet is a {type:'br'} and its text in the item above. */
  function parse(source) {
    var blocks = [];
    var paragraph = [];
    var list = null;
    var flushParagraph = function () {
      if (paragraph.length > 0) blocks.push({ type: 'p', inlines: inline(paragraph.join(' ')) });
      paragraph = [];
    };
    var flushList = function () {
      if (list) blocks.push(list);
      list = null;
    };
    String(source || '')
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .forEach(function (raw) {
        var text = raw.trim();
        var bullet = /^[-*+]\s+(.*)$/.exec(text);
        var numbered = /^\d{1,9}[.)]\s+(.*)$/.exec(text);
        var heading = /^(#{1,6})\s+(.*?)\s*#*$/.exec(text);
        if (text === '') {
          flushParagraph();
          flushList();
        } else if (bullet && list && /^\s{2,}/.test(raw)) {
          // an indented bullet (a card's "  - Evidence: ...") is a line of its own inside the last list item
          var parent = list.items[list.items.length - 1];
          list.items[list.items.length - 1] = parent.concat([{ type: 'br' }], inline(bullet[1]));
        } else if (bullet || numbered) {
          flushParagraph();
          var type = bullet ? 'ul' : 'ol';
          if (list && list.type !== type) flushList();
          if (!list) list = { type: type, items: [] };
          list.items.push(inline((bullet || numbered)[1]));
        } else if (heading) {
          flushParagraph();
          flushList();
          blocks.push({ type: 'h', level: heading[1].length, inlines: inline(heading[2]) });
        } else if (list && /^\s{2,}/.test(raw)) {
          // an indented continuation line belongs to the last list item
          var last = list.items[list.items.length - 1];
          list.items[list.items.length - 1] = last.concat([{ type: 'text', text: ' ' }], inline(text));
        } else {
          flushList();
          paragraph.push(text);
        }
      });
    flushParagraph();
    flushList();
    return blocks;
  }

  /** Inline nodes: {type:'text', text}, {type:'strong'|'em', children}, {type:'code', text}, {type:'link', href, children}. */
  function inline(text) {
    var nodes = [];
    var buffer = '';
    var pos = 0;
    var push = function (node) {
      if (buffer) nodes.push({ type: 'text', text: buffer });
      buffer = '';
      nodes.push(node);
    };
    while (pos < text.length) {
      var ch = text.charAt(pos);
      var rest = text.slice(pos);
      if (ch === '\\' && pos + 1 < text.length && PUNCTUATION.indexOf(text.charAt(pos + 1)) !== -1) {
        buffer += text.charAt(pos + 1);
        pos += 2;
        continue;
      }
      if (ch === '&') {
        var entity = /^&(lt|gt|amp|quot|apos|#39|nbsp);/.exec(rest);
        if (entity) {
          buffer += ENTITIES[entity[1]];
          pos += entity[0].length;
          continue;
        }
      }
      if (ch === '`') {
        var close = text.indexOf('`', pos + 1);
        if (close !== -1) {
          push({ type: 'code', text: text.slice(pos + 1, close) });
          pos = close + 1;
          continue;
        }
      }
      if (ch === '[') {
        var link = /^\[((?:\\.|[^\]\\])*)\]\((https?:\/\/[^\s()<>]+)\)/.exec(rest);
        if (link) {
          push({ type: 'link', href: link[2], children: inline(link[1]) });
          pos += link[0].length;
          continue;
        }
      }
      if ((ch === '*' || ch === '_') && (ch === '*' || !/[A-Za-z0-9]/.test(text.charAt(pos - 1) || ''))) {
        var double = text.charAt(pos + 1) === ch;
        var marker = double ? ch + ch : ch;
        // GFM flanking: emphasis opens before a non-space and closes after one ("3 * 4" stays text)
        var opens = /\S/.test(text.charAt(pos + marker.length));
        var end = opens ? findClosing(text, pos + marker.length, marker) : -1;
        if (end > pos + marker.length) {
          push({ type: double ? 'strong' : 'em', children: inline(text.slice(pos + marker.length, end)) });
          pos = end + marker.length;
          continue;
        }
      }
      buffer += ch;
      pos++;
    }
    if (buffer) nodes.push({ type: 'text', text: buffer });
    return nodes;
  }

  /** Where an emphasis run opened at `from` closes, skipping escaped characters; -1 if it does not. */
  function findClosing(text, from, marker) {
    for (var k = from; k <= text.length - marker.length; k++) {
      if (text.charAt(k) === '\\') {
        k++;
        continue;
      }
      if (text.substr(k, marker.length) === marker && /\S/.test(text.charAt(k - 1)) && (marker.length === 2 || text.charAt(k + 1) !== marker)) return k;
    }
    return -1;
  }

  /** The blocks as DOM nodes (createElement/textContent only). */
  function toDom(blocks, doc) {
    var fragment = doc.createDocumentFragment();
    blocks.forEach(function (block) {
      var element;
      if (block.type === 'ul' || block.type === 'ol') {
        element = doc.createElement(block.type);
        block.items.forEach(function (item) {
          var li = doc.createElement('li');
          appendInlines(li, item, doc);
          element.appendChild(li);
        });
      } else {
        // headings inside a card stay below the card's own heading level
        element = doc.createElement(block.type === 'h' ? 'h' + Math.min(6, block.level + 3) : 'p');
        appendInlines(element, block.inlines, doc);
      }
      fragment.appendChild(element);
    });
    return fragment;
  }

  function appendInlines(parent, nodes, doc) {
    nodes.forEach(function (node) {
      if (node.type === 'text') parent.appendChild(doc.createTextNode(node.text));
      else if (node.type === 'br') parent.appendChild(doc.createElement('br'));
      else if (node.type === 'code') {
        var code = doc.createElement('code');
        code.textContent = node.text;
        parent.appendChild(code);
      } else if (node.type === 'link') {
        var a = doc.createElement('a');
        a.href = node.href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        appendInlines(a, node.children, doc);
        parent.appendChild(a);
      } else {
        var el = doc.createElement(node.type);
        appendInlines(el, node.children, doc);
        parent.appendChild(el);
      }
    });
  }

  function render(source, doc) {
    return toDom(parse(source), doc);
  }

  return { parse: parse, inline: inline, toDom: toDom, render: render };
});
