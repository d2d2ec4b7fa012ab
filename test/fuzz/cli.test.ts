/**
 * Damaged captures through the real CLI (dist/cli.js), a seeded sample of the mutations of
 * pipeline.test.ts: the exit code is 0/1, or 2 with exactly one stderr line
 * "pcap-reset: FILE: offset N: what" while stdout still reports what was read before the
 * damage; never a stack trace; each run within a time bound. Also --max-packets and
 * --time-range, which analyze part of a huge capture, and the HTML report of a damaged
 * capture full of hostile strings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, STACK } from '../helpers/cli.js';
import { CAPTURES } from '../helpers/paths.js';
import { escapeRegExp } from '../helpers/regex.js';
import { tempDir, tempFile } from '../helpers/temp.js';
import { layout, mutate, MUTATIONS, Rng } from './mutate.js';
import { loadSamples, SEED, type Sample } from './samples.js';

const RUN_MS = 15_000;
const CLI_RUNS = Math.max(6, Math.round(Number(process.env['PCAP_RESET_FUZZ'] ?? 3000) / 100));

let samples: Sample[] = [];
beforeAll(async () => {
  samples = await loadSamples();
}, 60_000);

describe('the CLI on damaged captures', () => {
  it(`${CLI_RUNS} seeded damaged captures: exit 0/1/2, one-line errors with the offset, no stack trace`, () => {
    const rng = new Rng(SEED ^ 0x51);
    let errors = 0;
    for (let i = 0; i < CLI_RUNS; i++) {
      const kind = MUTATIONS[i % MUTATIONS.length]!;
      let s = rng.pick(samples);
      let m = mutate(s.bytes, s.layout, kind, rng);
      for (let t = 0; !m && t < 20; t++) m = mutate((s = rng.pick(samples)).bytes, s.layout, kind, rng);
      if (!m) continue;
      const file = tempFile(m.bytes, `cli-${i}-${kind}.pcap`);
      const json = i % 2 === 0;
      const r = runCli(['analyze', ...(json ? ['--json'] : []), file], { timeoutMs: RUN_MS });
      const where = `${s.name} ${kind} (#${i}, ${file}): exit ${r.status}, stderr ${JSON.stringify(r.stderr)}`;
      expect(r.error, `${where}: finished within ${RUN_MS} ms`).toBeUndefined();
      expect([0, 1, 2], where).toContain(r.status);
      expect(r.stderr, where).not.toMatch(STACK);
      expect(r.stderr, where).not.toMatch(/internal error/);
      const lines = r.stderr.split('\n').filter(Boolean);
      if (r.status === 2) {
        errors++;
        expect(lines, where).toHaveLength(1);
        expect(lines[0], where).toMatch(new RegExp(`^pcap-reset: ${escapeRegExp(file)}: offset \\d+: \\S`));
      } else {
        expect(lines, where).toEqual([]);
      }
      if (m.stopsThere) expect(r.status, where).toBe(2);
      // What came before the damage is still reported.
      if (json) {
        const out = JSON.parse(r.stdout);
        if (m.stopsThere && m.firstDamaged >= 0) expect(out.captures[0].packets, where).toBe(m.firstDamaged);
        if (r.status === 2) expect(out.captures[0].error, where).toBe(lines[0]!.slice('pcap-reset: '.length));
      } else {
        expect(r.stdout, where).toMatch(/^Capture$/m);
        if (m.stopsThere && m.firstDamaged >= 0) expect(r.stdout, where).toContain(`, ${m.firstDamaged} packets`);
      }
    }
    expect(errors).toBeGreaterThan(0);
  }, 300_000);

  it('a capture cut in the middle of a record: exit 2, the error names the offset, the rest is analyzed', () => {
    const bytes = readFileSync(join(CAPTURES, 'idle-race-gunicorn.pcap'));
    const l = layout(bytes)!;
    const u = l.units[101]!; // record 100
    const file = tempFile(bytes.subarray(0, u.off + 10), 'cut.pcap');
    const r = runCli(['analyze', '--json', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`pcap-reset: ${file}: offset ${u.off}: truncated record: 10 of 16 bytes\n`);
    const out = JSON.parse(r.stdout);
    expect(out.captures[0].packets).toBe(100);
    expect(out.flows.length).toBeGreaterThan(0);
    const whole = JSON.parse(runCli(['analyze', '--json', '--max-packets', '100', join(CAPTURES, 'idle-race-gunicorn.pcap')]).stdout);
    expect(out.flows).toEqual(whole.flows);
    expect(out.summary.findings_by_kind).toEqual(whole.summary.findings_by_kind);
  });

  it('an HTML report of a damaged capture with hostile HTTP paths stays inert', () => {
    const bytes = readFileSync(join(CAPTURES, 'hostile-paths.pcap'));
    const rng = new Rng(SEED ^ 0x77);
    for (let i = 0; i < 3; i++) {
      const m = mutate(bytes, layout(bytes)!, i === 0 ? 'bit-flips' : i === 1 ? 'truncate-inside' : 'cut-tcp-header', rng)!;
      const file = tempFile(m.bytes, `hostile-${i}.pcap`);
      const html = join(tempDir(), `hostile-${i}.html`);
      const r = runCli(['analyze', file, '--html', html]);
      expect([0, 1, 2]).toContain(r.status);
      expect(r.stderr).not.toMatch(STACK);
      const page = readFileSync(html, 'utf8');
      expect(page.match(/<script/gi)?.length).toBe(2); // the client script and the inert JSON block only
      expect(page).not.toMatch(/<svg\/onload|<script>alert/i);
    }
  });
});

describe('analyzing part of a huge capture', () => {
  const cap = join(CAPTURES, 'refused.pcap');

  it('--max-packets N reads only the first N packets', () => {
    const r = runCli(['analyze', '--json', '--max-packets', '50', cap]);
    expect([0, 1]).toContain(r.status);
    const out = JSON.parse(r.stdout);
    expect(out.captures[0].packets).toBe(50);
    expect(out.captures[0].error).toBeUndefined();
    expect(runCli(['analyze', '--max-packets', '0', cap]).status).toBe(2);
    expect(runCli(['analyze', '--max-packets', 'x', cap]).stderr).toMatch(/expected a positive whole number/);
  });

  it('--time-range START,END analyzes only the packets in [START, END)', () => {
    const all = JSON.parse(runCli(['analyze', '--json', cap]).stdout);
    const { first, last } = all.captures[0];
    const start = first + (last - first) / 3;
    const end = first + (2 * (last - first)) / 3;
    const bytes = readFileSync(cap);
    const l = layout(bytes)!;
    const times = l.units.filter((u) => u.packet >= 0).map((u) => bytes.readUInt32LE(u.off) + bytes.readUInt32LE(u.off + 4) / 1e6);
    const inRange = times.filter((t) => t >= start && t < end).length;
    const out = JSON.parse(runCli(['analyze', '--json', '--time-range', `${start},${end}`, cap]).stdout);
    expect(out.summary.tcp_packets).toBe(inRange);
    expect(out.summary.tcp_packets).toBeGreaterThan(0);
    for (const f of out.flows) expect(f.start >= start - 1e-6 && f.end < end).toBe(true);
    const iso = (t: number) => new Date(t * 1000).toISOString();
    const out2 = JSON.parse(runCli(['analyze', '--json', '--time-range', `${iso(start)},`, cap]).stdout);
    expect(out2.summary.tcp_packets).toBe(times.filter((t) => t >= Math.floor(start * 1000) / 1000).length);
    const bad = runCli(['analyze', '--time-range', '5,1', cap]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('pcap-reset: --time-range: END must be after START\n');
  });
});
