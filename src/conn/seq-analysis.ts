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
/** Acknowledges data this capture did not see (Wireshark's tcp.analysis.ack_lost_segment). */
export const A_ACKED_UNSEEN = 512;

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
  /** ACK field of this direction's last segment (stored whether or not ACK was set, 0 = none, as
   *  Wireshark's lastack), and when. */
  lastAck: number;
  lastAckTime: number;
  /** Duplicate ACKs in a row at `lastAck` (reset when the ACK number changes). -1 after the peer
   *  acknowledged unseen data: Wireshark's unsigned dupacknum is then 0xffffffff, which passes its
   *  fast-retransmission test (>= 2). */
  dupAckNum: number;
  /** Highest contiguous sequence number seen in this direction (0 = none, Wireshark's maxseqtobeacked). */
  maxSeqToBeAcked: number;
  /** Last raw window advertised by this direction (-1 unknown). */
  window: number;
  /** Verdict bits of this direction's last segment (Wireshark's lastsegmentflags). */
  lastFlags: number;
}

export function newSeqState(): SeqState {
  return { baseSet: false, base: 0, nextSeq: 0, nextSeqTime: 0, lastAck: 0, lastAckTime: 0, dupAckNum: 0, maxSeqToBeAcked: 0, window: -1, lastFlags: 0 };
}

/** Back to the state of `newSeqState()` (a pooled connection reused). */
export function resetSeqState(s: SeqState): void {
  s.baseSet = false; s.base = 0; s.nextSeq = 0; s.nextSeqTime = 0; s.lastAck = 0; s.lastAckTime = 0;
  s.dupAckNum = 0; s.maxSeqToBeAcked = 0; s.window = -1; s.lastFlags = 0;
}

/** What analyzeSegment reads of a segment (a decoded Packet has these fields). */
export interface Segment {
  seq: number;
  ack: number;
  flags: number;
  /** Raw (unscaled) window. */
  window: number;
  payloadLen: number;
  time: number;
}

// analyzeSegment's arguments as analyzeSegmentOf reads them (the connection table calls that directly).
const scratch: Segment = { seq: 0, ack: 0, flags: 0, window: 0, payloadLen: 0, time: 0.5 };
const rttScratch = { rtt: 0.5 };

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
  const s = scratch;
  s.seq = seq; s.ack = ack; s.flags = flags; s.window = window; s.payloadLen = seglen; s.time = time;
  rttScratch.rtt = firstRtt;
  return analyzeSegmentOf(fwd, rev, s, rttScratch);
}

/**
 * analyzeSegment for a segment given as an object, and the connection's handshake RTT as
 * `conn.rtt` (seconds, <= 0 unknown): the per-packet form. (Sequence numbers above 2^30 and
 * times passed as arguments to a call that is not inlined are each boxed into a new heap
 * number, tens of bytes of garbage per packet; read from the objects they are not.)
 */
