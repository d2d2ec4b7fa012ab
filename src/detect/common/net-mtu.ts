/**
 * Path-MTU evidence of one connection, shared by pmtu-blackhole and retransmission-loss
 * (a black-holed connection is reported once, as pmtu-blackhole).
 *
 * A PMTUD black hole (RFC 2923 §2.1; RFC 1191 / RFC 8201 rely on ICMP reaching the sender):
 * segments larger than the path MTU are dropped and the ICMP that would say so never
 * arrives, so the sender retransmits the same full-size segments with RTO backoff while
 * smaller segments (headers, the handshake) are acknowledged. The signature, per direction:
 * several retransmissions of segments larger than the largest segment ever acknowledged
 * (DirStats.maxAckedSegment: something smaller did pass), those segments among the
 * largest the sender sent, and no ICMP frag-needed / packet-too-big for the connection.
 * When none of the sender's data was ever acknowledged (a response sent in full-size
 * segments only), the completed handshake is what shows small packets pass, and the lost
 * segments must be full-size for the MSS the peer announced (confidence is lower).
 * Needs the capture on the sender's side of the bottleneck (the big segments never reach
 * the other side). RFC 4821 (PLPMTUD, Linux `tcp_mtu_probing`) is how a sender escapes it.
 */
import type { Flow, FlowEvent } from '../../conn/flow.js';
import type { IcmpErrorEvent } from '../detector.js';
import { maxOf } from '../../util/extremes.js';

export interface Blackhole {
  dir: 0 | 1;
  /** Retransmissions of segments bigger than anything acknowledged. */
  bigRetrans: FlowEvent[];
  largestRetransmitted: number;
  largestAcked: number;
  /** MSS the receiver announced (-1 unknown). */
  peerMss: number;
  /** The sender's direction is outbound from the capture host (TSO/GSO sizes possible). */
  offload: boolean;
}

/** Smallest payload that can be "full-size" on any real path (576-byte datagrams minus headers). */
const MIN_FULL = 512;

/**
 * The connections an ICMP frag-needed / packet-too-big quoted (the detectors' onIcmpError), each
 * until its end: `taken` answers once and forgets it, so the set stays bounded.
 */
export class IcmpTooBigMarks {
  private readonly ids = new Set<number>();

  onIcmpError(ev: IcmpErrorEvent): void {
    if (ev.flowId >= 0 && ev.mtu >= 0) this.ids.add(ev.flowId);
  }

  /** Whether connection `id` was quoted (at its end; asked once). */
  taken(id: number): boolean {
    return this.ids.delete(id);
  }
}

/** `icmpTooBig`: an ICMP frag-needed / packet-too-big quoted this connection (then PMTUD works). */
export function blackholeOf(f: Flow, icmpTooBig: boolean): Blackhole | null {
  if (icmpTooBig) return null;
  let best: Blackhole | null = null;
  for (const dir of [0, 1] as const) {
    const d = f.dirs[dir];
    if (d.retransmissions < 2) continue;
    const acked = d.maxAckedSegment;
    const peerMss = f.dirs[dir ^ 1].mss;
    // Nothing of this side's data acknowledged: only the handshake shows that its small packets pass
    // (its SYN / SYN-ACK was answered), and the lost segments must be full-size for the peer's MSS.
    const minLen = acked > 0 ? 0 : peerMss > 0 ? peerMss - 60 : Infinity;
    if (acked === 0 && (f.handshakeAckTime < 0 || f.dirs[dir ^ 1].packets === 0)) continue;
    const big = f.events.filter((e) => e.type === 'retransmission' && e.dir === dir && e.len > acked && e.len >= MIN_FULL &&
      e.len >= 0.8 * d.maxSegment && e.len >= minLen);
    if (big.length < 2) continue;
    // the same full-size data sent again and again (RTO backoff), not one lost segment
    const largest = maxOf(big, (e) => e.len);
    const cand: Blackhole = {
      dir, bigRetrans: big, largestRetransmitted: largest, largestAcked: acked, peerMss,
      offload: d.captureDirection === 2 || d.segmentsAboveMss > 0,
    };
    if (!best || big.length > best.bigRetrans.length) best = cand;
  }
  return best;
}
