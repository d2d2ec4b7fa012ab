/**
 * `pcap-reset analyze cap.pcap*` on the pieces of a rotated capture (tcpdump -C / -G): read
 * as one capture, so a connection crossing a file boundary stays one connection. Two captures
 * taken side by side (host1.pcap, host2.pcap) are not joined: their times do not follow on.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CAPTURES } from '../helpers/paths.js';
import { pcapRecords, rotateAt, rotateEvery } from '../helpers/rotate.js';
import { tempDir } from '../helpers/temp.js';
import { analyze } from '../../src/analyze/analyze.js';

const SOURCE = join(CAPTURES, 'idle-race-gunicorn.pcap');
const T = { timeoutMs: 20_000 };

interface Json {
  captures: Array<{ path: string; packets: number }>;
  flows: Array<{ id: number; first_packet: number; last_packet: number; file?: number; last_file?: number }>;
  findings: Array<{ kind: string; evidence: Array<{ packet: number; file?: number }> }>;
  summary: { flows: number };
}
const json = (args: string[]): Json => JSON.parse(runCli(['analyze', '--json', ...args], T).stdout) as Json;
const kinds = (j: Json) => j.findings.map((f) => f.kind).sort();

let whole: Json;
let dir: string;
let cut: number;

beforeAll(() => {
  const src = readFileSync(SOURCE);
  whole = json([SOURCE]);
  // Cut inside a connection, as a rotation does.
  cut = Math.floor(pcapRecords(src).length / 2);
  while (!whole.flows.some((f) => f.first_packet <= cut && f.last_packet > cut)) cut++;
  dir = join(tempDir(), 'rotated');
  mkdirSync(dir, { recursive: true });
  const [head, tail] = rotateAt(src, cut);
  writeFileSync(join(dir, 'cap.pcap0'), head);
  writeFileSync(join(dir, 'cap.pcap1'), tail);
  writeFileSync(join(dir, 'first-half.pcap'), head);
  writeFileSync(join(dir, 'second-half.pcap'), tail);
  writeFileSync(join(dir, 'host1.pcap'), src);
  writeFileSync(join(dir, 'host2.pcap'), src);
});

describe('analyze on rotated pieces', () => {
  it('joins them, in the order of their packets: the connections and findings of the unsplit capture', () => {
    const j = json([join(dir, 'cap.pcap1'), join(dir, 'cap.pcap0')]); // named out of order
    expect(j.captures.map((c) => c.path)).toEqual([join(dir, 'cap.pcap0'), join(dir, 'cap.pcap1')]);
    expect(j.summary.flows).toBe(whole.summary.flows);
    expect(kinds(j)).toEqual(kinds(whole));
    // The connection across the cut is one flow, from file 1 into file 2; packets keep per-file numbers.
    const across = j.flows.find((f) => (f.file ?? 0) === 0 && f.last_file === 1);
    expect(across).toBeDefined();
    expect(across!.first_packet).toBeLessThanOrEqual(cut);
    const inSecond = j.findings.flatMap((f) => f.evidence).filter((e) => e.file === 1);
    for (const e of inSecond) expect(e.packet).toBeLessThanOrEqual(j.captures[1]!.packets);
  });

  it('says which file a packet number belongs to in the text report', () => {
    const r = runCli(['analyze', join(dir, 'cap.pcap0'), join(dir, 'cap.pcap1')], T);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`  file 1: ${join(dir, 'cap.pcap0')}: pcap`);
    expect(r.stdout).toContain(`  file 2: ${join(dir, 'cap.pcap1')}: pcap`);
    expect(r.stdout).toContain('(packets are numbered per file, as in Wireshark: 2:18 is packet 18 of file 2)');
    expect(r.stdout).toMatch(/\[pkt [12]:\d+/);
    // One file: bare numbers, as before.
    expect(runCli(['analyze', SOURCE], T).stdout).toMatch(/\[pkt \d+,/);
  });

  it('draws the timelines of joined pieces with per-file packet numbers and their evidence marked', () => {
    const pieces = [join(dir, 'cap.pcap0'), join(dir, 'cap.pcap1')];
    const j = JSON.parse(runCli(['analyze', '--json', ...pieces], T).stdout) as Json & { findings: Array<{ flow: { id?: number } }> };
    // A connection finding whose evidence is all in the second file (its timeline numbers run on across the files).
    const late = j.findings.find((f) => f.flow.id !== undefined && f.evidence.length > 0 && f.evidence.every((e) => e.file === 1));
    expect(late).toBeDefined();
    const html = join(dir, 'joined.html');
    expect(runCli(['analyze', ...pieces, '--html', html], T).status).toBe(1);
    const page = readFileSync(html, 'utf8');
    const at = page.indexOf(`<div class="fig timeline" data-flow="${late!.flow.id}"`);
    expect(at).toBeGreaterThan(0);
    const svg = page.slice(at, page.indexOf('</svg>', at));
    expect(svg).toContain(`>#2:${late!.evidence[0]!.packet}<`);
    expect(svg).toMatch(/class="hl-ev"/);
    expect(svg).toMatch(/class="hl-break"/);
  });

  it('joins hundreds of pieces (one packet each, tcpdump -C names) into the unsplit capture', () => {
    const many = join(dir, 'many');
    mkdirSync(many, { recursive: true });
    const pieces = rotateEvery(readFileSync(SOURCE), 1);
    expect(pieces.length).toBe(240);
    const names = pieces.map((p, i) => {
      const name = join(many, i === 0 ? 'cap.pcap' : `cap.pcap${i}`); // tcpdump -C without -W
      writeFileSync(name, p);
      return name;
    });
    const j = json([...names].reverse());
    expect(j.captures).toHaveLength(240);
    expect(j.captures[0]!.path).toBe(names[0]);
    expect(j.summary.flows).toBe(whole.summary.flows);
    expect(kinds(j)).toEqual(kinds(whole));
    // The text lists the first few files, not 240 lines before the connections and servers.
    const text = runCli(['analyze', ...names], T).stdout;
    expect(text).toContain(`  file 8: ${names[7]}: pcap`);
    expect(text).not.toContain(`  file 9: `);
    expect(text).toContain('  … 232 more files, read without trouble (240 files, 240 packets in all; --verbose lists them)');
    expect(text).toMatch(/^Busiest servers$/m);
    expect(runCli(['analyze', '--verbose', ...names], T).stdout).toContain(`  file 240: ${names[239]}: pcap`);
  }, 60_000);

  it('--no-join analyzes each piece apart: the connection across the cut becomes two', () => {
    const j = json(['--no-join', join(dir, 'cap.pcap0'), join(dir, 'cap.pcap1')]);
    expect(j.summary.flows).toBeGreaterThan(whole.summary.flows);
  });

  it('--join joins pieces whose names do not look rotated', () => {
    expect(json([join(dir, 'first-half.pcap'), join(dir, 'second-half.pcap')]).summary.flows).toBeGreaterThan(whole.summary.flows);
    expect(json(['--join', join(dir, 'second-half.pcap'), join(dir, 'first-half.pcap')]).summary.flows).toBe(whole.summary.flows);
  });

  it('keeps captures taken side by side apart, though their names look rotated, and says the same connections are in both', () => {
    const pair = [join(dir, 'host1.pcap'), join(dir, 'host2.pcap')];
    const j = json(pair) as Json & { summary: { warnings: string[] } };
    expect(j.summary.flows).toBe(2 * whole.summary.flows);
    expect(j.findings.length).toBeGreaterThanOrEqual(whole.findings.length);
    const n = whole.summary.flows;
    expect(j.summary.warnings).toContain(`${n} connections appear in more than one file (same addresses and ports, starting within 2 s): the files look like captures of the same traffic at different points, and every count includes each copy; analyze them one at a time to compare the vantage points`);
    const text = runCli(['analyze', ...pair], T).stdout.split('\n');
    expect(text).toContain(`! ${n} connections are in more than one file (the same traffic captured twice?): the counts include each copy.`);
    // Rotated pieces joined, and one file: no such warning.
    expect(runCli(['analyze', join(dir, 'cap.pcap0'), join(dir, 'cap.pcap1')], T).stdout).not.toMatch(/more than one file/);
    expect(runCli(['analyze', SOURCE], T).stdout).not.toMatch(/more than one file/);
  });

  /** The two pieces of the cut, then the second piece again (it starts with the second, not after it). */
  const piecesAndRepeat = (folder: string, names: [string, string, string]): string[] => {
    const d = join(tempDir(), folder);
    mkdirSync(d, { recursive: true });
    const [head, tail] = rotateAt(readFileSync(SOURCE), cut);
    [head, tail, tail].forEach((bytes, i) => writeFileSync(join(d, names[i]!), bytes));
    return names.map((f) => join(d, f));
  };

  it('joins the pieces that follow on and keeps apart the one that does not', () => {
    const files = piecesAndRepeat('mixed', ['cap.pcap0', 'cap.pcap1', 'cap.pcap2']);
    const j = json(files) as Json & { summary: { warnings: string[] } };
    const tailAlone = json([files[2]!]);
    // The first two joined (the connection across the cut is one), the third on its own.
    expect(j.summary.flows).toBe(whole.summary.flows + tailAlone.summary.flows);
    expect(j.flows.some((f) => f.file === undefined && f.last_file === 1)).toBe(true);
    expect(j.flows.filter((f) => f.file === 2)).toHaveLength(tailAlone.summary.flows);
    expect(j.summary.warnings.some((w) => /appears? in more than one file/.test(w))).toBe(true);
  });

  it('joins rotated pieces given with another capture, and keeps that one apart', () => {
    // refused.pcap starts 7 minutes after the pieces end: by time alone it would follow on, but
    // its name says it is another capture.
    const other = join(dir, 'other.pcap');
    writeFileSync(other, readFileSync(join(CAPTURES, 'refused.pcap')));
    const alone = json([other]);
    for (const order of [[join(dir, 'cap.pcap1'), other, join(dir, 'cap.pcap0')], [other, join(dir, 'cap.pcap0'), join(dir, 'cap.pcap1')]]) {
      const j = json(order);
      expect(j.summary.flows).toBe(whole.summary.flows + alone.summary.flows);
      expect(j.flows.some((f) => f.file === undefined && f.last_file === 1) || j.flows.some((f) => f.file === 1 && f.last_file === 2)).toBe(true);
      expect(kinds(j)).toEqual([...kinds(whole), ...kinds(alone)].sort());
    }
    // Each group where its first file was named, a group's pieces in time order.
    expect(json([join(dir, 'cap.pcap1'), other, join(dir, 'cap.pcap0')]).captures.map((c) => c.path)).toEqual([join(dir, 'cap.pcap0'), join(dir, 'cap.pcap1'), other]);
    expect(json([other, join(dir, 'cap.pcap1'), join(dir, 'cap.pcap0')]).captures.map((c) => c.path)).toEqual([other, join(dir, 'cap.pcap0'), join(dir, 'cap.pcap1')]);
  });

  it('does not take reused ports in pieces joined together for one traffic captured twice', () => {
    // Cut where clients reuse ports within 2 s across the cut; a third, later capture breaks the run.
    const d = join(tempDir(), 'reuse');
    mkdirSync(d, { recursive: true });
    const [head, tail] = rotateAt(readFileSync(join(CAPTURES, 'port-range-exhausted.pcap')), 450);
    writeFileSync(join(d, 'p.pcap0'), head);
    writeFileSync(join(d, 'p.pcap1'), tail);
    writeFileSync(join(d, 'p.pcap2'), readFileSync(join(CAPTURES, 'loss-timeout-abandoned.pcap')));
    const pair = json([join(d, 'p.pcap0'), join(d, 'p.pcap1')]);
    const all = json(['p.pcap0', 'p.pcap1', 'p.pcap2'].map((f) => join(d, f))) as Json & { summary: { warnings: string[] } };
    expect(all.summary.flows).toBe(pair.summary.flows + json([join(d, 'p.pcap2')]).summary.flows);
    expect(all.summary.warnings.filter((w) => /more than one file/.test(w))).toEqual([]);
  });

  it("decides where pieces follow on while reading them, once ('auto' join)", async () => {
    const files = piecesAndRepeat('mixed-once', ['a.pcap', 'b.pcap', 'c.pcap']);
    const seen: number[] = [];
    const r = await analyze(files.map((path) => ({ path })), {
      join: 'auto',
      onProgress: (file) => { if (seen[seen.length - 1] !== file) seen.push(file); },
    });
    expect(seen).toEqual([0, 1, 2]);
    expect(r.summary.flows).toBe(whole.summary.flows + json([files[2]!]).summary.flows);
    const [head, tail] = rotateAt(readFileSync(SOURCE), cut);
    expect(r.packetBase).toEqual([0, pcapRecords(head).length, pcapRecords(head).length + pcapRecords(tail).length]);
  });

  it('stops before the first piece that does not follow on when asked to (untilBreak, for the scan)', async () => {
    const files = piecesAndRepeat('until-break', ['p.pcap0', 'p.pcap1', 'p.pcap2']).map((path) => ({ path }));
    const seen = new Set<number>();
    const first = await analyze(files, { join: 'auto', untilBreak: {}, onProgress: (f) => seen.add(f) });
    expect(first.captures).toHaveLength(2); // the two pieces, joined; the repeat not read
    expect([...seen]).toEqual([0, 1]);
    expect(first.summary.flows).toBe(whole.summary.flows);
    // The rest, told where the pieces before it ended: the repeat starts before that, so alone.
    const last = Math.max(...first.captures.map((c) => c.last));
    const rest = await analyze(files.slice(2), { join: 'auto', untilBreak: { after: last } });
    expect(rest.captures).toHaveLength(1);
  });
});
