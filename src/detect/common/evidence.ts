/**
 * Evidence entries: a real packet (1-based frame number, as Wireshark numbers it)
 * and a note saying what that packet shows. Built only from flow events and
 * DirStats packet numbers, never invented. Convention (checked by the corpus test):
 * a note that says "RST" is only ever attached to a packet that carries RST.
 */
import type { Flow, FlowEvent } from '../../conn/flow.js';
import type { Evidence } from '../finding.js';
import { tsString } from './format.js';

/** Evidence for a flow event. */
export function evidenceOf(flow: Flow, ev: FlowEvent, note: string): Evidence {
  const e: Evidence = { packet: ev.packet, time: ev.time, note, ts: tsString(ev.time, ev.tsNsec) };
  if (flow.file) e.file = flow.file;
  return e;
}

/** Evidence for a packet known only by number and time (DirStats fields). */
export function evidenceAt(flow: Flow, packet: number, time: number, note: string): Evidence {
  const e: Evidence = { packet, time, note, ts: tsString(time, Math.round((time - Math.floor(time)) * 1e9) % 1e9) };
  if (flow.file) e.file = flow.file;
  return e;
}

/** Sorted by packet, one entry per packet (the first note wins), zero/negative packets dropped. */
export function tidyEvidence(list: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of [...list].sort((a, b) => (a.file ?? 0) - (b.file ?? 0) || a.packet - b.packet)) {
    if (!(e.packet > 0)) continue;
    const k = `${e.file ?? 0}:${e.packet}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

/** The finding's `flow` field for one connection. */
export function flowRef(flow: Flow): { client: string; server: string; id: number } {
  return { client: flow.client, server: flow.server, id: flow.id };
}

/** "GET /x" for a request event (or "request" when unknown). */
export function requestName(ev: FlowEvent | null | undefined): string {
  const h = ev?.http;
  if (!h?.method) return 'request';
  const path = h.path ?? '';
  return `${h.method} ${path.length > 60 ? path.slice(0, 57) + '...' : path}`.trim();
}

/** "200", "503 Service Unavailable". */
export function responseName(ev: FlowEvent | null | undefined): string {
  const h = ev?.http;
  if (!h) return 'response';
  return `response ${h.status ?? '?'}${h.reason ? ' ' + h.reason : ''}`;
}
