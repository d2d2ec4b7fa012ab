/**
 * The whole pipeline (reader → decoder → connections → detectors → summary) on real
 * captures damaged on purpose, seeded and bounded: PCAP_RESET_FUZZ=N runs N inputs
 * (default 3000), PCAP_RESET_FUZZ_SEED another seed. For every input:
 *  - analyze() resolves (no exception) within a time bound;
 *  - a fatal problem is one line "NAME: offset N: what", at the damaged unit's offset;
 *  - damage that stops reading (truncation, huge / zero / unaligned / past-the-end
 *    lengths, wrong magic, a cut gzip stream) leaves exactly the records before it, and
 *    their analysis (connections, counts, findings) equals the clean capture's analysis
 *    cut to the same records (`maxPackets`);
 *  - damage inside one packet (IPv4 / TCP header cut, IHL < 5, data offset < 5) is a
 *    warning naming that frame; every other packet is still analyzed.
 * The reader's and decoder's own fuzz tests (test/reader, test/decode) cover their layers
 * with synthetic inputs; this one checks what a user sees, end to end.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MUTATIONS, mutate, recordsBefore, Rng, type Mutation } from './mutate.js';
import { analyzeBytes, Baselines, digest, errorOffset, loadSamples, RUNS, saveFailure, SEED, type Sample } from './samples.js';
import type { AnalysisResult } from '../../src/analyze/result.js';

/** Per-input bound (the largest sample takes ~50 ms; slack for a loaded 2-core machine). */
const INPUT_MS = 5000;

let samples: Sample[] = [];
const base = new Baselines();

beforeAll(async () => {
  samples = await loadSamples();
}, 60_000);

async function check(s: Sample, m: Mutation, label: string, asFile: boolean): Promise<AnalysisResult> {
  const name = `${s.name}~${m.kind}`;
  const t0 = performance.now();
  let r: AnalysisResult;
  try {
    r = await analyzeBytes(m.bytes, name, {}, asFile);
  } catch (e) {
    throw new Error(`${label}: analyze threw ${(e as Error)?.stack ?? e} (input saved to ${saveFailure(m.bytes, label)})`);
  }
  const ms = performance.now() - t0;
  if (ms >= INPUT_MS) expect.fail(`${label}: took ${ms.toFixed(0)} ms, more than ${INPUT_MS} (input saved to ${saveFailure(m.bytes, label)})`);
  const c = r.captures[0]!;
  const where = `${label} (${m.bytes.length} bytes, first damaged record ${m.firstDamaged}; error: ${c.error ?? 'none'})`;
  for (const w of [...c.warnings, ...r.summary.warnings]) expect(w, where).not.toMatch(/\n/);
  expect(c.warnings.length, where).toBeLessThanOrEqual(220);
  let off = -1;
  if (c.error !== undefined) off = errorOffset(c.error, name);

  if (m.stopsThere) {
    expect(c.error, `${where}: must stop with an error`).toBeDefined();
    if (m.errorAt !== undefined) expect(off, where).toBe(m.errorAt);
    if (m.firstDamaged >= 0) expect(c.packets, where).toBe(m.firstDamaged);
  }
  // Whatever stopped reading, the intact records before the damage were all read.
  if (c.error !== undefined && m.firstDamaged >= 0) expect(c.packets, where).toBeGreaterThanOrEqual(m.firstDamaged);
  // Reading stopped cleanly before any damaged record: what was read is analyzed exactly as
  // the clean capture's first records are.
  const intact = m.stopsThere || m.kind === 'truncate-at-boundary' || m.kind === 'gzip-truncated';
  if (intact && c.error !== undefined || m.kind === 'truncate-at-boundary') {
    if (m.kind !== 'gzip-truncated' || c.packets > 0 || m.firstDamaged !== -1) {
      const clean = await base.get(s, c.packets);
      expect(digest(r), `${where}: the records before the damage are analyzed as in the clean capture`).toEqual(digest(clean));
    }
  }
  if (m.kind === 'truncate-at-boundary') {
    expect(c.error, where).toBeUndefined();
    expect(c.packets, where).toBe(m.firstDamaged);
  }
  if (m.warning) {
    expect(c.error, where).toBeUndefined();
    expect(c.packets, where).toBe(s.layout.packets);
    const clean = await base.get(s, s.layout.packets);
    // The warning names the frame and its record's byte offset in the file.
    const unit = s.layout.units.find((u) => u.packet === m.firstDamaged)!;
    const frame = `frame ${m.firstDamaged + 1} (offset ${unit.off}): `;
    // (Corpus fuzz files: the packet may be malformed already, or the kind's warnings muted.)
    const already = clean.captures[0]!.warnings.some((w) => m.warning!.test(w) || w.includes(': ' + frame));
    if (!already) {
      expect(c.warnings.filter((w) => w.includes(': ' + frame) && m.warning!.test(w)), `${where}: warning for ${frame}${m.warning}`).toHaveLength(1);
    }
    // The damaged packet is no longer TCP (if it was: some corpus packets are malformed already); every other one still is.
    expect(r.summary.tcp_packets, where).toBeGreaterThanOrEqual(clean.summary.tcp_packets - 1);
    expect(r.summary.tcp_packets, where).toBeLessThanOrEqual(clean.summary.tcp_packets);
    if (s.name.endsWith('.pcap') && !s.name.includes('__')) expect(r.summary.tcp_packets, where).toBe(clean.summary.tcp_packets - 1);
  }
  return r;
}

