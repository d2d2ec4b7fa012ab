import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html/write.js';
import { CLIENT_SCRIPT } from '../../src/report/html/client-script.js';
import { fixtureResult } from './fixture.js';

describe('HTML report (static checks)', () => {
  const page = renderHtmlReport(fixtureResult({ hostile: true }), { now: new Date('2026-01-01T00:00:00Z') });

  it('allows exactly its own script by hash and forbids every load', () => {
    const csp = page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1];
    expect(csp).toBeDefined();
    const hash = createHash('sha256').update(CLIENT_SCRIPT, 'utf8').digest('base64');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
    // the CSP comes before any script or style
    expect(page.indexOf('Content-Security-Policy')).toBeLessThan(page.indexOf('<style>'));
    // scripts: the JSON data block and ours, nothing else
    expect(page.match(/<script/gi)).toHaveLength(2);
    expect(page).toContain(`<script>${CLIENT_SCRIPT}</script>`);
    // nothing that loads: no src, no external href
    expect(page).not.toMatch(/\ssrc\s*=\s*["']?(?!x\b)/i);
    for (const m of page.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^(#[\w-]+|data:,)$/);
    expect(page).not.toMatch(/@import|url\(/i);
  });

  it('escapes capture strings everywhere and keeps the JSON block inert', () => {
    expect(page).not.toContain('<script>window.__pwned');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b>hostile</b>');
    expect(page).toContain('captures/&lt;b&gt;hostile&lt;/b&gt;.pcap');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    const json = page.match(/<script type="application\/json" id="pr-data">([^<]*)<\/script>/)?.[1];
    expect(json).toBeDefined();
    expect(JSON.parse(json!).findings[0]).toMatchObject({ i: 0, kind: 'idle-close-race', severity: 'error' });
  });

  it('puts the verdict first and every finding in an expandable element', () => {
    expect(page.indexOf('id="verdict"')).toBeLessThan(page.indexOf('id="findings"'));
    expect(page.indexOf('id="findings"')).toBeLessThan(page.indexOf('id="capture"'));
    expect(page.match(/<details class="finding/g)).toHaveLength(4);
    expect(page).toContain('@media print');
    expect(page).toContain('prefers-color-scheme: dark');
  });

  it('draws the 200 most important connections of a large capture quickly and stays a few MB', () => {
    const big = fixtureResult({ races: 320, clean: 80 });
    // CPU time of this process: the machine is shared, so wall time says more about the neighbours
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const html = renderHtmlReport(big);
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    expect(cpuMs).toBeLessThan(5000);
    expect(ms).toBeLessThan(20000);
    expect(html.match(/<div class="fig timeline"/g)).toHaveLength(200);
    expect(html.length).toBeLessThan(5 * 1024 * 1024);
    expect(html).toContain('not drawn: only the most important connections get a timeline');
    expect(html).toMatch(/Connections that broke or were flagged \(\d+\)/);
    console.log(`large report: ${big.findings.length} findings, 200 timelines, ${(html.length / 1e6).toFixed(2)} MB in ${ms.toFixed(0)} ms (${cpuMs.toFixed(0)} ms CPU)`);
  });
});
