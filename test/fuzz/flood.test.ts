/**
 * Floods keep memory bounded. The lab's real SYN flood (captures/syn-flood.pcap.gz: 3000
 * half-open connections, captures/lab/scenarios/syn-flood.sh) is analyzed by the CLI under
 * `node --max-old-space-size=256`; then the same packets are streamed through stdin again and
 * again, each copy with its client moved to another address and its clock moved on, until
 * millions of half-open connections went by (generated on the fly, never written to disk):
 * the CLI must succeed within the same heap, warn that it evicted connections, and keep its
 * resident memory bounded.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, STACK, runCli } from '../helpers/cli.js';
import { CAPTURES } from '../helpers/paths.js';
import { layout, plain } from './mutate.js';

const FLOOD = join(CAPTURES, 'syn-flood.pcap.gz');
const HEAP = '--max-old-space-size=256';
/** Half-open connections streamed (PCAP_RESET_FLOOD_CONNS overrides). */
const CONNS = Number(process.env['PCAP_RESET_FLOOD_CONNS'] ?? 2_000_000);
/** Resident memory allowed: the 256 MB heap plus code, buffers and the young generation. */
const RSS_MB = 600;

describe('SYN flood (lab capture)', () => {
  it('is analyzed by the CLI within a 256 MB heap', () => {
    const r = runCli(['analyze', '--json', FLOOD], { env: { NODE_OPTIONS: HEAP }, timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.captures[0].error).toBeUndefined();
    expect(out.summary.states.open).toBeGreaterThanOrEqual(1000); // half-open: SYN and SYN-ACK, no ACK
    expect(out.summary.flows).toBe(out.flows.length);
  });

  it(`scaled to ${CONNS} half-open connections through stdin: bounded memory, eviction warning`, async () => {
    const bytes = plain(readFileSync(FLOOD));
    const l = layout(bytes)!;
    expect(l.format).toBe('pcap');
    expect(l.linkType).toBe(1);
    const client = Buffer.from([10, 0, 1, 1]);
    // Per record: where its timestamp and its client address (IPv4 source or destination) are.
    const recs = l.units.filter((u) => u.packet >= 0);
    const addrAt: number[] = [];
    for (const u of recs) {
      const ip = u.dataOff + 14;
      if (bytes.compare(client, 0, 4, ip + 12, ip + 16) === 0) addrAt.push(ip + 12);
      else if (bytes.compare(client, 0, 4, ip + 16, ip + 20) === 0) addrAt.push(ip + 16);
      else addrAt.push(-1);
    }
    const first = bytes.readUInt32LE(recs[0]!.off);
    const span = bytes.readUInt32LE(recs[recs.length - 1]!.off) - first + 1;
    // Connections per copy: distinct client ports (source port from the client, destination port to it).
    const ports = new Set<number>();
    recs.forEach((u, i) => {
      const at = addrAt[i]!;
      if (at >= 0) ports.add(bytes.readUInt16BE(u.dataOff + 34 + (at === u.dataOff + 14 + 12 ? 0 : 2)));
    });
    const perCopy = ports.size;
    const copies = Math.ceil(CONNS / perCopy);
    const body = bytes.subarray(24);
    const shift = 24;

    const t0 = Date.now();
    const child = spawn(process.execPath, [HEAP, CLI, 'analyze', '--json', '--no-progress', '-'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* exited */ }
    }, 100);
    const done = new Promise<number>((res) => child.on('close', (code) => res(code ?? -1)));
    child.stdin.on('error', () => undefined);

    const write = (b: Buffer) => (child.stdin.write(b) ? Promise.resolve() : new Promise<void>((r) => child.stdin.once('drain', () => r())));
    await write(bytes.subarray(0, 24));
    for (let c = 0; c < copies; c++) {
      const out = Buffer.from(body);
      // Client 10.64.0.0/10 + copy number; clock moved on by one capture length per copy.
      const a = [10, 64 | ((c >> 16) & 63), (c >> 8) & 255, c & 255];
      const dt = c * span;
      for (let i = 0; i < recs.length; i++) {
        const o = recs[i]!.off - shift;
        out.writeUInt32LE(out.readUInt32LE(o) + dt, o);
        const at = addrAt[i]!;
        if (at >= 0) { out[at - shift] = a[0]!; out[at - shift + 1] = a[1]!; out[at - shift + 2] = a[2]!; out[at - shift + 3] = a[3]!; }
      }
      await write(out);
    }
    child.stdin.end();
    const code = await done;
    clearInterval(poll);
    const secs = (Date.now() - t0) / 1000;

    const where = `exit ${code} after ${secs.toFixed(1)} s, peak RSS ${(peakKb / 1024).toFixed(0)} MB, stderr ${stderr.slice(0, 2000)}`;
    expect(stderr, where).not.toMatch(STACK);
    expect(code, where).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.summary.flows, where).toBeGreaterThanOrEqual(CONNS);
    expect(out.summary.tcp_packets, where).toBe(copies * recs.length);
    expect(out.summary.states.open, where).toBeGreaterThanOrEqual(CONNS * 0.99);
    expect(out.flows.length, where).toBe(100_000);
    const warnings: string[] = out.summary.warnings;
    expect(warnings.some((w) => /^stdin: more than \d+ open connections at once: \d+ connections were finalized early, least recently active first/.test(w)), JSON.stringify(warnings)).toBe(true);
    expect(warnings.some((w) => /connections not listed in flows/.test(w))).toBe(true);
    expect(peakKb / 1024, where).toBeLessThan(RSS_MB);
    console.log(`flood: ${out.summary.flows} connections, ${out.summary.tcp_packets} packets in ${secs.toFixed(1)} s, peak RSS ${(peakKb / 1024).toFixed(0)} MB; warnings: ${warnings.join(" | ")}`);
  }, 180_000);
});
