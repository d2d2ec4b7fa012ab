/**
 * Per-direction TCP sequence analysis with Wireshark's `tcp.analysis.*` semantics
 * (epan/dissectors/packet-tcp.c, tcp_analyze_sequence_number, Wireshark 4.0), so our
 * retransmission counts can be checked against tshark's.
 *
 * Numbers are raw 32-bit sequence numbers; comparisons are modulo 2^32 (RFC 9293 §3.4).
 */
import { ACK, FIN, RST, SYN } from '../decode/packet.js';

/** Analysis verdict bits for one segment. */
export const A_RETRANSMISSION = 1;
export const A_FAST_RETRANSMISSION = 2;
export const A_SPURIOUS = 4;
export const A_OUT_OF_ORDER = 8;
export const A_KEEP_ALIVE = 16;
export const A_LOST_SEGMENT = 32;
export const A_DUP_ACK = 64;
export const A_ZERO_WINDOW = 128;
export const A_ZERO_WINDOW_PROBE = 256;

/** seq a < b modulo 2^32 */
export function seqLT(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
export function seqGT(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}
export function seqLE(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export interface SeqState {
  baseSet: boolean;
  /** Initial sequence number (SYN) or first seq - 1 (mid-stream), as Wireshark's base_seq. */
  base: number;
  /** Next expected sequence number (0 = unknown, as in Wireshark). */
  nextSeq: number;
  nextSeqTime: number;
  /** Last ACK number this direction sent, and when. */
  lastAck: number;
  lastAckTime: number;
  ackSet: boolean;
  dupAckNum: number;
  /** Last raw window advertised by this direction (-1 unknown). */
  window: number;
}

export function newSeqState(): SeqState {
  return { baseSet: false, base: 0, nextSeq: 0, nextSeqTime: 0, lastAck: 0, lastAckTime: 0, ackSet: false, dupAckNum: 0, window: -1 };
}

/**
 * Analyze one segment sent by `fwd` (the peer's state is `rev`) and update both.
 * `firstRtt` is the handshake RTT in seconds (0 when unknown): Wireshark's out-of-order threshold.
 * Returns a bit set of A_* flags.
 */
export function analyzeSegment(
  fwd: SeqState,
  rev: SeqState,
  seq: number,
  ack: number,
  flags: number,
  window: number,
  seglen: number,
  time: number,
  firstRtt: number,
): number {
  let a = 0;
  if (!fwd.baseSet) {
    fwd.baseSet = true;
    fwd.base = flags & SYN ? seq : (seq - 1) >>> 0;
  }

  // ZERO WINDOW: a zero window that is not a SYN/FIN/RST.
  if (window === 0 && (flags & (SYN | FIN | RST)) === 0) a |= A_ZERO_WINDOW;

  // ZERO WINDOW PROBE: one byte at nextseq while the peer's window is zero.
  if (seglen === 1 && fwd.nextSeq !== 0 && seq === fwd.nextSeq && rev.window === 0) {
    a |= A_ZERO_WINDOW_PROBE;
  }

  // LOST SEGMENT: beyond the next expected sequence number (RSTs are not checked).
  if (fwd.nextSeq !== 0 && seqGT(seq, fwd.nextSeq) && (flags & RST) === 0) a |= A_LOST_SEGMENT;

  // KEEP ALIVE: 0 or 1 byte, one byte before nextseq, no SYN/FIN/RST.
  if ((seglen === 0 || seglen === 1) && fwd.nextSeq !== 0 && seq === ((fwd.nextSeq - 1) >>> 0) && (flags & (SYN | FIN | RST)) === 0) {
    a |= A_KEEP_ALIVE;
  }

  // DUPLICATE ACK: no data, same window/seq/ack as the previous segment.
  if (
    seglen === 0 &&
    window !== 0 &&
    window === fwd.window &&
    seq === fwd.nextSeq &&
    fwd.ackSet &&
    ack === fwd.lastAck &&
    (flags & (SYN | FIN | RST)) === 0
  ) {
    fwd.dupAckNum++;
    a |= A_DUP_ACK;
  }

  // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS: a segment with data
  // (or SYN/FIN) that does not advance the sequence number.
  if ((seglen > 0 || flags & (SYN | FIN)) && (a & (A_KEEP_ALIVE | A_ZERO_WINDOW_PROBE)) === 0) {
    const notAdvanced = fwd.nextSeq !== 0 && seqLT(seq, fwd.nextSeq);
    if (notAdvanced && rev.dupAckNum >= 2 && rev.lastAck === seq && time - rev.lastAckTime < 0.02) {
      a |= A_FAST_RETRANSMISSION | A_RETRANSMISSION;
    } else {
      const ooThres = firstRtt > 0 ? firstRtt : 0.003;
      const end = (seq + seglen) >>> 0;
      if (notAdvanced && time - fwd.nextSeqTime < ooThres && fwd.nextSeq !== end) {
        a |= A_OUT_OF_ORDER;
      } else if (seglen > 0 && rev.ackSet && rev.lastAck !== 0 && seqLE(end, rev.lastAck)) {
        a |= A_SPURIOUS | A_RETRANSMISSION;
      } else if (notAdvanced) {
        a |= A_RETRANSMISSION;
      }
    }
  }

  // Advance nextseq only forward; a zero-window probe does not advance it (so a repeated
  // probe is again a probe, not a keep-alive).
  let next = (seq + seglen) >>> 0;
  if (flags & (SYN | FIN)) next = (next + 1) >>> 0;
  if ((a & A_ZERO_WINDOW_PROBE) === 0 && (fwd.nextSeq === 0 || seqGT(next, fwd.nextSeq))) {
    fwd.nextSeq = next;
    fwd.nextSeqTime = time;
  }

  if ((a & A_DUP_ACK) === 0) fwd.dupAckNum = 0;
  fwd.window = window;
  if (flags & ACK) {
    fwd.lastAck = ack;
    fwd.lastAckTime = time;
    fwd.ackSet = true;
  }
  return a;
}
