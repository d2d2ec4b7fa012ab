// The bench's floor: pcap-reset's reader and decoder alone (src/bench/stages.ts), and each
// speed target turned into a time budget beside it (src/bench/table.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStage } from '../../src/bench/stages.js';
import { walk } from '../../src/bench/walker.js';
import { budgets, evaluate, renderMarkdown, type CaptureResult, type ToolStat } from '../../src/bench/table.js';
import { CAPTURES } from '../helpers/paths.js';

describe('stages', () => {
  it('reads and decodes every frame of a lab capture, as the walker counts them', async () => {
    const file = join(CAPTURES, 'idle-race-gunicorn-offload.pcap');
    const w = walk(file);
    const read = await runStage('read', file);
    const dec = await runStage('decode', file);
    expect(read.packets).toBe(w.packets);
    expect(dec.packets).toBe(w.packets);
    expect(dec.tcp).toBe(w.tcp);
    expect(dec.tcp).toBeGreaterThan(100);
  });

  it('fails on a file that is not a capture, with the reader\'s message', async () => {
    await expect(runStage('decode', join(CAPTURES, 'README.md'))).rejects.toThrow(/offset 0: not a pcap or pcapng capture/);
  });
});

const stat = (tool: string, bestMs: number, ownInput = false): ToolStat => ({
  tool, bestMs, medianMs: bestMs, mbPerS: ownInput ? null : 1000, packetsPerS: ownInput ? null : 1e6, peakRssMiB: 50,
});
const report = (...captures: CaptureResult[]) => renderMarkdown({
  started: 'now', loadBefore: [0, 0, 0], loadAfter: [0, 0, 0], node: 'v20', repeat: 1,
  captures: captures.map((c) => ({ ...c, checks: evaluate(c), budgets: budgets(c) })),
});

describe('time budgets', () => {
  const keepalive: CaptureResult = {
    file: '/tmp/keepalive.pcap', name: 'keepalive.pcap', bytes: 1e9, packets: 1e6,
    stats: [stat('pcap-reset', 880), stat('walker', 340), stat('decode', 330), stat('start', 130, true), stat('tcptrace', 660), stat('tshark', 6000)],
  };
  const tiny: CaptureResult = {
    file: '/tmp/tiny.pcap', name: 'tiny.pcap', bytes: 3e8, packets: 3e6,
    stats: [stat('pcap-reset', 2700), stat('walker', 310), stat('decode', 390), stat('tcptrace', 9480), stat('tshark', 13730)],
  };

  it('turns each ratio target into wall time and sets the decode stage beside it', () => {
    const b = budgets(keepalive)!;
    expect(b.targets.map((x) => x.target)).toEqual(['at most 2× the walker', '20× faster than tshark', 'faster than tcptrace']);
    expect(b.targets.map((x) => x.budgetMs)).toEqual([680, 300, 660]);
    expect(b.decodeMs).toBe(330);
    expect(b.restMs).toBe(550);
    expect(budgets(tiny)!.targets.map((x) => [x.target, Math.round(x.budgetMs)])).toEqual([
      ['at most 3× the walker', 930], ['7× faster than tshark', 1961], ['1.5× faster than tcptrace', 6320],
    ]);
  });

  it('says how much faster the rest must become, when it is met, and when no analysis could meet a target', () => {
    const md = report(keepalive, tiny);
    // 680 - 330 = 350 ms left, 550 ms now: 1.6× faster.
    expect(md).toContain('| at most 2× the walker | 0.68 s | 0.33 s | 0.35 s | 0.55 s | 1.6× faster |');
    // tshark / 20 = 300 ms: less than reading and decoding alone.
    expect(md).toContain('| 20× faster than tshark | 0.30 s | 0.33 s | -0.03 s | 0.55 s | impossible |');
    expect(md).toContain('| 1.5× faster than tcptrace | 6.32 s | 0.39 s | 5.93 s | 2.31 s | met |');
    // The explanation comes once, before the first budget table.
    expect(md.split('Time budgets:').length).toBe(2);
    // `start` reads its own capture: no rates, no ratio.
    expect(md).toContain('| start | 0.13 s | 0.13 s | - | - | 50 MiB | - |');
  });

  it('agrees with the checks on a tie: "faster than tcptrace" is strict, "at most 2× the walker" is not', () => {
    const tie: CaptureResult = { ...keepalive, stats: [stat('pcap-reset', 660), stat('walker', 330), stat('decode', 330), stat('tcptrace', 660)] };
    const md = report(tie);
    expect(md).toContain('- met: pcap-reset / walker time <= 2: 2.00');
    expect(md).toContain('| at most 2× the walker | 0.66 s | 0.33 s | 0.33 s | 0.33 s | met |');
    expect(md).toContain('- **missed**: tcptrace / pcap-reset time > 1: 1.00');
    expect(md).toContain('| faster than tcptrace | 0.66 s | 0.33 s | 0.33 s | 0.33 s | 1.0× faster |');
  });

  it('has nothing to say without the decode stage or for a capture without targets', () => {
    expect(budgets({ ...keepalive, stats: keepalive.stats.filter((s) => s.tool !== 'decode') })).toBeUndefined();
    expect(budgets({ ...keepalive, name: 'other.pcap' })).toBeUndefined();
    expect(evaluate({ ...keepalive, name: 'other.pcap' }).map((c) => c.what)).toEqual([
      'pcap-reset / walker time', 'tshark / pcap-reset time', 'tcptrace / pcap-reset time', 'pcap-reset peak RSS <= 200 MiB',
    ]);
  });
});
