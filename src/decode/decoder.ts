/**
 * Decode layer entry point: Frame (reader) -> Packet (connections, detectors).
 *
 *   const dec = new Decoder();
 *   const pkt = newPacket();
 *   reader(frame => { dec.decode(frame, pkt); ...use pkt now...; });
 *   for (const w of dec.drainWarnings()) log(w);
 *
 * decode() never throws and allocates nothing in the common path (Ethernet / SLL /
 * raw -> IPv4 / IPv6 -> TCP): it reads bytes in place at offsets, and `pkt.problem`
 * holds constant strings. Fragments, warnings and the error paths allocate.
 *
 * Supported link types: see link.ts (Ethernet with 802.1Q/802.1ad/QinQ, PPPoE, MPLS,
 * LLC/SNAP; Linux SLL/SLL2; NULL/LOOP; raw IP 101/12/14/228/229; PPP 9/50; Cisco HDLC;
 * NFLOG; PKTAP; 802.11 and radiotap). Tunnels: IPv4/IPv6-in-IP, GRE (incl. PPTP,
 * ERSPAN, Aruba WLAN), EtherIP, MPLS-in-IP, VXLAN, Geneve, Teredo (tunnels.ts).
 */
import type { Frame } from '../reader/frame.js';
import { Reassembler } from './fragments.js';
import { decodeLink, isKnownLinkType } from './link.js';
import type { Packet } from './packet.js';
import { P_INTERNAL, P_UNKNOWN_LINKTYPE } from './problems.js';
import {
  DecodeState, SEEN_FRAG_NEEDED, SEEN_ICMP, SEEN_ICMPV6, SEEN_TOO_BIG, SEEN_UDP, SEEN_V4, SEEN_V4_FRAG, SEEN_V6,
  SEEN_TCP_BAD, SEEN_V6_ATOMIC, SEEN_V6_FRAGHDR,
} from './state.js';
import { newDecodeStats, type DecodeStats } from './stats.js';
import { resetTransport } from './transport.js';

export type { DecodeStats } from './stats.js';

export interface DecoderOptions {
  /** Bound on the bytes held by incomplete IP datagrams (default 4 MiB). */
  maxFragmentBytes?: number;
  /** Drop incomplete datagrams this many seconds (capture time) after their first fragment (default 30, Linux ipfrag_time). */
  fragmentTimeoutS?: number;
}

export const DEFAULT_MAX_FRAGMENT_BYTES = 4 * 1024 * 1024;
export const DEFAULT_FRAGMENT_TIMEOUT_S = 30;

export class Decoder {
  readonly stats: DecodeStats;
  private readonly s: DecodeState;
  private readonly unknownLinkTypes = new Set<number>();

  constructor(opts: DecoderOptions = {}) {
    this.stats = newDecodeStats();
    const maxBytes = opts.maxFragmentBytes ?? DEFAULT_MAX_FRAGMENT_BYTES;
    const timeout = opts.fragmentTimeoutS ?? DEFAULT_FRAGMENT_TIMEOUT_S;
    // The reassembler warns through the state, created just below.
    let state: DecodeState | undefined;
    const frags = new Reassembler(maxBytes, timeout, this.stats, (kind, detail) => state?.warn(kind, detail));
    state = new DecodeState(this.stats, frags);
    this.s = state;
  }

