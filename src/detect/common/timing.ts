/**
 * Timing at the capture point. A packet seen at the capture point at time t left its
 * sender about one one-way delay earlier and reaches the receiver one one-way delay
 * later. The handshake gives both halves of the path: `rttServerSide` (SYN → SYN-ACK,
 * capture point ↔ server) and `rttClientSide` (SYN-ACK → ACK, capture point ↔ client).
 *
 * A server FIN seen at t_fin and a request seen at t_req crossed on the wire when
 *   - the request reached the server after the server had sent its FIN:
 *       t_req + rs/2 > t_fin − rs/2      ⇔  t_req − t_fin > −rs
 *   - and the client sent it before the FIN could have reached the client:
 *       t_req − rc/2 < t_fin + rc/2      ⇔  t_req − t_fin < rc
 * (RFC 9293 §3.6: either side may close at any time; a segment already in flight still
 * arrives.) A request outside that window either reached the server before it closed
 * (the server closed with the request outstanding) or was written after the client had
 * received the FIN (it did not notice the close).
 */
import type { Flow } from '../../conn/flow.js';

/** Application scheduling allowance: a peer that reads a FIN within this long "could not have known". */
export const SCHED_TOLERANCE_S = 0.010;

export interface PathDelays {
  /** Round trip capture point ↔ server, capture point ↔ client (0 when unknown). */
  rs: number;
  rc: number;
  known: boolean;
}

export function pathDelays(flow: Flow): PathDelays {
  const known = flow.rtt >= 0 && flow.rttServerSide >= 0 && flow.rttClientSide >= 0;
  return { rs: known ? flow.rttServerSide : 0, rc: known ? flow.rttClientSide : 0, known };
}

export type CrossingKind = 'crossed' | 'after-close' | 'before-close';

export interface Crossing {
  kind: CrossingKind;
  /** t_send − t_close at the capture point (negative: the data was seen first). */
  deltaS: number;
  /** 0..1: how sure the timing is (capture-point RTT known, distance to the window edges). */
  confidence: number;
  /** A sentence for the evidence: why the sender could or could not have known. */
  why: string;
}

/**
 * How data sent by `senderDir` at `tSend` relates to a close (FIN or RST) sent by the other
 * side at `tClose`, both seen at the capture point.
 */
export function judgeCrossing(flow: Flow, senderDir: 0 | 1, tSend: number, tClose: number): Crossing {
  const d = pathDelays(flow);
  // Round trip toward the closer (the data still had to get there) and toward the sender.
  const toCloser = senderDir === 0 ? d.rs : d.rc;
  const toSender = senderDir === 0 ? d.rc : d.rs;
  const delta = tSend - tClose;
  const unknownSlack = d.known ? 0 : 0.2; // without a handshake, allow a generic path
  const lo = -(toCloser + unknownSlack);
  const hi = toSender + SCHED_TOLERANCE_S;
  const ms = (x: number) => (x < 0.001 ? 'less than 1 ms' : `${Math.round(x * 1000 * 10) / 10} ms`);
  const rtt = (x: number) => (d.known ? `the ${ms(x)} round trip` : 'the round trip (unknown: no handshake captured)');
  if (delta <= lo) {
    return { kind: 'before-close', deltaS: delta, confidence: d.known ? 0.9 : 0.5,
      why: `it had arrived ${ms(-delta - toCloser)} before the close was sent` };
  }
  if (delta >= hi) {
    return { kind: 'after-close', deltaS: delta, confidence: d.known ? 0.9 : 0.5,
      why: `the close had reached the sender ${ms(delta - toSender)} earlier: it could have known` };
  }
  // Inside the window: the two crossed. Confidence drops near the edges and without RTT.
  const span = hi - lo;
  const edge = Math.min(delta - lo, hi - delta) / (span > 0 ? span : 1);
  const confidence = d.known ? 0.75 + Math.min(0.2, edge) : 0.55;
  const why = delta < 0
    ? `within ${rtt(toCloser)} to the closer: the close was already on its way`
    : `within ${rtt(toSender)} to the sender: the close had not reached it yet`;
  return { kind: 'crossed', deltaS: delta, confidence: Math.round(confidence * 100) / 100, why };
}

/**
 * Idle time before a close, from the closer's clock: the closer's own last payload, or the
 * peer's last payload once it had arrived (seen at the capture point + the round trip toward
 * the closer), whichever is later. Times are capture-point times; <0 values mean "none".
 */
export function idleAtCloser(flow: Flow, closerDir: 0 | 1, tClose: number, closerLast: number, peerLast: number): number {
  const d = pathDelays(flow);
  const rtt = closerDir === 1 ? d.rs : d.rc;
  const last = Math.max(closerLast, peerLast >= 0 ? peerLast + rtt : -Infinity);
  return Number.isFinite(last) && last > 0 ? tClose - last : -1;
}
