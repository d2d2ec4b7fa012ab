import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rowAxis } from '../../src/report/svg/axis.js';
import { renderLadder } from '../../src/report/svg/ladder.js';
import { renderOverview } from '../../src/report/svg/overview.js';
import { writeSvgDir } from '../../src/report/svg/write.js';
import type { Flow } from '../../src/conn/flow.js';
import { fixtureResult, HOSTILE_PATHS } from './fixture.js';
import { activeContent, analyzeCapture, haveCapture, parseSvg, xmlError } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pcap-reset-svg-'));
  dirs.push(d);
  return d;
}

describe('broken time axis', () => {
  it('keeps a 200 µs race as two rows and compresses long gaps to the same fixed height', () => {
    const a = rowAxis([0, 0.0002, 2.0032, 2.0034, 3602.0034], { top: 0, rowPx: 22, breakPx: 38, breakAboveS: 0.25 });
    const d = a.y.slice(1).map((y, i) => y - a.y[i]!);
    expect(d[0]).toBeGreaterThanOrEqual(22); // 200 µs: a full row apart
    expect(d[2]).toBeGreaterThanOrEqual(22);
    expect(d[1]).toBe(d[3]); // 2 s and 1 h idle: both broken, same height
    expect(a.gaps.map((g) => [g.broken, g.label])).toEqual([
      [true, 'idle 2.003 s'],
      [true, 'idle 60.0 min'],
    ]);
  });

  it('draws short gaps in proportion and labels the noticeable ones', () => {
    const a = rowAxis([0, 0.05, 0.2], { top: 10, rowPx: 20, pxPerS: 100, breakAboveS: 0.25, idleLabelAboveS: 0.1 });
    expect(a.y).toEqual([10, 35, 70]);
    expect(a.gaps).toHaveLength(1);
    expect(a.gaps[0]).toMatchObject({ broken: false, label: 'idle 150.0 ms' });
  });
});

