/**
 * `pcap-reset scan` / `merge` end to end, through the built CLI (dist/; `npm test`
 * builds it, or run `npx tsc -p tsconfig.json` before vitest alone).
 *
 * A temp archive of lab captures (nested, one gzip-compressed, one renamed
 * `.pcap1`, one split in two rotated pieces inside a connection) mixed with a
 * truncated copy, a text file and an empty file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { STACK, runCli } from '../helpers/cli.js';
import { pcapRecords, rotateAt } from '../helpers/rotate.js';
import { CAPTURES, CORPUS, REPO } from '../helpers/paths.js';
import { groupRotated, parseShard, shardOf, type Found } from '../../src/scan/discover.js';
import { aggregate } from '../../src/scan/aggregate.js';
import { renderIndex } from '../../src/scan/index-html.js';
import type { AggregateRecord, FileRecord, ScanRecord, SkippedRecord } from '../../src/scan/types.js';

const T = { timeoutMs: 120_000 };

/** Offsets of the records of a classic pcap file (after the 24-byte header). */
function parse(stdout: string): ScanRecord[] {
  return stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as ScanRecord);
}
const filesOf = (r: ScanRecord[]) => r.filter((x): x is FileRecord => x.type === 'file');
const skippedOf = (r: ScanRecord[]) => r.filter((x): x is SkippedRecord => x.type === 'skipped');
const aggOf = (r: ScanRecord[]) => {
  const last = r[r.length - 1]!;
  expect(last.type).toBe('aggregate');
  return last as AggregateRecord;
};
const byName = (files: FileRecord[], name: string) => {
  const f = files.find((x) => x.path.endsWith(name));
  if (!f) throw new Error(`no record for ${name}: ${files.map((x) => x.path).join(', ')}`);
  return f;
};

const SPLIT_SOURCE = 'idle-race-gunicorn.pcap';
let root: string;
let labs: string[];
let unsplit: { flows: number; findings: number; byKind: Record<string, number> };
let analyzeExit: number;

