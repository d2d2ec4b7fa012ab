/**
 * Seeded, structure-aware damage for whole captures (the fuzz tests of the pipeline).
 *
 * A capture is split into its units (pcap: file header + records; pcapng: blocks), so
 * damage can be aimed: truncation at or just after a record/block boundary, huge, zero
 * and unaligned length fields, wrong magic, bit flips, broken gzip streams, and IPv4 /
 * TCP headers cut or given impossible lengths inside one packet. Each mutation says
 * which record it damaged first, and whether reading must stop there (a fatal error
 * naming its offset) or go on with a warning.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** xorshift32: small, seeded, reproducible. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0 || 0x9e3779b9;
  }
  next(): number {
    let s = this.s;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.s = s;
    return s >>> 0;
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

export interface Unit {
  /** Byte offset of the record / block in the (decompressed) capture. */
  off: number;
  len: number;
  /** Index among the packet records (0-based), -1 for headers and non-packet blocks. */
  packet: number;
  /** Where the packet bytes start and how many were captured (packet units only). */
  dataOff: number;
  capLen: number;
  /** Offset of the caplen field (packet units) or of the block length field (pcapng). */
  lenField: number;
}

export interface Layout {
  format: 'pcap' | 'pcapng';
  le: boolean;
  units: Unit[];
  /** Packet records in the file. */
  packets: number;
  /** Link type (pcap) or the first interface's (pcapng). */
  linkType: number;
}

/** Split a plain pcap / pcapng file into units; null when the bytes are not one (or are already damaged). */
export function layout(b: Buffer): Layout | null {
  if (b.length < 24) return null;
  const m = b.readUInt32LE(0);
  if (m === 0x0a0d0d0a) return pcapngLayout(b);
  const magics = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34];
  let le: boolean;
  if (magics.includes(m)) le = true;
  else if (magics.includes(b.readUInt32BE(0))) le = false;
  else return null;
  const magic = le ? m : b.readUInt32BE(0);
  const hl = magic === 0xa1b2cd34 ? 24 : 16;
  const rd = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const units: Unit[] = [{ off: 0, len: 24, packet: -1, dataOff: 0, capLen: 0, lenField: -1 }];
  let p = 24;
  let n = 0;
  while (p + hl <= b.length) {
    const cap = rd(p + 8);
    if (cap > 262144 || p + hl + cap > b.length) return null;
    units.push({ off: p, len: hl + cap, packet: n++, dataOff: p + hl, capLen: cap, lenField: p + 8 });
    p += hl + cap;
  }
  if (p !== b.length) return null;
  return { format: 'pcap', le, units, packets: n, linkType: rd(20) & 0xffff };
}

function pcapngLayout(b: Buffer): Layout | null {
  const units: Unit[] = [];
  let p = 0;
  let le = true;
  let n = 0;
  let linkType = -1;
  while (p + 12 <= b.length) {
    const t0 = b.readUInt32LE(p);
    if (t0 === 0x0a0d0d0a) {
      const bom = b.readUInt32LE(p + 8);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else return null;
    }
    const rd = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const type = le ? t0 : b.readUInt32BE(p);
    const len = rd(p + 4);
    if (len < 12 || len % 4 !== 0 || p + len > b.length) return null;
    if (type === 1 && linkType < 0) linkType = le ? b.readUInt16LE(p + 8) : b.readUInt16BE(p + 8);
    if (type === 6 && len >= 32) {
      const cap = rd(p + 20);
      if (28 + cap > len - 4) return null;
      units.push({ off: p, len, packet: n++, dataOff: p + 28, capLen: cap, lenField: p + 4 });
    } else if (type === 3 || type === 2) {
      units.push({ off: p, len, packet: n++, dataOff: -1, capLen: 0, lenField: p + 4 });
    } else {
      units.push({ off: p, len, packet: -1, dataOff: -1, capLen: 0, lenField: p + 4 });
    }
    p += len;
  }
  if (p !== b.length) return null;
  return { format: 'pcapng', le, units, packets: n, linkType };
}

/**
 * Packet records before unit `u` in the file (a packet unit's own index): the records that
 * damage starting at `u` leaves intact.
 */
export function recordsBefore(l: Layout, u: Unit): number {
  return l.units.filter((x) => x.packet >= 0 && x.off < u.off).length;
}

export interface Mutation {
  kind: string;
  bytes: Buffer;
  /**
   * The first packet record the damage touches (0-based): records before it are intact.
   * -1: the damage is before the first record (headers, magic) or spread (gzip flips).
   */
  firstDamaged: number;
  /** Reading must stop with a fatal error at `firstDamaged` (so exactly `firstDamaged` records are read). */
  stopsThere: boolean;
  /** A decoder warning is expected for frame firstDamaged + 1 matching this. */
  warning?: RegExp;
  /** The byte offset the fatal error must name, when known. */
  errorAt?: number;
}

