/**
 * The bare header walker (benchmark baseline, not part of the analyzer): what a
 * plain-JS pass over a classic pcap costs when it does nothing but walk record
 * headers, Ethernet / 802.1Q / IPv4 / TCP, find each packet's connection in a
 * numeric open-addressing table and count SYN / FIN / RST.
 *
 *   node dist/bench/walker.js FILE          prints one JSON line of counts
 *   node dist/bench/walker.js --raw FILE    only the read loop (the I/O floor)
 *
 * Synchronous reads of 4 MiB into one reused buffer, behind a small head room
 * for the tail of the previous chunk (so a read never lands at offset 0 of the
 * page-aligned allocation; see docs/performance.md).
 */
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 4 * 1024 * 1024;
const HEAD = 256 * 1024 + 64;

/** Open-addressing table of IPv4 4-tuples (direction-normalized) with per-flow counters. */
class FlowMap {
  cap = 1 << 16;
  keys = new Uint32Array(this.cap * 3);
  used = new Uint8Array(this.cap);
  count = 0;
  packets = new Float64Array(this.cap);

  find(a: number, b: number, ports: number): number {
    let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(ports, 0x85ebca6b), 0xc2b2ae35);
    h ^= h >>> 15;
    const mask = this.cap - 1;
    let i = h & mask;
    const k = this.keys;
    const u = this.used;
    for (;;) {
      if (u[i] === 0) break;
      const j = i * 3;
      if (k[j] === a && k[j + 1] === b && k[j + 2] === ports) return i;
      i = (i + 1) & mask;
    }
    u[i] = 1;
    k[i * 3] = a;
    k[i * 3 + 1] = b;
    k[i * 3 + 2] = ports;
    if (++this.count * 2 > this.cap) return this.grow(a, b, ports);
    return i;
  }

  private grow(a: number, b: number, ports: number): number {
    const { keys, used, packets, cap } = this;
    this.cap = cap * 2;
    this.keys = new Uint32Array(this.cap * 3);
    this.used = new Uint8Array(this.cap);
    this.packets = new Float64Array(this.cap);
    this.count = 0;
    let at = -1;
    for (let i = 0; i < cap; i++) {
      if (used[i] === 0) continue;
      const n = this.find(keys[i * 3]!, keys[i * 3 + 1]!, keys[i * 3 + 2]!);
      this.packets[n] = packets[i]!;
      if (keys[i * 3] === a && keys[i * 3 + 1] === b && keys[i * 3 + 2] === ports) at = n;
    }
    return at;
  }
}

export interface WalkResult {
  bytes: number;
  packets: number;
  tcp: number;
  flows: number;
  syn: number;
  fin: number;
  rst: number;
  ms: number;
}

export function walk(path: string, raw = false): WalkResult {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafeSlow(HEAD + CHUNK);
  const t0 = performance.now();
  const flows = new FlowMap();
  let bytes = 0, packets = 0, tcp = 0, syn = 0, fin = 0, rst = 0;
  let le = true;
  let started = false;
  let pos = HEAD, end = HEAD;
  try {
    for (;;) {
      // Keep the unconsumed tail just in front of HEAD, read the next chunk at HEAD.
      const tail = end - pos;
      if (tail > 0) buf.copy(buf, HEAD - tail, pos, end);
      pos = HEAD - tail;
      const n = readSync(fd, buf, HEAD, CHUNK, null);
      if (n === 0) break;
      bytes += n;
      end = HEAD + n;
      if (raw) { pos = end; continue; }
      if (!started) {
        if (end - pos < 24) continue;
        const m = buf.readUInt32LE(pos);
        le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
        if (buf.readUInt32LE(pos + 20) !== 1 && buf.readUInt32BE(pos + 20) !== 1) throw new Error('walker: Ethernet pcap only');
        pos += 24;
        started = true;
      }
      while (end - pos >= 16) {
        const cap = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
        if (end - pos < 16 + cap) break;
        const p = pos + 16;
        pos = p + cap;
        packets++;
        let e = 12;
        let et = (buf[p + e]! << 8) | buf[p + e + 1]!;
        if (et === 0x8100) { e += 4; et = (buf[p + e]! << 8) | buf[p + e + 1]!; }
        if (et !== 0x0800 || cap < e + 22) continue;
        const ip = p + e + 2;
        if (buf[ip + 9] !== 6) continue;
        const ihl = (buf[ip]! & 15) * 4;
        const th = ip + ihl;
        if (th + 14 > pos) continue;
        tcp++;
        const src = buf.readUInt32BE(ip + 12);
        const dst = buf.readUInt32BE(ip + 16);
        const sp = (buf[th]! << 8) | buf[th + 1]!;
        const dp = (buf[th + 2]! << 8) | buf[th + 3]!;
        const fwd = src < dst || (src === dst && sp <= dp);
        const i = fwd ? flows.find(src, dst, ((sp << 16) | dp) >>> 0) : flows.find(dst, src, ((dp << 16) | sp) >>> 0);
        flows.packets[i]!++;
        const fl = buf[th + 13]!;
        if (fl & 2) syn++;
        if (fl & 1) fin++;
        if (fl & 4) rst++;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, packets, tcp, flows: flows.count, syn, fin, rst, ms: performance.now() - t0 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const raw = args.includes('--raw');
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: walker.js [--raw] FILE\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(walk(file, raw)) + '\n');
}
