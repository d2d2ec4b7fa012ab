import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonForScript, raw, visible } from '../../src/report/html/escape.js';

describe('HTML escaping', () => {
  it('escapes markup characters and shows control characters', () => {
    expect(escapeHtml(`</script><img src=x onerror="a('b')">&\``)).toBe('&lt;/script&gt;&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;&#96;');
    expect(visible('a\x00b\x1b[31m\x7f\u0085')).toBe('a\\x00b\\x1b[31m\\x7f\\x85');
    expect(visible('\ud800x')).toBe('\\ud800x');
    expect(visible('tab\tnl\n é 😀')).toBe('tab\tnl\n é 😀');
  });

  it('html`` escapes every value unless it is trusted markup', () => {
    const evil = '<script>alert(1)</script>';
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe('<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html`<ul>${['<a>', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    expect(html`${raw('<b>ok</b>')}${0}${null}${undefined}${false}`.value).toBe('<b>ok</b>0');
  });

  it('JSON for a <script> element cannot close it and round-trips', () => {
    const v = { path: '</script><script>window.__pwned=1</script>', c: '<!-- & -->', ls: '\u2028\u2029', n: 1.5 };
    const s = jsonForScript(v);
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual(v);
  });
});