const HUGE = [0xffffffff, 0x7fffffff, 0x01000000, 262145, 16 * 1024 * 1024 + 4];

/** Byte offset where an IPv4 header starts in a packet of this link type, -1 when unknown. */
function ipOffset(b: Buffer, u: Unit, linkType: number): number {
  if (u.dataOff < 0) return -1;
  let o: number;
  switch (linkType) {
    case 1: {
      if (u.capLen < 14) return -1;
      let et = b.readUInt16BE(u.dataOff + 12);
      o = u.dataOff + 14;
      while ((et === 0x8100 || et === 0x88a8) && o + 4 <= u.dataOff + u.capLen) {
        et = b.readUInt16BE(o + 2);
        o += 4;
      }
      if (et !== 0x0800) return -1;
      break;
    }
    case 113:
      if (u.capLen < 16 || b.readUInt16BE(u.dataOff + 14) !== 0x0800) return -1;
      o = u.dataOff + 16;
      break;
    case 276:
      if (u.capLen < 20 || b.readUInt16BE(u.dataOff) !== 0x0800) return -1;
      o = u.dataOff + 20;
      break;
    case 101:
    case 228:
      o = u.dataOff;
      break;
    default:
      return -1;
  }
  if (o + 20 > u.dataOff + u.capLen || b[o]! >> 4 !== 4) return -1;
  return o;
}

/** Records carrying an unfragmented IPv4 TCP header we can aim at: [unit, ip offset]. */
function tcpPackets(b: Buffer, l: Layout): Array<[Unit, number]> {
  const out: Array<[Unit, number]> = [];
  for (const u of l.units) {
    if (u.packet < 0) continue;
    const o = ipOffset(b, u, l.linkType);
    if (o < 0 || b[o + 9] !== 6 || (b.readUInt16BE(o + 6) & 0x3fff) !== 0) continue;
    const ihl = (b[o]! & 15) * 4;
    if (ihl < 20 || o + ihl + 20 > u.dataOff + u.capLen) continue;
    out.push([u, o]);
  }
  return out;
}

function wr32(b: Buffer, l: Layout, at: number, v: number): void {
  if (l.le) b.writeUInt32LE(v >>> 0, at);
  else b.writeUInt32BE(v >>> 0, at);
}

/** Cut a packet record to `keep` captured bytes, fixing its length fields (the file stays well-formed). */
function cutRecord(b: Buffer, l: Layout, u: Unit, keep: number): Buffer {
  if (l.format === 'pcap') {
    const hdr = Buffer.from(b.subarray(u.off, u.dataOff));
    wr32(hdr, l, 8, keep);
    return Buffer.concat([b.subarray(0, u.off), hdr, b.subarray(u.dataOff, u.dataOff + keep), b.subarray(u.off + u.len)]);
  }
  // pcapng EPB: header (28) + data padded to 4 + options + trailing length.
  const padded = (keep + 3) & ~3;
  const optStart = u.dataOff + ((u.capLen + 3) & ~3);
  const opts = b.subarray(optStart, u.off + u.len - 4);
  const len = 28 + padded + opts.length + 4;
  const blk = Buffer.alloc(len);
  b.copy(blk, 0, u.off, u.off + 28);
  b.copy(blk, 28, u.dataOff, u.dataOff + keep);
  opts.copy(blk, 28 + padded);
  wr32(blk, l, 4, len);
  wr32(blk, l, 20, keep);
  wr32(blk, l, len - 4, len);
  return Buffer.concat([b.subarray(0, u.off), blk, b.subarray(u.off + u.len)]);
}

export const MUTATIONS = [
  'truncate-at-boundary', 'truncate-inside', 'huge-length', 'zero-length', 'unaligned-block', 'block-past-eof',
  'wrong-magic', 'bit-flips', 'cut-ip-header', 'cut-tcp-header', 'ihl-below-5', 'doff-below-5', 'gzip-truncated',
  'gzip-corrupt',
] as const;
export type MutationKind = (typeof MUTATIONS)[number];

/**
 * Apply one mutation of `kind` to the plain capture `clean` (laid out as `l`).
 * Returns null when the mutation does not apply to this capture (e.g. no TCP packet).
 */
