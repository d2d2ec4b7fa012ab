/**
 * Test helpers: hand-built pcap / pcapng byte buffers (draft-ietf-opsawg-pcap,
 * draft-ietf-opsawg-pcapng), and reading them back (files via ../helpers/temp.ts).
 */
import { Readable } from 'node:stream';
import { readCapture } from '../../src/reader/read.js';
import type { CaptureInfo, Frame, ReadOptions } from '../../src/reader/frame.js';
import { tempFile } from '../helpers/temp.js';

// ---------- classic pcap ----------

export type PcapKind = 'us' | 'ns' | 'modified';

export interface PcapRecord {
  sec: number;
  frac: number;
  data: Buffer;
  /** Defaults to data.length. */
  wire?: number;
  /** Written caplen; defaults to data.length (set it to lie about the length). */
  caplen?: number;
  /** Modified pcap only. */
  pktType?: number;
}

const MAGIC = { us: 0xa1b2c3d4, ns: 0xa1b23c4d, modified: 0xa1b2cd34 } as const;

export function pcapHeader(le: boolean, kind: PcapKind, snaplen = 65535, network = 1, major = 2): Buffer {
  const b = Buffer.alloc(24);
  const w32 = (v: number, o: number) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  const w16 = (v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  w32(MAGIC[kind], 0);
  w16(major, 4);
  w16(4, 6);
  w32(0, 8);
  w32(0, 12);
  w32(snaplen, 16);
  w32(network, 20);
  return b;
}

export function pcapRecord(le: boolean, kind: PcapKind, r: PcapRecord): Buffer {
  const hl = kind === 'modified' ? 24 : 16;
  const b = Buffer.alloc(hl);
  const w32 = (v: number, o: number) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  w32(r.sec, 0);
  w32(r.frac, 4);
  w32(r.caplen ?? r.data.length, 8);
  w32(r.wire ?? r.data.length, 12);
  if (kind === 'modified') {
    w32(3, 16); // ifindex
    if (le) b.writeUInt16LE(0x0800, 20);
    else b.writeUInt16BE(0x0800, 20);
    b[22] = r.pktType ?? 0;
  }
  return Buffer.concat([b, r.data]);
}

export function pcapFile(
  le: boolean,
  kind: PcapKind,
  records: PcapRecord[],
  opts: { snaplen?: number; network?: number } = {},
): Buffer {
  return Buffer.concat([
    pcapHeader(le, kind, opts.snaplen ?? 65535, opts.network ?? 1),
    ...records.map((r) => pcapRecord(le, kind, r)),
  ]);
}

/** Distinct payload bytes for packet i. */
export function payload(i: number, len = 20 + (i % 7)): Buffer {
  const b = Buffer.alloc(len);
  for (let k = 0; k < len; k++) b[k] = (i * 31 + k * 7) & 0xff;
  return b;
}

// ---------- pcapng ----------

export interface Opt {
  code: number;
  value: Buffer;
}

export function u32(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

export function u16(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

function pad4(b: Buffer): Buffer {
  const r = b.length % 4;
  return r === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - r)]);
}

export function options(le: boolean, opts: Opt[]): Buffer {
  if (opts.length === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const o of opts) parts.push(u16(le, o.code), u16(le, o.value.length), pad4(o.value));
  parts.push(u16(le, 0), u16(le, 0));
  return Buffer.concat(parts);
}

export function block(le: boolean, type: number, body: Buffer, lenOverride?: number, trailOverride?: number): Buffer {
  const b = pad4(body);
  const len = 12 + b.length;
  return Buffer.concat([u32(le, type), u32(le, lenOverride ?? len), b, u32(le, trailOverride ?? lenOverride ?? len)]);
}

export function shb(le: boolean, opts: Opt[] = [], major = 1, minor = 0): Buffer {
  const body = Buffer.concat([
    u32(le, 0x1a2b3c4d),
    u16(le, major),
    u16(le, minor),
    Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    options(le, opts),
  ]);
  return block(le, 0x0a0d0d0a, body);
}

export function idb(le: boolean, linkType: number, snaplen = 0, opts: Opt[] = []): Buffer {
  return block(le, 1, Buffer.concat([u16(le, linkType), u16(le, 0), u32(le, snaplen), options(le, opts)]));
}

export function tsresol(v: number): Opt {
  return { code: 9, value: Buffer.from([v]) };
}

export function tsoffset(le: boolean, seconds: number): Opt {
  const b = Buffer.alloc(8);
  if (le) b.writeBigInt64LE(BigInt(seconds));
  else b.writeBigInt64BE(BigInt(seconds));
  return { code: 14, value: b };
}

export function flags(le: boolean, v: number): Opt {
  return { code: 2, value: u32(le, v) };
}

/** 64-bit timestamp as [hi, lo]. */
export function ts64(units: bigint): [number, number] {
  return [Number(units >> 32n), Number(units & 0xffffffffn)];
}

export function epb(le: boolean, ifid: number, units: bigint, data: Buffer, opts: Opt[] = [], wire?: number): Buffer {
  const [hi, lo] = ts64(units);
  return block(
    le,
    6,
    Buffer.concat([
      u32(le, ifid),
      u32(le, hi),
      u32(le, lo),
      u32(le, data.length),
      u32(le, wire ?? data.length),
      pad4(data),
      options(le, opts),
    ]),
  );
}

export function pb(le: boolean, ifid: number, units: bigint, data: Buffer, opts: Opt[] = []): Buffer {
  const [hi, lo] = ts64(units);
  return block(
    le,
    2,
    Buffer.concat([
      u16(le, ifid),
      u16(le, 0),
      u32(le, hi),
      u32(le, lo),
      u32(le, data.length),
      u32(le, data.length),
      pad4(data),
      options(le, opts),
    ]),
  );
}

export function spb(le: boolean, data: Buffer, wire?: number): Buffer {
  return block(le, 3, Buffer.concat([u32(le, wire ?? data.length), pad4(data)]));
}

// ---------- reading ----------

export interface Rec {
  number: number;
  tsSec: number;
  tsNsec: number;
  time: number;
  capLen: number;
  wireLen: number;
  linkType: number;
  interfaceId: number;
  direction: number;
  recordOffset: number;
  data: Buffer;
}

export function copyFrame(f: Frame): Rec {
  return {
    number: f.number,
    tsSec: f.tsSec,
    tsNsec: f.tsNsec,
    time: f.time,
    capLen: f.capLen,
    wireLen: f.wireLen,
    linkType: f.linkType,
    interfaceId: f.interfaceId,
    direction: f.direction,
    recordOffset: f.recordOffset,
    data: Buffer.from(f.buf.subarray(f.off, f.off + f.capLen)),
  };
}

export async function readAll(
  input: string | NodeJS.ReadableStream,
  opts: ReadOptions = {},
  name = 'test.pcap',
): Promise<{ info: CaptureInfo; recs: Rec[] }> {
  const recs: Rec[] = [];
  const info = await readCapture(input, name, (f) => recs.push(copyFrame(f)), opts);
  return { info, recs };
}

/** Read bytes as a file. */
export function readBytes(bytes: Buffer, opts: ReadOptions = {}): Promise<{ info: CaptureInfo; recs: Rec[] }> {
  return readAll(tempFile(bytes), opts);
}

/** A stream that delivers `bytes` in pieces of `piece` bytes, each on its own tick. */
export function trickle(bytes: Buffer, piece = 1): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i >= bytes.length) {
        this.push(null);
        return;
      }
      const c = bytes.subarray(i, i + piece);
      i += piece;
      setImmediate(() => this.push(Buffer.from(c)));
    },
  });
}