describe('damaged real captures through analyze()', () => {
  it('has samples from captures/ and the shared corpus', () => {
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.some((s) => s.layout.format === 'pcapng')).toBe(true);
    expect(samples.some((s) => s.name.includes('__'))).toBe(true); // corpus files are named source__file
  });

  it(`${RUNS} seeded mutations: no exception, bounded time, errors name the offset, the intact prefix is analyzed`, async () => {
    const rng = new Rng(SEED);
    const seen = new Map<string, number>();
    let done = 0;
    for (let i = 0; done < RUNS && i < RUNS * 4; i++) {
      const kind = MUTATIONS[i % MUTATIONS.length]!;
      let s = rng.pick(samples);
      let m = mutate(s.bytes, s.layout, kind, rng);
      for (let t = 0; !m && t < 20; t++) {
        s = rng.pick(samples); // (pcapng-only or TCP-only mutations: find a sample they apply to)
        m = mutate(s.bytes, s.layout, kind, rng);
      }
      if (!m) continue;
      await check(s, m, `#${i} ${s.name} ${kind} seed ${SEED}`, i % 5 === 0);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      done++;
    }
    expect(done).toBe(RUNS);
    if (RUNS >= 500) for (const k of MUTATIONS) expect(seen.get(k) ?? 0, k).toBeGreaterThan(RUNS / MUTATIONS.length / 2);
  }, 600_000);

  it('truncation at every record and block boundary, and one byte past it', async () => {
    // Every corpus sample and one lab capture per container flavour (pcap, pcapng, nanosecond,
    // Linux cooked v1 / v2, gzip): each cut at every boundary must read as a shorter capture
    // (no error), each cut one byte further must stop with an error naming that boundary;
    // both analyze the records before the cut exactly as the clean capture does.
    const lab = ['idle-race-gunicorn-pcapng.pcapng', 'idle-race-gunicorn-nano.pcap', 'idle-race-gunicorn-sll.pcap',
      'idle-race-gunicorn-any.pcap', 'idle-race-gunicorn-gz.pcap.gz', 'request-timeout-nginx.pcap', 'syn-dropped.pcap'];
    const chosen = samples.filter((s) => lab.includes(s.name) || (s.name.includes('__') && s.layout.units.length <= 200));
    expect(chosen.length).toBeGreaterThan(40);
    let cuts = 0;
    for (const s of chosen) {
      for (const u of s.layout.units) {
        if (u.off === 0) continue;
        const k = recordsBefore(s.layout, u);
        await check(s, { kind: 'truncate-at-boundary', bytes: s.bytes.subarray(0, u.off), firstDamaged: k, stopsThere: false }, `${s.name} cut at ${u.off}`, false);
        await check(s, { kind: 'truncate-inside', bytes: s.bytes.subarray(0, u.off + 1), firstDamaged: k, stopsThere: true, errorAt: u.off },
          `${s.name} cut at ${u.off + 1}`, false);
        cuts += 2;
      }
    }
    expect(cuts).toBeGreaterThan(1000);
  }, 600_000);
});