export function analyzeSegmentOf(fwd: SeqState, rev: SeqState, seg: Segment, conn: { rtt: number }): number {
  const seq = seg.seq, ack = seg.ack, flags = seg.flags, window = seg.window, seglen = seg.payloadLen, time = seg.time;
  const firstRtt = conn.rtt > 0 ? conn.rtt : 0;
  let a = 0;
  if (!fwd.baseSet) {
    fwd.baseSet = true;
    fwd.base = flags & SYN ? seq : (seq - 1) >>> 0;
  }
  const noSynFinRst = (flags & (SYN | FIN | RST)) === 0;

  if (seglen === 1 && seq === fwd.nextSeq && rev.window === 0) {
    // ZERO WINDOW PROBE: one byte at nextseq while the peer's window is zero. Wireshark skips
    // the checks below for it (goto finished_fwd).
    a |= A_ZERO_WINDOW_PROBE;
  } else {
    // ZERO WINDOW: a zero window that is not a SYN/FIN/RST.
    if (window === 0 && noSynFinRst) a |= A_ZERO_WINDOW;

    // LOST SEGMENT: beyond the next expected sequence number (RSTs are not checked).
    if (fwd.nextSeq !== 0 && seqGT(seq, fwd.nextSeq) && (flags & RST) === 0) a |= A_LOST_SEGMENT;

    // KEEP ALIVE: 0 or 1 byte, one byte before nextseq, no SYN/FIN/RST.
    if ((seglen === 0 || seglen === 1) && seq === ((fwd.nextSeq - 1) >>> 0) && noSynFinRst) a |= A_KEEP_ALIVE;

    // An empty segment repeating this direction's previous seq/ack/window is the ACK of a
    // keep-alive or of a zero-window probe when the peer's last segment was one (not counted as
    // a duplicate ACK), else a DUPLICATE ACK (window non-zero).
    if (seglen === 0 && window === fwd.window && seq === fwd.nextSeq && ack === fwd.lastAck && noSynFinRst) {
      if (window !== 0 && rev.lastFlags & A_KEEP_ALIVE) {
        // keep-alive ACK
      } else if (window === 0 && rev.lastFlags & A_ZERO_WINDOW_PROBE) {
        // zero-window-probe ACK
      } else if (window !== 0) {
        fwd.dupAckNum = fwd.dupAckNum === -1 ? 1 : fwd.dupAckNum + 1;
        a |= A_DUP_ACK;
      }
    }
  }
  // A new ACK number resets the duplicate-ACK count.
  if (ack !== fwd.lastAck) fwd.dupAckNum = 0;

  // ACKED UNSEEN: acknowledges beyond the peer's highest contiguous sequence number. The first
  // time after the peer's data moved on, the bound catches up with its nextseq; otherwise the
  // peer's duplicate-ACK count becomes -1, so the indication is not repeated (and, as in
  // tshark 4.0, whose count is unsigned, the peer's next ACK-matching segment within 20 ms
  // counts as a fast retransmission). Checked against tshark 4.0.17 on the corpus.
  if (rev.maxSeqToBeAcked !== 0 && seqGT(ack, rev.maxSeqToBeAcked) && flags & ACK) {
    if (seqLT(rev.maxSeqToBeAcked, rev.nextSeq)) {
      rev.maxSeqToBeAcked = rev.nextSeq;
      a |= A_ACKED_UNSEEN;
    } else {
      if (rev.dupAckNum === 0) a |= A_ACKED_UNSEEN;
      rev.dupAckNum = -1;
    }
  }

  // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS: a segment with data
  // (or SYN/FIN) that does not advance the sequence number, or whose data the peer already
  // acknowledged. Keep-alives are none of these.
  if ((seglen > 0 || flags & (SYN | FIN)) && (a & A_KEEP_ALIVE) === 0) {
    let notAdvanced = fwd.nextSeq !== 0 && seqLT(seq, fwd.nextSeq);
    // More than one byte starting one before nextseq adds new data (after a zero-window probe).
    if (seglen > 1 && seq === ((fwd.nextSeq - 1) >>> 0)) notAdvanced = false;
    // The segment's end in sequence space: SYN and FIN count one (an exact copy of the last
    // SYN/FIN is a retransmission, not out-of-order).
    const end = (seq + seglen + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
    const ooThres = firstRtt > 0 ? firstRtt : 0.003;
    if (seglen > 0 && rev.lastAck !== 0 && seqLE((seq + seglen) >>> 0, rev.lastAck)) {
      // Data the peer already acknowledged (checked first, as Wireshark does).
      a |= A_SPURIOUS | A_RETRANSMISSION;
    } else if (notAdvanced && (rev.dupAckNum >= 2 || rev.dupAckNum === -1) && rev.lastAck === seq && time - rev.lastAckTime < 0.02) {
      a |= A_FAST_RETRANSMISSION | A_RETRANSMISSION;
    } else if (notAdvanced && time - fwd.nextSeqTime < ooThres && fwd.nextSeq !== end) {
      a |= A_OUT_OF_ORDER;
    } else if (notAdvanced) {
      a |= A_RETRANSMISSION;
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
  // The highest contiguous sequence number advances when a segment starts at it.
  if ((a & A_ZERO_WINDOW_PROBE) === 0 && (fwd.maxSeqToBeAcked === 0 || seq === fwd.maxSeqToBeAcked)) {
    fwd.maxSeqToBeAcked = fwd.nextSeq;
  }

  fwd.window = window;
  fwd.lastAck = ack;
  fwd.lastAckTime = time;
  fwd.lastFlags = a;
  return a;
}
