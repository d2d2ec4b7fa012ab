/**
 * Escaping for everything that reaches the HTML report. Capture data (HTTP paths,
 * hosts, reasons, file names) is untrusted: it may hold `<script>`, quotes or control
 * characters. Templates build markup with the `html` tag below, which escapes every
 * interpolated value unless it is already `SafeHtml` (markup this program produced).
 */

/** Markup produced by this program (never by concatenating untrusted text). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Trusted markup: SVG from the renderer, or html`` results. Never pass capture data here. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Control characters (C0 except tab/newline, DEL, C1) and lone surrogates are shown
 * as `\xNN` / `\uNNNN`, as the terminal report does: they are invalid in XML and
 * confusing in HTML.
 */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** Text or attribute value → HTML-safe text (quotes included, so it is safe in either). */
export function escapeHtml(s: unknown): string {
  return visible(String(s ?? '')).replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}

type Part = string | number | boolean | null | undefined | SafeHtml | Part[];

function part(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(part).join('');
  return escapeHtml(String(v));
}

/** Tagged template: `html\`<td>${untrusted}</td>\`` escapes every value; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/**
 * JSON that is safe inside `<script type="application/json">` (and inside a JS string):
 * `<`, `>`, `&`, U+2028 and U+2029 become \u escapes, so `</script>` or `<!--` cannot
 * end or change the script element.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
