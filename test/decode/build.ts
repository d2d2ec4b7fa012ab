/** Hand-built frames for the decoder's unit tests (checksums are left 0: the decoder ignores them). */
import type { Frame } from '../../src/reader/frame.js';

export function ip4(a: string): number {
  const p = a.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

/** IPv6 text (with at most one '::') to 16 bytes. */
export function ip6bytes(a: string): Buffer {
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

export function ip6words(a: string): number[] {
  const b = ip6bytes(a);
  return [0, 1, 2, 3].map((i) => b.readUInt32BE(i * 4));
}

export function cat(...parts: (Buffer | number[])[]): Buffer {
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
}

export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
}

export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

export const MAC_A = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
export const MAC_B = [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb];

export function eth(type: number, payload: Buffer): Buffer {
  return cat(MAC_B, MAC_A, u16(type), payload);
}

/** One 802.1Q-style tag: TPID is written by the caller's outer type; this is TCI + inner type. */
export function vlanTag(vid: number, innerType: number): Buffer {
  return cat(u16(vid & 0xfff), u16(innerType));
}

export interface Ip4Opts {
  src?: string;
  dst?: string;
  proto?: number;
  id?: number;
  ttl?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOff?: number;
  options?: Buffer;
  /** Override total length (default header + payload). */
  totalLen?: number;
  /** Override IHL (in 32-bit words). */
  ihl?: number;
}

export function ipv4(o: Ip4Opts, payload: Buffer): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const hl = 20 + opts.length;
  const h = Buffer.alloc(20);
  h[0] = 0x40 | (o.ihl ?? hl / 4);
  h.writeUInt16BE(o.totalLen ?? hl + payload.length, 2);
  h.writeUInt16BE(o.id ?? 0x1234, 4);
  h.writeUInt16BE((o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOff ?? 0) >> 3), 6);
  h[8] = o.ttl ?? 64;
  h[9] = o.proto ?? 6;
  h.writeUInt32BE(ip4(o.src ?? '10.0.0.1'), 12);
  h.writeUInt32BE(ip4(o.dst ?? '10.0.0.2'), 16);
  return cat(h, opts, payload);
}

export interface Ip6Opts {
  src?: string;
  dst?: string;
  nh?: number;
  hlim?: number;
  /** Override payload length. */
  plen?: number;
}

export function ipv6(o: Ip6Opts, payload: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(o.plen ?? payload.length, 4);
  h[6] = o.nh ?? 6;
  h[7] = o.hlim ?? 64;
  ip6bytes(o.src ?? '2001:db8::1').copy(h, 8);
  ip6bytes(o.dst ?? '2001:db8::2').copy(h, 24);
  return cat(h, payload);
}

/** Generic (len + 1) * 8 extension header (hop-by-hop, routing, destination options): padded with PadN. */
export function ext6(nh: number, totalLen = 8): Buffer {
  const b = Buffer.alloc(totalLen);
  b[0] = nh;
  b[1] = totalLen / 8 - 1;
  b[2] = 1; // PadN
  b[3] = totalLen - 4;
  return b;
}

export function frag6(nh: number, offset: number, more: boolean, id: number): Buffer {
  return cat([nh, 0], u16(offset | (more ? 1 : 0)), u32(id));
}

export interface TcpOpts {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  win?: number;
  options?: Buffer;
  /** Override data offset (32-bit words). */
  doff?: number;
}

export function tcp(o: TcpOpts, payload: Buffer = Buffer.alloc(0)): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const hl = 20 + opts.length;
  const h = Buffer.alloc(20);
  h.writeUInt16BE(o.sport ?? 40000, 0);
  h.writeUInt16BE(o.dport ?? 80, 2);
  h.writeUInt32BE((o.seq ?? 1000) >>> 0, 4);
  h.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  h[12] = (o.doff ?? hl / 4) << 4;
  h[13] = o.flags ?? 0x02;
  h.writeUInt16BE(o.win ?? 65535, 14);
  return cat(h, opts, payload);
}

export function udp(sport: number, dport: number, payload: Buffer, len?: number): Buffer {
  return cat(u16(sport), u16(dport), u16(len ?? 8 + payload.length), u16(0), payload);
}

export function gre(proto: number, payload: Buffer, flags = 0, extra: Buffer = Buffer.alloc(0)): Buffer {
  return cat(u16(flags), u16(proto), extra, payload);
}

export interface FrameOpts {
  wireLen?: number;
  capLen?: number;
  number?: number;
  recordOffset?: number;
  time?: number;
  direction?: number;
  /** Place the bytes at this offset inside a larger buffer (checks that decoders honour frame.off). */
  off?: number;
}

export function frame(linkType: number, bytes: Buffer, o: FrameOpts = {}): Frame {
  const off = o.off ?? 3;
  const buf = Buffer.alloc(off + bytes.length + 7, 0xee); // junk around the frame
  bytes.copy(buf, off);
  const capLen = o.capLen ?? bytes.length;
  const time = o.time ?? 1_700_000_000.25;
  return {
    number: o.number ?? 1,
    tsSec: Math.floor(time),
    tsNsec: Math.round((time - Math.floor(time)) * 1e9),
    time,
    capLen,
    wireLen: o.wireLen ?? bytes.length,
    linkType,
    interfaceId: 0,
    direction: o.direction ?? 0,
    buf,
    off,
    recordOffset: o.recordOffset ?? 0,
  };
}
