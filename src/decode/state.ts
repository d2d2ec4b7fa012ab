import type { Packet } from './packet.js';
import type { DecodeStats } from './stats.js';
import type { Reassembler } from './fragments.js';

/** Bits of DecodeState.seen: what a frame contained at any level (folded into stats once per frame). */
export const SEEN_V4 = 1;
export const SEEN_V6 = 2;
export const SEEN_UDP = 4;
export const SEEN_ICMP = 8;
export const SEEN_ICMPV6 = 16;
export const SEEN_V4_FRAG = 32;
export const SEEN_V6_FRAGHDR = 64;
export const SEEN_V6_ATOMIC = 128;
export const SEEN_FRAG_NEEDED = 256;
export const SEEN_TOO_BIG = 512;
/** A TCP header was expected but is cut or invalid (pkt.l4 stays None). */
export const SEEN_TCP_BAD = 1024;

/** Innermost IP header limit: at most this many IP headers are crossed (tunnelDepth <= MAX_TUNNEL_DEPTH). */
export const MAX_TUNNEL_DEPTH = 8;
/** Bound on recursive encapsulation steps of any kind (PKTAP, Ethernet-in-GRE, ...). */
export const MAX_NEST = 24;

/** Warnings of one kind queued before that kind is muted. */
const WARN_PER_KIND = 10;
/** Undrained warnings kept at most. */
const WARN_QUEUE_CAP = 100;

/**
 * Mutable per-decoder context handed to every decode function (one object, reused).
 * Holds the packet being filled, counters, the reassembler and scratch results of
 * helpers that would otherwise have to return several values (no allocation).
 */
export class DecodeState {
  pkt!: Packet;
  frameNo = 0;
  /** Byte offset of the current frame's record in the file, for warnings. */
  frameOffset = 0;
  time = 0;
  /** SEEN_* bits of the current frame. */
  seen = 0;
  /** IP headers entered so far in this frame (outside ICMP quotes). */
  ipCount = 0;
  /** Recursive encapsulation steps so far in this frame. */
  nest = 0;

  // ---- scratch results of walkIPv6Ext (see ipv6.ts)
  extOff = 0;
  extNh = 0;
  /** Offset of a non-atomic Fragment header found by the walk, -1 if none. */
  fragHdrOff = -1;

  private warnings: string[] = [];
  private readonly warnKinds = new Map<string, number>();

  constructor(
    readonly stats: DecodeStats,
    readonly frags: Reassembler,
  ) {}

  /** Record a problem: the first one becomes pkt.problem; `detail` (or `kind`) becomes a warning. */
  fail(kind: string, detail?: string): void {
    if (this.pkt.problem === '') this.pkt.problem = kind;
    this.warn(kind, detail);
  }

  /** Queue "frame N (offset O): detail", at most WARN_PER_KIND per kind and WARN_QUEUE_CAP undrained. */
  warn(kind: string, detail?: string): void {
    const n = (this.warnKinds.get(kind) ?? 0) + 1;
    this.warnKinds.set(kind, n);
    if (n > WARN_PER_KIND + 1 || this.warnings.length >= WARN_QUEUE_CAP) {
      this.stats.warningsDropped++;
      return;
    }
    if (n === WARN_PER_KIND + 1) {
      this.warnings.push(`${this.where()}: further "${kind}" warnings suppressed`);
      this.stats.warningsDropped++;
      return;
    }
    this.warnings.push(`${this.where()}: ${detail ?? kind}`);
  }

  /** "frame 2 (offset 1234)": Wireshark's frame number and the record's byte offset in the file. */
  private where(): string {
    return `frame ${this.frameNo} (offset ${this.frameOffset})`;
  }

  drainWarnings(): string[] {
    const w = this.warnings;
    this.warnings = [];
    return w;
  }
}
