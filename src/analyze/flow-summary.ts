/** A finished connection as the JSON contract's `flows[]` entry. */
import type { Flow } from '../conn/flow.js';
import type { FlowSummary } from './result.js';

export function flowSummary(f: Flow): FlowSummary {
  const [c, s] = f.dirs;
  const rstFirst = f.firstRstBy !== '' && (f.firstFinBy === '' || firstRstTime(f) < firstFinTime(f));
  const s0: FlowSummary = {
    id: f.id,
    client: f.client,
    server: f.server,
    packets: c.packets + s.packets,
    payload_bytes: c.payloadBytes + s.payloadBytes,
    syn: c.syn + s.syn,
    fin: c.fin + s.fin,
    rst: c.rst + s.rst,
    retransmissions: c.retransmissions + s.retransmissions,
    start: f.start,
    end: f.end,
    state: f.state,
    requests: f.requests,
    responses: f.responses,
    first_packet: f.firstPacket,
    last_packet: f.lastPacket,
    closed_by: rstFirst ? f.firstRstBy : f.firstFinBy,
    close: rstFirst ? 'rst' : f.firstFinBy !== '' ? 'fin' : '',
    rtt_ms: f.rtt >= 0 ? Math.round(f.rtt * 1e6) / 1e3 : -1,
  };
  if (f.file) s0.file = f.file;
  return s0;
}

function firstRstTime(f: Flow): number {
  const t = [f.dirs[0].firstRstTime, f.dirs[1].firstRstTime].filter((x) => x > 0);
  return t.length ? Math.min(...t) : Infinity;
}
function firstFinTime(f: Flow): number {
  const t = [f.dirs[0].firstFinTime, f.dirs[1].firstFinTime].filter((x) => x > 0);
  return t.length ? Math.min(...t) : Infinity;
}

/** A connection worth keeping in full for reports: it did not end cleanly or had trouble on the way. */
export function isInteresting(f: Flow): boolean {
  if (f.state !== 'closed-fin' && f.state !== 'open') return true;
  const [c, s] = f.dirs;
  if (c.retransmissions + s.retransmissions > 0 || c.zeroWindows + s.zeroWindows > 0) return true;
  if (c.firstPayloadKind !== '' && c.firstPayloadKind !== 'http-request' && s.firstPayloadKind === '') return true;
  return false;
}