export function mutate(clean: Buffer, l: Layout, kind: MutationKind, rng: Rng): Mutation | null {
  const b = Buffer.from(clean);
  const packets = l.units.filter((u) => u.packet >= 0);
  const anyPacket = () => rng.pick(packets);
  switch (kind) {
    case 'truncate-at-boundary': {
      // A cut exactly between two units: a shorter, valid capture (no error at all).
      const u = rng.pick(l.units.slice(1));
      return { kind, bytes: b.subarray(0, u.off), firstDamaged: recordsBefore(l, u), stopsThere: false };
    }
    case 'truncate-inside': {
      const u = rng.pick(l.units);
      const at = u.off + 1 + rng.int(u.len - 1);
      return { kind, bytes: b.subarray(0, at), firstDamaged: recordsBefore(l, u), stopsThere: true, errorAt: u.off };
    }
    case 'huge-length': {
      if (!packets.length) return null;
      const u = anyPacket();
      const v = rng.pick(HUGE);
      wr32(b, l, u.lenField, v);
      return { kind, bytes: b, firstDamaged: u.packet, stopsThere: true, errorAt: u.off };
    }
    case 'zero-length': {
      if (!packets.length) return null;
      const u = anyPacket();
      wr32(b, l, u.lenField, 0);
      // pcap: a caplen of 0 is legal, what follows is misread (garbage, not necessarily fatal);
      // pcapng: a block length below 12 is fatal.
      return { kind, bytes: b, firstDamaged: u.packet, stopsThere: l.format === 'pcapng', ...(l.format === 'pcapng' ? { errorAt: u.off } : {}) };
    }
    case 'unaligned-block': {
      if (l.format !== 'pcapng') return null;
      const u = rng.pick(l.units.slice(1));
      wr32(b, l, u.lenField, u.len + 1 + rng.int(3));
      return { kind, bytes: b, firstDamaged: recordsBefore(l, u), stopsThere: true, errorAt: u.off };
    }
    case 'block-past-eof': {
      const u = rng.pick(packets.length ? packets : l.units.slice(1));
      if (!u || u.lenField < 0) return null;
      // The length field names a block / record running past the end of the file.
      const rest = b.length - u.off;
      const v = l.format === 'pcapng' ? ((rest + 4 + rng.int(4096)) & ~3) : u.capLen + rest;
      if (l.format === 'pcap' && v > 262144) return null;
      wr32(b, l, u.lenField, v);
      return { kind, bytes: b, firstDamaged: u.packet >= 0 ? u.packet : 0, stopsThere: true, errorAt: u.off };
    }
    case 'wrong-magic': {
      b.writeUInt32LE(rng.pick([0, 0xffffffff, 0xa1b2c3d5, 0x0a0d0d0b, 0x1f8b0000, rng.next()]), 0);
      if (b[0] === 0x1f && b[1] === 0x8b) b[1] = 0;
      return { kind, bytes: b, firstDamaged: -1, stopsThere: true, errorAt: 0 };
    }
    case 'bit-flips': {
      const n = 1 + rng.int(8);
      let first = Infinity;
      for (let i = 0; i < n; i++) {
        const at = rng.int(b.length);
        b[at] = b[at]! ^ (1 << rng.int(8));
        const u = l.units.find((x) => at >= x.off && at < x.off + x.len)!;
        if (u.packet < 0 && u.off === 0) first = -1;
        else if (first !== -1) first = Math.min(first, recordsBefore(l, u));
      }
      return { kind, bytes: b, firstDamaged: first, stopsThere: false };
    }
    case 'cut-ip-header':
    case 'cut-tcp-header':
    case 'ihl-below-5':
    case 'doff-below-5': {
      const cands = tcpPackets(b, l);
      if (!cands.length) return null;
      const [u, o] = rng.pick(cands);
      const ihl = (b[o]! & 15) * 4;
      if (kind === 'cut-ip-header') {
        const keep = o - u.dataOff + 1 + rng.int(19);
        return { kind, bytes: cutRecord(b, l, u, keep), firstDamaged: u.packet, stopsThere: false, warning: /IPv4 header cut|IPv4 options cut/ };
      }
      if (kind === 'cut-tcp-header') {
        const keep = o - u.dataOff + ihl + rng.int(20);
        return { kind, bytes: cutRecord(b, l, u, keep), firstDamaged: u.packet, stopsThere: false, warning: /TCP header cut/ };
      }
      if (kind === 'ihl-below-5') {
        b[o] = 0x40 | rng.int(5);
        return { kind, bytes: b, firstDamaged: u.packet, stopsThere: false, warning: /IPv4 header length \d+ < 20/ };
      }
      b[o + ihl + 12] = (rng.int(5) << 4) | (b[o + ihl + 12]! & 15);
      return { kind, bytes: b, firstDamaged: u.packet, stopsThere: false, warning: /TCP data offset \d < 5/ };
    }
    case 'gzip-truncated': {
      const gz = gzipSync(b);
      // Cut inside the deflate data or its trailer (CRC, size): never a clean stream.
      const at = 10 + rng.int(gz.length - 10);
      return { kind, bytes: gz.subarray(0, at), firstDamaged: -1, stopsThere: true };
    }
    case 'gzip-corrupt': {
      const gz = Buffer.from(gzipSync(b));
      const n = 1 + rng.int(4);
      for (let i = 0; i < n; i++) {
        const at = 10 + rng.int(gz.length - 10);
        gz[at] = gz[at]! ^ (1 << rng.int(8));
      }
      return { kind, bytes: gz, firstDamaged: -1, stopsThere: false };
    }
  }
}

/** The plain bytes of a capture file (gunzipped when it is gzip). */
export function plain(bytes: Buffer): Buffer {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}
