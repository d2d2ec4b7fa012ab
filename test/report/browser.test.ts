/**
 * The HTML report in a real browser (Debian's chromium through playwright-core):
 * no console errors, no network or file requests besides the report itself, the
 * timeline of a finding shows the RST at the packet its evidence names, capture
 * strings cannot run as code, and every SVG written by --svg parses as XML.
 *
 * Without chromium these tests FAIL (they do not skip): `apt-get install -y chromium`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AnalysisResult } from '../../src/analyze/result.js';
import { writeHtmlReport } from '../../src/report/html/write.js';
import { visible } from '../../src/report/html/escape.js';
import { writeSvgDir } from '../../src/report/svg/write.js';
import { fixtureResult, HOSTILE_PATHS } from './fixture.js';
import { ARTIFACTS, analyzeCapture, capturePath, flagEveryRequest, haveCapture } from './helpers.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const T = 90_000;

let browserP: Promise<Browser> | undefined;
function browser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium is missing at ${CHROMIUM}: the HTML report's browser tests need it. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  browserP ??= chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return browserP;
}

const tmpDirs: string[] = [];
afterAll(async () => {
  if (browserP) await (await browserP).close();
  tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pcap-reset-html-'));
  tmpDirs.push(d);
  return d;
}

interface Opened {
  page: Page;
  url: string;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

async function open(file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> {
  const page = await (await browser()).newPage({ viewport: { width: 1200, height: 900 }, colorScheme });
  const o: Opened = { page, url: pathToFileURL(file).href, errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') o.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => o.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => o.requests.push(r.url()));
  page.on('dialog', (d) => {
    o.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(o.url, { waitUntil: 'load' });
  await page.waitForTimeout(200);
  return o;
}

/** Nothing but the report itself was requested, nothing logged, no dialog, no injected code ran. */
async function expectQuiet(o: Opened): Promise<void> {
  expect(o.errors).toEqual([]);
  expect(o.requests).toEqual([o.url]);
  expect(o.dialogs).toEqual([]);
  expect(await o.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  // only the report's own two script elements (JSON data + the hashed script), no images
  expect(await o.page.evaluate(() => [document.scripts.length, document.images.length, document.querySelectorAll('iframe,object,embed,foreignObject').length])).toEqual([2, 0, 0]);
}

/** The first per-connection finding whose evidence names a RST of its connection, and that packet. */
function findingWithRst(r: AnalysisResult): { index: number; packet: number } {
  for (let i = 0; i < r.findings.length; i++) {
    const f = r.findings[i]!;
    const flow = f.flow.id !== undefined ? r.timelines.get(f.flow.id) : undefined;
    if (!flow) continue;
    const rsts = new Set(flow.events.filter((e) => e.type === 'rst').map((e) => e.packet));
    const named = f.evidence.find((e) => rsts.has(e.packet));
    if (named) return { index: i, packet: named.packet };
  }
  throw new Error('no finding names a RST of its connection');
}

describe('HTML report in chromium', () => {
  it('idle-race-gunicorn.pcap: loads nothing, expands a finding to the RST its evidence names', { timeout: T }, async () => {
    expect(haveCapture('idle-race-gunicorn'), capturePath('idle-race-gunicorn')).toBe(true);
    const r = await analyzeCapture('idle-race-gunicorn');
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'report-idle-race-gunicorn.html');
    await writeHtmlReport(r, file);
    const o = await open(file);
    const { page } = o;
    await expectQuiet(o);

    // the verdict comes first; the script ran (controls shown, count filled in)
    await expect.poll(() => page.locator('main > *').first().getAttribute('id')).toBe('verdict');
    expect(await page.locator('#verdict .cause').innerText()).toBe(r.verdict.cause);
    expect(await page.locator('#controls').isVisible()).toBe(true);
    expect(await page.locator('#f-count').innerText()).toBe(`${r.findings.length} findings`);

    // expand the finding with the keyboard
    const { index, packet } = findingWithRst(r);
    const details = page.locator(`#finding-${index}`);
    const rst = details.locator(`svg g.ev-rst[data-packet="${packet}"]`);
    expect(await rst.isVisible()).toBe(false);
    await details.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await details.getAttribute('open')).not.toBeNull();
    expect(await rst.isVisible()).toBe(true);
    expect(await rst.getAttribute('data-type')).toBe('rst');
    expect(await rst.locator('title').textContent()).toMatch(new RegExp(`^packet ${packet} · RST`));
    // the evidence list names the same packet and marks it as where it broke
    expect(await details.locator(`table.evidence tr[data-packet="${packet}"]`).getAttribute('class')).toBe('hl-break');
    expect(await details.locator('svg text.broke').count()).toBe(1);

    await details.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'report-idle-race-gunicorn.png'), fullPage: true });
    await details.screenshot({ path: join(ARTIFACTS, 'report-idle-race-gunicorn-finding.png') });

    // filter and sort
    await page.selectOption('#f-sev', 'warning');
    const warnings = r.findings.filter((f) => f.severity === 'warning').length;
    expect(await page.locator('#f-count').innerText()).toBe(warnings === r.findings.length ? `${warnings} findings` : `${warnings} of ${r.findings.length} findings shown`);
    expect(await page.locator('details.finding:visible').count()).toBe(warnings);
    await page.selectOption('#f-sev', '');
    await page.selectOption('#f-sort', 'time');
    const order = await page.locator('details.finding').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-i'))));
    const byTime = r.findings.map((f, i) => ({ t: f.time, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
    expect(order).toEqual(byTime);

    // print: every finding expanded
    await page.emulateMedia({ media: 'print' });
    const closed = page.locator('details.finding:not([open])').first();
    if (await closed.count()) expect(await closed.locator('.fbody').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // dark mode screenshot for review
    const dark = await open(file, 'dark');
    await dark.page.locator(`#finding-${index} > summary`).click();
    await dark.page.locator(`#finding-${index}`).screenshot({ path: join(ARTIFACTS, 'report-idle-race-gunicorn-finding-dark.png') });
    await expectQuiet(dark);
    await dark.page.close();
    await page.close();
  });

  it('hostile HTTP paths (lab capture): nothing runs, the text shows literally', { timeout: T }, async () => {
    expect(haveCapture('hostile-paths'), capturePath('hostile-paths')).toBe(true);
    const r = await analyzeCapture('hostile-paths', [flagEveryRequest()]);
    const paths = [...r.timelines.values()].flatMap((f) => f.events.filter((e) => e.type === 'request').map((e) => e.http?.path ?? ''));
    expect(paths.some((p) => p.includes('<script>alert(1)</script>'))).toBe(true);
    const file = join(ARTIFACTS, 'report-hostile-paths.html');
    await writeHtmlReport(r, file);
    const o = await open(file);
    await o.page.click('#expand-all');
    await o.page.waitForTimeout(200);
    await expectQuiet(o);
    const text = await o.page.locator('body').innerText();
    const labels = await o.page.locator('svg text.lbl').allTextContents();
    for (const p of paths) {
      // control characters (here \x80 from invalid UTF-8) are shown as \xNN escapes
      const shown = visible(p).slice(0, 40);
      expect(text).toContain(shown);
      expect(labels.some((l) => l.includes(shown)), shown).toBe(true);
    }
    await o.page.screenshot({ path: join(ARTIFACTS, 'report-hostile-paths.png'), fullPage: true });
    await o.page.close();
  });

  it('hostile HTTP paths (fixture: </script>, attribute breakouts, control characters)', { timeout: T }, async () => {
    const file = join(tmp(), 'hostile.html');
    await writeHtmlReport(fixtureResult({ hostile: true }), file);
    const o = await open(file);
    await o.page.click('#expand-all');
    await o.page.waitForTimeout(200);
    await expectQuiet(o);
    const text = await o.page.locator('body').innerText();
    expect(text).toContain('</script><script>window.__pwned=1</script>');
    expect(text).toContain('"><img src=x onerror=window.__pwned=1>');
    expect(text).toContain("'><svg onload=window.__pwned=1>");
    expect(text).toContain('captures/<b>hostile</b>.pcap');
    expect(text).toContain('odd <script>alert(1)</script> warning');
    expect(HOSTILE_PATHS).toHaveLength(3);
    await o.page.close();
  });

  it('every SVG written by --svg parses as XML in the browser', { timeout: T }, async () => {
    const results: Array<[string, AnalysisResult]> = [['fixture', fixtureResult({ hostile: true })]];
    for (const name of ['idle-race-gunicorn', 'hostile-paths']) {
      if (haveCapture(name)) results.push([name, await analyzeCapture(name, name === 'hostile-paths' ? [flagEveryRequest()] : [])]);
    }
    const page = await (await browser()).newPage();
    let checked = 0;
    for (const [name, r] of results) {
      const files = await writeSvgDir(r, join(tmp(), name));
      expect(files.length, name).toBeGreaterThan(1);
      for (const f of files) {
        const err = await page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          const pe = doc.getElementsByTagName('parsererror')[0];
          return pe ? pe.textContent : doc.documentElement.localName === 'svg' ? '' : 'root is ' + doc.documentElement.localName;
        }, readFileSync(f, 'utf8'));
        expect(err, f).toBe('');
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    await page.close();
  });
});
