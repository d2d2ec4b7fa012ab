/**
 * IPv4 / IPv6 fragment reassembly.
 *
 * Datagrams are keyed by (version, src, dst, id[, IPv4 protocol]). Fragment payloads
 * are copied (fragments are rare, so this allocates). A datagram completes when the
 * last fragment (MF / M = 0) has been seen and every byte before its end is held;
 * the frame that completes it gets the whole datagram, as Wireshark (reassembly on)
 * shows a TCP segment carried in fragments once, in the frame that completes it.
 *
 * - Overlaps: the first copy of each byte is kept (counted, warned).
 * - Memory: the bytes held by incomplete datagrams (buffer capacity + saved header)
 *   stay <= maxBytes; when over, the oldest datagrams are dropped.
 * - A datagram's payload may not exceed 65535 bytes (IPv6 jumbograms are not fragmented).
 * - Datagrams not completed within timeoutS seconds of CAPTURE time after their first
 *   fragment are dropped (Linux ipfrag_time, 30 s) and counted as timed out.
 */
import type { DecodeStats } from './stats.js';

/** Largest reassembled payload (bytes after the header). */
export const MAX_DATAGRAM_PAYLOAD = 65535;

interface Datagram {
  key: string;
  /** Capture time of the first fragment seen. */
  created: number;
  /** Fragment frames added. */
  frames: number;
  /** Bytes accounted to this datagram in Reassembler.held. */
  held: number;
  data: Buffer;
  /** Sorted, merged [start, end) pairs of payload bytes held. */
  ranges: number[];
  /** Payload length, known once the last fragment arrived; -1 before. */
  total: number;
  /** Copy of the header bytes of the offset-0 fragment (IPv6: unfragmentable part). */
  header: Buffer | null;
  /** IPv6: next header of the Fragment header of the offset-0 fragment. */
  nextHeader: number;
}

export type WarnFn = (kind: string, detail: string) => void;

