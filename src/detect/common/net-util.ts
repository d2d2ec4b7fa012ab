/**
 * Small helpers shared by the network detectors (handshake, middlebox, loss, MTU,
 * fragmentation): evidence from flow events, number formatting, time windows.
 * Detectors never parse bytes: everything here reads the connection layer's model.
 */
import type { Flow, FlowEvent } from '../../conn/flow.js';
import type { Evidence, Finding } from '../finding.js';
import { tsString } from './format.js';

export { tidyEvidence } from './evidence.js';

/** Exact "sec.nnnnnnnnn" of an event (keeps nanosecond precision). */
export function tsOf(time: number, tsNsec: number): string {
  return tsString(time, tsNsec);
}

/** Evidence for one flow event: its real packet number, time and what it shows. */
export function evOf(e: FlowEvent, note: string, file = 0): Evidence {
  const ev: Evidence = { packet: e.packet, time: e.time, note, ts: tsOf(e.time, e.tsNsec) };
  if (file) ev.file = file;
  return ev;
}

/** Evidence for a packet that is not a flow event (ICMP error, fragment). */
export function evAt(packet: number, time: number, note: string, file = 0): Evidence {
  const ev: Evidence = { packet, time, note };
  if (file) ev.file = file;
  return ev;
}

/** Keep at most `max` evidence items: the first ones and the last one (where things end). */
export function capEvidence(list: Evidence[], max = 12): Evidence[] {
  if (list.length <= max) return list;
  return [...list.slice(0, max - 1), list[list.length - 1]!];
}

/** "850 ms", "1.2 s", "2 min 5 s" */
export function fmtS(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${round(s, s < 10 ? 2 : 1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function round(x: number, digits = 3): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

export function plural(n: number, word: string, many = word + 's'): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function sideName(dir: number): 'client' | 'server' {
  return dir === 0 ? 'client' : 'server';
}

/** The endpoint that sent direction `dir` of a flow. */
export function senderOf(f: Flow, dir: number): string {
  return dir === 0 ? f.client : f.server;
}

export function flowRef(f: Flow): Finding['flow'] {
  return { client: f.client, server: f.server, id: f.id };
}

/** Intervals between consecutive times (the RTO backoff of retransmissions), rounded to ms. */
export function intervals(times: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < times.length; i++) out.push(round(times[i]! - times[i - 1]!, 3));
  return out;
}

/** "1 s, 2 s, 4 s" */
export function fmtList(xs: number[]): string {
  return xs.map((x) => fmtS(x)).join(', ');
}

/** Split items sorted by time into windows: a new window starts after a gap longer than `gapS`. */
export function timeWindows<T>(items: T[], timeOf: (x: T) => number, gapS: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let last = -Infinity;
  for (const x of items) {
    const t = timeOf(x);
    if (cur.length && t - last > gapS) { out.push(cur); cur = []; }
    cur.push(x);
    last = t;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Events of one type (and direction) of a flow. */
export function eventsOf(f: Flow, type: FlowEvent['type'], dir?: 0 | 1): FlowEvent[] {
  return f.events.filter((e) => e.type === type && (dir === undefined || e.dir === dir));
}

/** Address part of "ip:port" / "[v6]:port". */
export function addrOf(endpoint: string): string {
  const m = /^\[(.*)\]:\d+$/.exec(endpoint);
  if (m) return m[1]!;
  const i = endpoint.lastIndexOf(':');
  return i > 0 ? endpoint.slice(0, i) : endpoint;
}