beforeAll(() => {
  labs = readdirSync(CAPTURES).filter((f) => /\.pcap$/.test(f) && f !== SPLIT_SOURCE).sort().slice(0, 3);
  expect(labs.length).toBe(3);
  expect(existsSync(join(CAPTURES, SPLIT_SOURCE))).toBe(true);
  root = mkdtempSync(join(tmpdir(), 'pcap-reset-scan-'));
  for (const d of ['top', 'nested/deeper', 'bad', 'rot']) mkdirSync(join(root, 'archive', d), { recursive: true });
  const a = join(root, 'archive');
  copyFileSync(join(CAPTURES, labs[0]!), join(a, 'top', 'first.pcap'));
  writeFileSync(join(a, 'nested/deeper', 'second.pcap.gz'), gzipSync(readFileSync(join(CAPTURES, labs[1]!))));
  copyFileSync(join(CAPTURES, labs[2]!), join(a, 'nested', 'third.pcap1'));
  // Truncated in the middle of a record.
  const src = readFileSync(join(CAPTURES, SPLIT_SOURCE));
  const recs = pcapRecords(src);
  writeFileSync(join(a, 'bad', 'cut.pcap'), src.subarray(0, recs[Math.floor(recs.length / 3)]! + 10));
  writeFileSync(join(a, 'bad', 'notes.txt'), 'not a capture\n');
  writeFileSync(join(a, 'bad', 'empty.pcap'), '');

  // The rotated pair: cut inside a connection that spans the cut.
  const full = runCli(['analyze', join(CAPTURES, SPLIT_SOURCE), '--json'], T);
  analyzeExit = full.status!;
  const res = JSON.parse(full.stdout) as { flows: Array<{ first_packet: number; last_packet: number }>; findings: Array<{ kind: string }>; summary: { flows: number } };
  const byKind: Record<string, number> = {};
  for (const f of res.findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  unsplit = { flows: res.summary.flows, findings: res.findings.length, byKind };
  let cut = Math.floor(recs.length / 2);
  const spans = (n: number) => res.flows.some((f) => f.first_packet <= n && f.last_packet > n);
  while (!spans(cut) && cut < recs.length - 1) cut++;
  expect(spans(cut)).toBe(true);
  const [head, tail] = rotateAt(src, cut); // packets 1..cut, and the rest
  writeFileSync(join(a, 'rot', 'sess.pcap0'), head);
  writeFileSync(join(a, 'rot', 'sess.pcap1'), tail);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('pcap-reset scan', () => {
  it('reports every capture, every bad file with a reason, and exits 2 when a file failed', () => {
    const r = runCli(['scan', join(root, 'archive'), '--json', '--jobs', '2'], T);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.status).toBe(2);
    const recs = parse(r.stdout);
    const files = filesOf(recs);
    expect(files.map((f) => f.path.slice(root.length + 1)).sort()).toEqual([
      'archive/bad/cut.pcap', 'archive/nested/deeper/second.pcap.gz', 'archive/nested/third.pcap1',
      'archive/rot/sess.pcap0', 'archive/rot/sess.pcap1', 'archive/top/first.pcap',
    ]);
    for (const name of ['first.pcap', 'second.pcap.gz', 'third.pcap1', 'sess.pcap0', 'sess.pcap1']) {
      const f = byName(files, name);
      expect(f.error, name).toBeNull();
      expect(f.format).toBe('pcap');
      expect(f.packets).toBeGreaterThan(0);
      expect(f.flows).toBeGreaterThan(0);
      expect(f.first).not.toBeNull();
    }
    expect(byName(files, 'second.pcap.gz').gzip).toBe(true);
    expect(byName(files, 'third.pcap1').group).toBeNull(); // a lone rotation-style name is a lone file
    const cut = byName(files, 'cut.pcap');
    expect(cut.error).toMatch(/truncated/);
    expect(cut.packets).toBeGreaterThan(0); // what was read before the damage still counts

    const skipped = skippedOf(recs);
    expect(skipped.map((s) => s.path.slice(root.length + 1)).sort()).toEqual(['archive/bad/empty.pcap', 'archive/bad/notes.txt']);
    expect(skipped.find((s) => s.path.endsWith('empty.pcap'))!.reason).toMatch(/empty/);
    expect(skipped.find((s) => s.path.endsWith('notes.txt'))!.reason).toMatch(/not a pcap or pcapng capture \(magic 6e 6f 74 20\)/);
    // stderr lists the failure and what was skipped, and why
    // the path once, then the reader's error without it
    expect(r.stderr).toMatch(/^ {2}failed: {2}[^ ]*cut\.pcap: offset \d+: truncated record/m);
    expect(r.stderr).toMatch(/skipped: .*notes\.txt: not a pcap/);
    expect(r.stderr).toMatch(/skipped: .*empty\.pcap: empty file/);

    const agg = aggOf(recs);
    expect(agg).toMatchObject({ files: 6, failed: 1, skipped: 2, groups_joined: 1, exit_code: 2 });
    expect(agg.packets).toBe(files.reduce((n, f) => n + f.packets, 0));
  });

  it('exit status: as analyze for one good capture, 2 for a missing path, text output otherwise', () => {
    const dir = join(root, 'one');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(CAPTURES, SPLIT_SOURCE), join(dir, 'x.pcap'));
    const r = runCli(['scan', dir, '--jobs', '1'], T);
    expect(r.status).toBe(analyzeExit);
    expect(r.stdout).toContain(join(dir, 'x.pcap'));
    expect(r.stdout).toMatch(/1 capture\(s\)/);
    const missing = runCli(['scan', join(root, 'nope'), '--json'], T);
    expect(missing.status).toBe(2);
    expect(filesOf(parse(missing.stdout))[0]!.error).toMatch(/no such file/);
    const cut = runCli(['scan', join(root, 'archive', 'bad', 'cut.pcap')], T);
    expect(cut.status).toBe(2);
    expect(cut.stdout).toMatch(/^[^ ]*cut\.pcap {2}pcap \d+ pkts \d+ flows {2}FAILED: offset \d+: truncated record/m);
    const notCapture = runCli(['scan', join(root, 'archive', 'bad', 'notes.txt')], T);
    expect(notCapture.status).toBe(2); // named on the command line: bad input, not skipped
    const usage = runCli(['scan', dir, '--shard', '3/2'], T);
    expect(usage.status).toBe(2);
    expect(runCli(['scan', '--help'], T).stdout).toMatch(/Exit status:[\s\S]*0 {2}every capture[\s\S]*1 {2}findings[\s\S]*2 {2}at least one capture failed/);
  });

  it('joins the rotated pair: as many flows and findings as the unsplit capture', () => {
    const joined = filesOf(parse(runCli(['scan', join(root, 'archive', 'rot'), '--json'], T).stdout));
    expect(joined).toHaveLength(2);
    for (const f of joined) expect(f.group).toMatchObject({ id: 'sess.pcap#', files: 2, joined: true });
    expect(joined[0]!.flows + joined[1]!.flows).toBe(unsplit.flows);
    expect(joined[0]!.findings + joined[1]!.findings).toBe(unsplit.findings);
    const kinds: Record<string, number> = {};
    for (const f of joined) for (const [k, n] of Object.entries(f.findings_by_kind)) kinds[k] = (kinds[k] ?? 0) + n;
    expect(kinds).toEqual(unsplit.byKind);
    // Apart, the connection across the cut is counted twice (two broken halves).
    const apart = filesOf(parse(runCli(['scan', join(root, 'archive', 'rot'), '--json', '--no-join'], T).stdout));
    expect(apart.every((f) => f.group === null)).toBe(true);
    expect(apart[0]!.flows + apart[1]!.flows).toBeGreaterThan(unsplit.flows);
  });

  it('joins the rotated pieces that follow on in time and reports the one that does not apart', () => {
    // sess.pcap2 repeats the second piece: named as the next piece, but it starts with sess.pcap1.
    const d = join(root, 'mixed');
    mkdirSync(d, { recursive: true });
    for (const n of ['sess.pcap0', 'sess.pcap1']) copyFileSync(join(root, 'archive', 'rot', n), join(d, n));
    copyFileSync(join(root, 'archive', 'rot', 'sess.pcap1'), join(d, 'sess.pcap2'));
    const out = join(root, 'mixed-html');
    const files = filesOf(parse(runCli(['scan', d, '--json', '--html', join(out, 'index.html')], T).stdout));
    expect(files).toHaveLength(3);
    const [p0, p1, p2] = ['sess.pcap0', 'sess.pcap1', 'sess.pcap2'].map((n) => byName(files, n));
    for (const f of [p0!, p1!]) expect(f.group).toMatchObject({ id: 'sess.pcap#', files: 2, joined: true });
    expect(p0!.flows + p1!.flows).toBe(unsplit.flows);
    expect(p2!.group).toMatchObject({ id: 'sess.pcap#', index: 0, files: 1, joined: false });
    // One report for the joined pair, another for the piece apart.
    expect(p0!.report).toBe(p1!.report);
    expect(p2!.report).toMatch(/-2\.html$/);
    expect(existsSync(p2!.report!)).toBe(true);
  });

  it('shards 1/2 + 2/2, merged, give the unsharded aggregate and lines', () => {
    const dir = join(root, 'archive');
    const whole = parse(runCli(['scan', dir, '--json'], T).stdout);
    const outs = [1, 2].map((k) => {
      const r = runCli(['scan', dir, '--json', '--shard', `${k}/2`], T);
      expect(r.stderr).not.toMatch(STACK);
      const p = join(root, `shard-${k}.ndjson`);
      writeFileSync(p, r.stdout);
      return p;
    });
    // Each file is in exactly one shard; the rotated pair stays together.
    const s1 = parse(readFileSync(outs[0]!, 'utf8')).filter((x) => x.type !== 'aggregate').map((x) => (x as FileRecord).path);
    const s2 = parse(readFileSync(outs[1]!, 'utf8')).filter((x) => x.type !== 'aggregate').map((x) => (x as FileRecord).path);
    expect(s1.filter((p) => s2.includes(p))).toEqual([]);
    expect(s1.some((p) => p.endsWith('sess.pcap0'))).toBe(s1.some((p) => p.endsWith('sess.pcap1')));

    const m = runCli(['merge', ...outs, '--json', '--html', join(root, 'merged', 'index.html')], T);
    expect(m.stderr).not.toMatch(STACK);
    const merged = parse(m.stdout);
    expect(aggOf(merged)).toEqual(aggOf(whole));
    expect(m.status).toBe(aggOf(whole).exit_code);
    const strip = (r: ScanRecord[]) => r.filter((x) => x.type !== 'aggregate').map((x) => ({ ...x, duration_ms: 0 })).sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(strip(merged)).toEqual(strip(whole));
    expect(readFileSync(join(root, 'merged', 'index.html'), 'utf8')).toContain('cut.pcap');

    // An unfinished shard (no aggregate line) is reported.
    writeFileSync(join(root, 'partial.ndjson'), readFileSync(outs[0]!, 'utf8').split('\n').slice(0, 1).join('\n') + '\n');
    const bad = runCli(['merge', join(root, 'partial.ndjson')], T);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/did not finish/);
  });

  it('writes an escaped, script-free index linking to per-file reports', () => {
    const dir = join(root, 'hostile');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(CAPTURES, SPLIT_SOURCE), join(dir, '<img src=x onerror=alert(1)>.pcap'));
    const index = join(root, 'html', 'index.html');
    const r = runCli(['scan', dir, '--html', index], T);
    expect(r.stderr).not.toMatch(STACK);
    const html = readFileSync(index, 'utf8');
    expect(html).not.toMatch(/<img|<script/i);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;.pcap');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    if (existsSync(join(REPO, 'dist/report/html/write.js'))) {
      const href = /href="([^"]+)"/.exec(html)?.[1];
      expect(href).toMatch(/^\.\/[^/:]+\.html$/);
      expect(existsSync(join(root, 'html', decodeURIComponent(href!.replace(/&#\d+;/g, (e) => String.fromCharCode(Number(e.slice(2, -1)))))))).toBe(true);
    }
  });

  it('on a terminal, with its progress bar, still prints every file line and the per-server table', () => {
    // `script` runs it on a pseudo-terminal: stdout and stderr are terminals, so the bar is drawn.
    const dir = join(root, 'archive');
    const plain = runCli(['scan', dir, '--no-color'], T).stdout.split('\n').filter((l) => l.trim());
    expect(plain.some((l) => l.startsWith('SERVER '))).toBe(true);
    const tty = spawnSync('script', ['-qc', `${process.execPath} ${join(REPO, 'dist', 'cli.js')} scan ${dir} --no-color`, '/dev/null'], {
      encoding: 'utf8', timeout: 20_000, input: '', env: { ...process.env, NO_COLOR: '1' },
    }).stdout;
    // What a terminal shows line by line: "cursor to column 1" starts a line again (the bar is
    // redrawn there, then cleared for a line above it); other control sequences are dropped.
    const shown = tty.replace(/\x1b\[1G/g, '\n').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n|\r/);
    for (const line of plain) expect(shown, line).toContain(line);
  });

  it('survives the public corpus (corrupt files included): every file reported, no stack trace', () => {
    expect(existsSync(CORPUS), `the shared corpus at ${CORPUS}`).toBe(true);
    const r = runCli(['scan', CORPUS, '--json'], T);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toMatch(/Warning/); // e.g. Node's MaxListenersExceededWarning: a hundred tasks share one abort signal
    const recs = parse(r.stdout);
    const listed = new Set(recs.filter((x) => x.type !== 'aggregate').map((x) => (x as FileRecord).path));
    for (const f of readdirSync(CORPUS)) expect(listed.has(join(CORPUS, f)), f).toBe(true);
    for (const s of skippedOf(recs)) expect(s.reason).toMatch(/not a pcap|empty|gzip/);
    expect([1, 2]).toContain(r.status);
  });
});

describe('scan internals', () => {
  const f = (rel: string): Found => ({ path: `/a/${rel}`, rel, size: 1, explicit: false });

  it('groups rotated names, keeps others apart', () => {
    const g = groupRotated([
      f('cap.pcap'), f('cap.pcap1'), f('cap.pcap2.gz'), f('cap.pcap10'),
      f('d/web-2026-11-20_10.pcap'), f('d/web-2026-11-20_09.pcap'), f('other.pcapng'), f('x/cap.pcap1'),
    ], true);
    const keys = Object.fromEntries(g.map((x) => [x.key, x.files.map((y) => y.rel)]));
    expect(keys['cap.pcap#']).toEqual(['cap.pcap', 'cap.pcap1', 'cap.pcap2.gz', 'cap.pcap10']);
    expect(keys['d/web-#-#-#_#.pcap']).toEqual(['d/web-2026-11-20_09.pcap', 'd/web-2026-11-20_10.pcap']);
    expect(keys['other.pcapng']).toEqual(['other.pcapng']);
    expect(keys['x/cap.pcap1']).toEqual(['x/cap.pcap1']);
    expect(groupRotated([f('cap.pcap0'), f('cap.pcap1')], false)).toHaveLength(2);
  });

  it('shards deterministically and evenly', () => {
    expect(parseShard('2/8')).toEqual({ k: 2, n: 8 });
    expect(() => parseShard('0/8')).toThrow();
    expect(() => parseShard('9/8')).toThrow();
    expect(shardOf('a/b.pcap', 7)).toBe(shardOf('a/b.pcap', 7));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`dir/cap-${i}.pcap`, 4) - 1]!++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });

  it('aggregates order-independently and infers the idle timeout from every race', () => {
    const rec = (path: string, idle: number[], timeouts: number[], t: number): FileRecord => ({
      type: 'file', path, rel: path, size: 1, format: 'pcap', gzip: false, linktypes: [1], packets: 10, bytes: 1, first: t, last: t + 1,
      flows: 3, states: {}, findings: idle.length, findings_by_kind: { 'idle-close-race': idle.length }, severity: 'error', verdict: null,
      error: null, warnings: 0, group: null, report: null, findings_top: [], duration_ms: 1,
      servers: [{ server: '10.0.2.2:8000', flows: 3, failed: idle.length, requests: 5, kinds: { 'idle-close-race': { count: idle.length, first: t, last: t + 1 } }, idle_s: idle, idle_timeout_s: timeouts }],
    });
    const a = rec('a', [2.01, 2.3], [2, 2], 100);
    const b = rec('b', [1.99], [2.1], 50);
    const c = rec('c', [2.5], [], 300);
    const x = aggregate([a, b, c], []);
    expect(aggregate([c, a, b], [])).toEqual(x);
    const s = x.servers[0]!;
    expect(s).toMatchObject({ server: '10.0.2.2:8000', flows: 9, files: 3, findings: 4, first_seen: 50, last_seen: 301 });
    expect(s.idle_close_race).toMatchObject({ count: 4, first_seen: 50, last_seen: 301, server_idle_timeout_s: 2, idle_s: { min: 1.99, median: 2.155, max: 2.5 } });
    expect(x.exit_code).toBe(1);
    const html = renderIndex([a], [{ type: 'skipped', path: '<b>"x"</b>', rel: 'x', reason: 'empty file' }], x, '/tmp/i.html');
    expect(html).not.toContain('<b>');
  });
});