export class Reassembler {
  private readonly datagrams = new Map<string, Datagram>();
  private held = 0;
  /** Creation time of the first (oldest) datagram in map order; Infinity when none. */
  private firstCreated = Infinity;
  /** Fragments of the datagram completed by the last add() that returned a buffer. */
  lastFragmentCount = 0;
  /** Header length at the start of that buffer. */
  lastHeaderLen = 0;
  /** IPv6: next header of that datagram's fragmentable part. */
  lastNextHeader = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly timeoutS: number,
    private readonly stats: DecodeStats,
    private readonly warn: WarnFn,
  ) {}

  /** Incomplete datagrams held now. */
  get pending(): number {
    return this.datagrams.size;
  }

  /** Bytes held now by incomplete datagrams. */
  get heldBytes(): number {
    return this.held;
  }

  /**
   * Add one fragment. `hdrOff/hdrLen` locate the header to keep if this is the
   * offset-0 fragment (IPv4 header; IPv6 fixed header + extension headers before the
   * Fragment header); `payOff/payLen` its data; `fragOff` is in bytes. For IPv6 the
   * next header is read from the Fragment header at payOff - 8.
   * Returns the reassembled datagram (header + payload, with the length fields
   * patched and the IPv4 MF/offset cleared) when this fragment completes one, else null.
   */
  add(
    version: number, src: Uint32Array, dst: Uint32Array, id: number, proto: number,
    time: number,
    buf: Buffer, hdrOff: number, hdrLen: number, payOff: number, payLen: number,
    fragOff: number, more: boolean,
  ): Buffer | null {
    this.expire(time);
    const key = version === 4
      ? `4 ${src[0]} ${dst[0]} ${id} ${proto}`
      : `6 ${src[0]} ${src[1]} ${src[2]} ${src[3]} ${dst[0]} ${dst[1]} ${dst[2]} ${dst[3]} ${id}`;
    let d = this.datagrams.get(key);
    if (d === undefined) {
      d = {
        key, created: time, frames: 0, held: 0, data: EMPTY, ranges: [], total: -1, header: null, nextHeader: -1,
      };
      if (this.datagrams.size === 0) this.firstCreated = time;
      this.datagrams.set(key, d);
    }
    d.frames++;
    const fend = fragOff + payLen;
    if (fend > MAX_DATAGRAM_PAYLOAD) {
      this.warn('fragment too long', `IPv${version} fragment (id ${id}) ends at ${fend} > ${MAX_DATAGRAM_PAYLOAD}: datagram dropped`);
      this.drop(d);
      return null;
    }
    if (!more) {
      if (d.total >= 0 && d.total !== fend) {
        this.warn('conflicting last fragments', `IPv${version} fragment (id ${id}): second last fragment ends at ${fend}, first at ${d.total}`);
      } else {
        d.total = fend;
      }
    }
    if (fragOff === 0 && d.header === null) {
      d.header = Buffer.from(buf.subarray(hdrOff, hdrOff + hdrLen));
      if (version === 6) d.nextHeader = buf[payOff - 8]!;
      this.account(d, hdrLen);
    }
    if (payLen > 0 && this.insert(d, buf, payOff, fragOff, fend)) {
      this.stats.fragmentOverlaps++;
      this.warn('overlapping fragments', `IPv${version} fragment (id ${id}) at ${fragOff}..${fend} overlaps data already held: first copy kept`);
    }

    if (d.total >= 0 && d.header !== null && d.ranges.length >= 2 && d.ranges[0] === 0 && d.ranges[1]! >= d.total) {
      return this.complete(d, version);
    }
    // Memory bound: drop the oldest datagrams (possibly this one).
    while (this.held > this.maxBytes && this.datagrams.size > 0) {
      const oldest = this.datagrams.values().next().value as Datagram;
      this.warn('fragment memory', `fragment reassembly memory over ${this.maxBytes} bytes: oldest datagram dropped`);
      this.drop(oldest);
    }
    return null;
  }

  /** Cheap per-frame check: expire old datagrams when any are held. */
  tick(now: number): void {
    if (now - this.firstCreated > this.timeoutS) this.expire(now);
  }

  /** Drop datagrams whose first fragment is older than timeoutS at capture time `now`. */
  expire(now: number): void {
    for (const d of this.datagrams.values()) {
      if (now - d.created <= this.timeoutS) break; // insertion order ~ capture order
      this.stats.fragmentsTimedOut += d.frames;
      this.warn('fragment timeout', `incomplete datagram dropped after ${this.timeoutS} s (${d.frames} fragment(s))`);
      this.remove(d);
    }
  }

  private complete(d: Datagram, version: number): Buffer {
    const hdr = d.header!;
    const hl = hdr.length;
    const out = Buffer.allocUnsafe(hl + d.total);
    hdr.copy(out, 0);
    d.data.copy(out, hl, 0, d.total);
    if (version === 4) {
      const tl = hl + d.total;
      out[2] = tl > 0xffff ? 0xff : tl >> 8; // patched so the header describes the datagram
      out[3] = tl > 0xffff ? 0xff : tl & 0xff;
      out[6] = out[6]! & 0x40; // keep DF, clear MF and the offset
      out[7] = 0;
    } else {
      const pl = hl - 40 + d.total;
      out[4] = pl > 0xffff ? 0xff : pl >> 8;
      out[5] = pl > 0xffff ? 0xff : pl & 0xff;
    }
    this.lastFragmentCount = d.frames;
    this.lastHeaderLen = hl;
    this.lastNextHeader = d.nextHeader;
    this.stats.reassembled++;
    this.remove(d);
    return out;
  }

  private drop(d: Datagram): void {
    this.stats.fragmentsDropped += d.frames;
    this.remove(d);
  }

  private remove(d: Datagram): void {
    this.held -= d.held;
    this.stats.fragmentBytesHeld = this.held;
    this.datagrams.delete(d.key);
    if (this.datagrams.size === 0) {
      this.firstCreated = Infinity;
    } else if (d.created === this.firstCreated) {
      this.firstCreated = (this.datagrams.values().next().value as Datagram).created;
    }
  }

  private account(d: Datagram, n: number): void {
    d.held += n;
    this.held += n;
    this.stats.fragmentBytesHeld = this.held;
    if (this.held > this.stats.fragmentBytesPeak) this.stats.fragmentBytesPeak = this.held;
  }

  /** Copy the bytes of [a, b) not held yet; returns true when some were already held. */
  private insert(d: Datagram, buf: Buffer, payOff: number, a: number, b: number): boolean {
    if (d.data.length < b) {
      let cap = d.data.length === 0 ? b : d.data.length * 2;
      if (cap < b) cap = b;
      if (cap > MAX_DATAGRAM_PAYLOAD) cap = MAX_DATAGRAM_PAYLOAD;
      const grown = Buffer.alloc(cap);
      d.data.copy(grown, 0);
      this.account(d, cap - d.data.length);
      d.data = grown;
    }
    const r = d.ranges;
    let pos = a;
    let overlap = false;
    for (let i = 0; i < r.length && pos < b; i += 2) {
      const rs = r[i]!;
      const re = r[i + 1]!;
      if (re <= pos) continue;
      if (rs >= b) break;
      if (rs > pos) buf.copy(d.data, pos, payOff + (pos - a), payOff + (rs - a));
      overlap = true;
      if (re > pos) pos = re;
    }
    if (pos < b) buf.copy(d.data, pos, payOff + (pos - a), payOff + (b - a));
    // Insert [a, b) and merge touching/overlapping ranges.
    let i = 0;
    while (i < r.length && r[i]! < a) i += 2;
    r.splice(i, 0, a, b);
    const merged: number[] = [];
    for (let j = 0; j < r.length; j += 2) {
      const n = merged.length;
      if (n > 0 && r[j]! <= merged[n - 1]!) {
        if (r[j + 1]! > merged[n - 1]!) merged[n - 1] = r[j + 1]!;
      } else {
        merged.push(r[j]!, r[j + 1]!);
      }
    }
    d.ranges = merged;
    return overlap;
  }
}

const EMPTY = Buffer.alloc(0);
