// The bench's floor: pcap-reset's reader and decoder alone (src/bench/stages.ts), and each
// speed target turned into a time budget beside it (src/bench/table.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStage } from '../../src/bench/stages.js';
import { walk } from '../../src/bench/walker.js';
import { budgets, renderMarkdown, type CaptureResult, type ToolStat } from '../../src/bench/table.js';
import { CAPTURES } from '../helpers/paths.js';

const stat = (tool: string, bestMs: number): ToolStat => ({ tool, bestMs, medianMs: bestMs, mbPerS: 0, packetsPerS: 0, peakRssMiB: 50 });

describe('stages', () => {
  it('reads and decodes every frame of a lab capture, as the walker counts them', async () => {
    const file = join(CAPTURES, 'idle-race-gunicorn-offload.pcap');
    const w = walk(file);
    const read = await runStage('read', file);
    const dec = await runStage('decode', file);
    expect(read.packets).toBe(w.packets);
    expect(read.tcp).toBe(0);
    expect(dec.packets).toBe(w.packets);
    expect(dec.tcp).toBe(w.tcp);
    expect(dec.tcp).toBeGreaterThan(100);
  });

  it('fails on a file that is not a capture', async () => {
    await expect(runStage('decode', join(CAPTURES, 'README.md'))).rejects.toThrow(/not a|magic|capture/i);
  });
});

describe('time budgets', () => {
  const keepalive: CaptureResult = {
    file: '/tmp/keepalive.pcap', name: 'keepalive.pcap', bytes: 1e9, packets: 1e6,
    stats: [stat('pcap-reset', 880), stat('walker', 340), stat('decode', 330), stat('tcptrace', 660), stat('tshark', 6000)],
  };

  it('turns each ratio target into wall time and sets the decode stage beside it', () => {
    const b = budgets(keepalive);
    expect(b.map((x) => x.target)).toEqual(['at most 2× the walker', '20× faster than tshark', 'faster than tcptrace']);
    expect(b.map((x) => x.budgetMs)).toEqual([680, 300, 660]);
    for (const x of b) {
      expect(x.decodeMs).toBe(330);
      expect(x.restMs).toBe(550);
    }
  });

  it('says how much faster the rest must become, and when no analysis could meet a target', () => {
    const md = renderMarkdown({
      started: 'now', loadBefore: [0, 0, 0], loadAfter: [0, 0, 0], node: 'v20', repeat: 1,
      captures: [{ ...keepalive, checks: [], budgets: budgets(keepalive) }],
    });
    // 680 - 330 = 350 ms left, 550 ms now: 1.6× faster.
    expect(md).toContain('| at most 2× the walker | 0.68 s | 0.33 s | 0.35 s | 0.55 s | 1.6× faster |');
    // tshark / 20 = 300 ms: less than reading and decoding alone.
    expect(md).toContain('| 20× faster than tshark | 0.30 s | 0.33 s | -0.03 s | 0.55 s | impossible |');
  });

  it('has nothing to say without the decode stage or for a capture without targets', () => {
    expect(budgets({ ...keepalive, stats: keepalive.stats.filter((s) => s.tool !== 'decode') })).toEqual([]);
    expect(budgets({ ...keepalive, name: 'other.pcap' })).toEqual([]);
  });
});
