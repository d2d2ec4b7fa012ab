/**
 * Is this RST forged by a device on the path? (used by middlebox-reset, and by any
 * detector that must not blame the peer for a RST it did not send). All packets one host
 * sends on a connection reach the capture point with the same TTL / hop limit; a RST whose
 * TTL falls outside [ttlMin, ttlMax] of its direction's non-RST packets came from elsewhere
 * (RFC 9293 §3.10.7: any in-window RST is accepted, so injection works). Without another
 * packet from that side to compare with, the answer is false.
 */
import type { Flow, FlowEvent } from '../../conn/flow.js';

export function forgedRst(f: Flow, e: FlowEvent): boolean {
  if (e.type !== 'rst' || e.ttl <= 0) return false;
  const d = f.dirs[e.dir];
  if (d.ttlMax < 0) return false;
  return e.ttl < d.ttlMin || e.ttl > d.ttlMax;
}