  /**
   * Fill `pkt` from `frame`: copies the frame fields, resets every other field and
   * decodes link -> IP (innermost, after tunnels) -> TCP / UDP / ICMP. Never throws.
   */
  decode(frame: Frame, pkt: Packet): void {
    const s = this.s;
    const stats = this.stats;
    stats.frames++;
    pkt.number = frame.number;
    pkt.tsSec = frame.tsSec;
    pkt.tsNsec = frame.tsNsec;
    pkt.time = frame.time;
    pkt.wireLen = frame.wireLen;
    pkt.capLen = frame.capLen;
    pkt.linkType = frame.linkType;
    pkt.interfaceId = frame.interfaceId;
    pkt.direction = frame.direction;
    resetPacket(pkt, frame.buf);
    s.pkt = pkt;
    s.frameNo = frame.number;
    s.frameOffset = frame.recordOffset;
    s.time = frame.time;
    s.seen = 0;
    s.ipCount = 0;
    s.nest = 0;

    const buf = frame.buf;
    let off = frame.off;
    if (!(off >= 0)) off = 0;
    let end = off + frame.capLen;
    if (!(end <= buf.length)) end = buf.length; // also catches NaN
    if (end < off) end = off;
    const wire = frame.wireLen > frame.capLen ? frame.wireLen : frame.capLen;
    const wend = off + wire >= end ? off + wire : end;

    try {
      s.frags.tick(frame.time);
      if (!decodeLink(s, frame.linkType, buf, off, end, wend)) {
        stats.unknownLinkType++;
        if (pkt.problem === '') pkt.problem = P_UNKNOWN_LINKTYPE;
        if (!this.unknownLinkTypes.has(frame.linkType)) {
          this.unknownLinkTypes.add(frame.linkType);
          s.warn(`link type ${frame.linkType}`, `link type ${frame.linkType} not supported: its frames are not decoded`);
        }
      }
    } catch (e) {
      stats.internalErrors++;
      pkt.l4 = 0;
      s.fail(P_INTERNAL, `internal decoder error: ${(e as Error)?.message ?? String(e)}`);
    }

    const seen = s.seen;
    if (seen !== 0) {
      if (seen & SEEN_V4) stats.ipv4++;
      if (seen & SEEN_V6) stats.ipv6++;
      if (seen & SEEN_UDP) stats.udp++;
      if (seen & SEEN_ICMP) stats.icmp++;
      if (seen & SEEN_ICMPV6) stats.icmpv6++;
      if (seen & SEEN_V4_FRAG) stats.ipv4Fragments++;
      if (seen & SEEN_V6_FRAGHDR) stats.ipv6FragmentHeaders++;
      if (seen & SEEN_V6_ATOMIC) stats.ipv6AtomicFragments++;
      if (seen & SEEN_FRAG_NEEDED) stats.icmpFragNeeded++;
      if (seen & SEEN_TOO_BIG) stats.icmpv6TooBig++;
      if ((seen & SEEN_TCP_BAD) && pkt.l4 !== 6) stats.tcpMalformed++;
    }
    if (pkt.l4 === 6) stats.tcp++;
    if (pkt.tunnelDepth > 0) stats.tunneled++;
    if (pkt.truncated) stats.truncated++;
    if (pkt.problem !== '') stats.problems++;
    if (pkt.ipVersion === 0 && isKnownLinkType(frame.linkType)) stats.undecodable++;
  }

  /** Warnings since the last call ("frame 17: IPv4 header length 12 < 20"), at most ~100. */
  drainWarnings(): string[] {
    return this.s.drainWarnings();
  }

  /** Incomplete IP datagrams currently held for reassembly. */
  get pendingDatagrams(): number {
    return this.s.frags.pending;
  }
}

/** Reset every decoder-owned field of `pkt` (all but the frame fields). */
function resetPacket(pkt: Packet, buf: Buffer): void {
  pkt.ipVersion = 0;
  pkt.src[0] = 0; pkt.src[1] = 0; pkt.src[2] = 0; pkt.src[3] = 0;
  pkt.dst[0] = 0; pkt.dst[1] = 0; pkt.dst[2] = 0; pkt.dst[3] = 0;
  pkt.ttl = 0;
  pkt.ipId = -1;
  pkt.df = false;
  pkt.ipTotalLen = 0;
  pkt.ipHeaderLen = 0;
  pkt.proto = 0;
  pkt.isFragment = false;
  pkt.reassembled = false;
  pkt.fragmentCount = 0;
  pkt.reassembledLen = 0;
  pkt.tunnelDepth = 0;
  pkt.truncated = false;
  pkt.problem = '';
  resetTransport(pkt);
  pkt.l4Buf = buf;
}