describe('ladder', () => {
  const r = fixtureResult({ hostile: true });
  const f = r.findings.find((x) => x.kind === 'idle-close-race' && x.flow.id === 1)!;
  const flow = r.timelines.get(1)!;
  const rstEv = f.evidence.find((e) => e.note.includes('RST'))!;

  it('marks the RST the finding names as where it broke, with its packet number', () => {
    const l = renderLadder(flow, { finding: f, standalone: true });
    expect(xmlError(l.svg)).toBe('');
    expect(l.breakPacket).toBe(rstEv.packet);
    const g = parseSvg(l.svg).querySelector(`g.ev-rst[data-packet="${rstEv.packet}"]`);
    expect(g?.getAttribute('data-type')).toBe('rst');
    expect(g?.querySelector('title')?.textContent).toMatch(new RegExp(`^packet ${rstEv.packet} · RST · server → client`));
    expect(l.svg).toContain('◀ broke here');
    expect(l.svg).toMatch(/race Δ 32\.3 ms/);
    expect(l.svg).toContain('idle 1.971 s');
  });

  it('escapes HTTP paths (no element or attribute comes from packet data)', () => {
    const l = renderLadder(flow, { finding: f });
    expect(xmlError(l.svg)).toBe('');
    const doc = parseSvg(l.svg);
    expect(activeContent(doc)).toEqual([]);
    expect(doc.getElementsByTagName('svg')).toHaveLength(1);
    const labels = Array.from(doc.querySelectorAll('text.lbl') as ArrayLike<{ textContent: string }>).map((t) => t.textContent);
    expect(labels).toContain('GET /</script><script>window.__pwned=1</script>');
    expect(labels).toContain('GET /"><img src=x onerror=window.__pwned=1>');
    expect(l.svg).toContain('GET /&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(l.svg).toContain('\\x00\\x1b[31m'); // control characters shown, not embedded
    expect(HOSTILE_PATHS[0]).toContain('</script>');
  });

  it('elides the middle of a long connection but keeps evidence packets', () => {
    const base = r.timelines.get(1)!;
    const many: Flow = { ...base, events: [], firstPacket: 1000, lastPacket: 2000 };
    let t = base.start;
    for (let i = 0; i < 600; i++) {
      t += 0.001;
      many.events.push({ ...base.events[3]!, type: i % 2 ? 'response' : 'request', dir: (i % 2) as 0 | 1, packet: 1000 + i, time: t });
    }
    many.events.push({ ...base.events.find((e) => e.type === 'rst')!, packet: 2000, time: t + 1 });
    const finding = { ...f, evidence: [{ packet: 1300, time: 0, note: 'the middle one' }] };
    const l = renderLadder(many, { finding, maxRows: 100 });
    expect(l.rows).toBeLessThan(110);
    expect(l.svg).toContain('data-packet="1300"');
    expect(l.svg).toContain('data-packet="2000"');
    expect(l.svg).toMatch(/… \d+ events not drawn …/);
    expect(xmlError(l.svg)).toBe('');
  });
});

describe('overview', () => {
  it('draws connections by state, findings and the inferred timeout line', () => {
    const svg = renderOverview(fixtureResult(), { standalone: true });
    expect(xmlError(svg)).toBe('');
    expect(svg.match(/class="conn st-closed-rst/g)).toHaveLength(3);
    expect(svg.match(/class="mark sev-error" d="[^"]*" data-kind="idle-close-race"/g)?.length).toBe(3);
    expect(svg).toContain('data-timeout="2"');
    expect(svg).toContain('11 closes');
  });

  it('says how many of the idle closes the detectors counted its histogram draws', async () => {
    // idle-race-gunicorn: 12 idle closes toward gunicorn, 4 of them on the connections kept for timelines.
    const r = await analyzeCapture('idle-race-gunicorn');
    const agg = r.findings.find((f) => f.kind === 'idle-close-race' && f.params['idle_closes'] !== undefined)!;
    expect(agg.params['idle_closes']).toBe(12);
    const svg = renderOverview(r, { standalone: true });
    expect(svg).toContain('4 of 12 closes · max 4 per bin');
    expect(svg).toContain('4 closes of the 12 idle closes counted (the connections kept for timelines)');
  });
});

describe('--svg DIR', () => {
  it('writes the overview and one well-formed SVG per flagged connection (fixture with hostile paths)', async () => {
    const dir = tmp();
    const paths = await writeSvgDir(fixtureResult({ hostile: true }), dir);
    expect(paths.map((p) => basename(p))).toEqual(expect.arrayContaining(['overview.svg', 'conn-1-idle-close-race.svg']));
    for (const p of paths) {
      const text = readFileSync(p, 'utf8');
      expect(xmlError(text), p).toBe('');
      expect(activeContent(parseSvg(text)), p).toEqual([]);
    }
  });

  it.runIf(haveCapture('idle-race-gunicorn'))('draws the RST each finding names (idle-race-gunicorn.pcap)', async () => {
    const r = await analyzeCapture('idle-race-gunicorn');
    const dir = tmp();
    const paths = await writeSvgDir(r, dir);
    for (const p of paths) expect(xmlError(readFileSync(p, 'utf8')), p).toBe('');
    const races = r.findings.filter((f) => f.kind === 'idle-close-race' && f.flow.id !== undefined);
    expect(races.length).toBeGreaterThanOrEqual(3);
    for (const f of races) {
      const svg = readFileSync(join(dir, `conn-${f.flow.id}-idle-close-race.svg`), 'utf8');
      const rsts = [...svg.matchAll(/data-packet="(\d+)" class="ev ev-rst/g)].map((m) => Number(m[1]));
      const named = f.evidence.map((e) => e.packet).filter((p) => rsts.includes(p));
      expect(named.length, `finding on #${f.flow.id}`).toBeGreaterThan(0);
      expect(svg).toContain(`<title>packet ${named[0]} · RST`);
    }
  });

  it.runIf(haveCapture('hostile-paths'))('stays well-formed with the hostile-paths capture', async () => {
    const { flagEveryRequest } = await import('./helpers.js');
    const r = await analyzeCapture('hostile-paths', [flagEveryRequest()]);
    expect(r.timelines.size).toBeGreaterThan(0);
    const paths = await writeSvgDir(r, tmp());
    expect(paths.length).toBeGreaterThan(1);
    for (const p of paths) {
      const text = readFileSync(p, 'utf8');
      expect(xmlError(text), p).toBe('');
      expect(activeContent(parseSvg(text)), p).toEqual([]);
    }
  });
});
