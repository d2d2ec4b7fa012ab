/**
 * One server-side DOM (d3-node / jsdom) shared by every drawing of a run, and a small,
 * fast XML serializer for the SVG it builds. Creating a jsdom per picture costs tens of
 * milliseconds; reusing one and detaching each SVG after serializing keeps 200 timelines
 * well under a second.
 *
 * Text reaches the DOM only through d3's `.text()` / `.attr()` (never markup), and the
 * serializer escapes it, so capture data cannot become SVG elements.
 */
import { D3Node } from 'd3-node';
import type * as D3 from 'd3';

export type Svg = D3.Selection<any, unknown, null, undefined>;
export type G = D3.Selection<any, unknown, null, undefined>;

let shared: D3Node | undefined;

function node(): D3Node {
  shared ??= new D3Node();
  return shared;
}

export function d3(): typeof D3 {
  return node().d3;
}

/** Builds one SVG in the shared document and returns it as well-formed XML. */
export function renderSvg(width: number, height: number, build: (svg: Svg) => void, attrs: Record<string, string | number> = {}): string {
  const n = node();
  // built detached from the document: no mutation records or query caches to update
  const svg: Svg = n.d3.select(n.document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
  svg
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img');
  for (const [k, v] of Object.entries(attrs)) svg.attr(k, v);
  try {
    build(svg);
    // the build may have grown the picture
    return serialize(svg.node());
  } finally {
    svg.remove();
  }
}

/** Text safe for XML 1.0: control characters and lone surrogates are shown as \xNN / \uNNNN. */
export function xmlText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

const TEXT_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTR_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\n': '&#10;', '\t': '&#9;', '\r': '&#13;' };

function escText(s: string): string {
  return xmlText(s).replace(/[&<>]/g, (c) => TEXT_ESC[c]!);
}
function escAttr(s: string): string {
  return xmlText(s).replace(/[&<>"\n\t\r]/g, (c) => ATTR_ESC[c]!);
}

const ELEMENT = 1;
const TEXT = 3;

/** XML serialization of an element subtree (elements, attributes, text; nothing else is created). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function serialize(el: any): string {
  const out: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const walk = (n: any): void => {
    if (n.nodeType === TEXT) {
      out.push(escText(n.data));
      return;
    }
    if (n.nodeType !== ELEMENT) return;
    const tag: string = n.localName;
    let s = '<' + tag;
    const attrs = n.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i];
      s += ` ${a.name}="${escAttr(a.value)}"`;
    }
    const kids = n.childNodes;
    if (kids.length === 0) {
      out.push(s + '/>');
      return;
    }
    out.push(s + '>');
    for (let i = 0; i < kids.length; i++) walk(kids[i]);
    out.push(`</${tag}>`);
  };
  walk(el);
  return out.join('');
}
