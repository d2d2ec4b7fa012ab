/**
 * Hand-built Flow objects for detector edge cases: a timeline of events (times in seconds
 * from 1000.0), with DirStats derived from it the way the FlowTable fills them. The proof
 * that a diagnosis works is the lab capture; these pin down the edges.
 */
import { newDirStats, type Flow, type FlowEvent, type HttpInfo } from '../../src/conn/flow.js';
import type { DetectorContext } from '../../src/detect/detector.js';
import type { Finding } from '../../src/detect/finding.js';

export const T0 = 1000;

export interface Ev {
  type: FlowEvent['type'];
  dir: 0 | 1;
  /** Seconds after T0. */
  t: number;
  len?: number;
  ttl?: number;
  http?: Partial<HttpInfo>;
  /** For requests / responses: seconds after `t` of the message's last byte (default 0). */
  endAfter?: number;
}

export interface FlowSpec {
  id?: number;
  /** Round trips capture point ↔ server / ↔ client (handshake); -1 = no handshake seen. */
  rs?: number;
  rc?: number;
  events: Ev[];
  server?: string;
  client?: string;
}

export function makeFlow(spec: FlowSpec): Flow {
  const rs = spec.rs ?? 0.05;
  const rc = spec.rc ?? 0.0001;
  const client = spec.client ?? '10.0.2.1:50000';
  const server = spec.server ?? '10.0.3.2:8000';
  const dirs: [ReturnType<typeof newDirStats>, ReturnType<typeof newDirStats>] = [newDirStats(), newDirStats()];
  const events: FlowEvent[] = [];
  let packet = 1;
  const hs = rs >= 0;
  if (hs) {
    events.push(ev('syn', 0, -rs - rc - 0.01));
    events.push(ev('syn-ack', 1, -rc - 0.01 + 0));
    events.push(ev('handshake-ack', 0, -0.01));
  }
  function ev(type: FlowEvent['type'], dir: 0 | 1, t: number, extra: Partial<FlowEvent> = {}): FlowEvent {
    const time = T0 + t;
    return { type, dir, packet: packet++, time, tsNsec: Math.round((time % 1) * 1e9), seq: 0, len: 0, ttl: dir === 1 ? 61 : 64, ipId: 0, ...extra };
  }
  let requests = 0;
  let responses = 0;
  for (const e of [...spec.events].sort((a, b) => a.t - b.t)) {
    const extra: Partial<FlowEvent> = { len: e.len ?? (e.type === 'request' || e.type === 'response' || e.type === 'data' ? 100 : 0) };
    if (e.ttl !== undefined) extra.ttl = e.ttl;
    const fe = ev(e.type, e.dir, e.t, extra);
    if (e.type === 'request' || e.type === 'response') {
      const end = T0 + e.t + (e.endAfter ?? 0);
      fe.http = { bodyBytes: 0, complete: true, endPacket: fe.packet, endTime: end, ...(e.type === 'response' ? { status: 200, version: 'HTTP/1.1' } : { method: 'GET', path: '/', version: 'HTTP/1.1' }), ...e.http };
      if (e.endAfter) { fe.http.endPacket = fe.packet + 1; packet++; }
      if (e.type === 'request') requests++;
      else responses++;
    }
    events.push(fe);
    const d = dirs[e.dir];
    d.packets++;
    if (fe.len > 0 && e.type !== 'retransmission' && e.type !== 'keep-alive') {
      d.payloadBytes += fe.len;
      const endT = fe.http ? fe.http.endTime : fe.time;
      const endP = fe.http ? fe.http.endPacket : fe.packet;
      if (endT >= d.lastPayloadTime) { d.lastPayloadTime = endT; d.lastPayloadPacket = endP; }
      if (!d.firstPayloadTime) d.firstPayloadTime = fe.time;
      if (!d.firstPayloadKind) d.firstPayloadKind = e.type === 'request' ? 'http-request' : e.type === 'response' ? 'http-response' : 'other';
    }
    if (e.type !== 'rst') {
      if (d.ttlFirst < 0) d.ttlFirst = fe.ttl;
      d.ttlMin = Math.min(d.ttlMin, fe.ttl);
      d.ttlMax = Math.max(d.ttlMax, fe.ttl);
    }
    if (e.type === 'fin' && !d.firstFinPacket) { d.fin++; d.firstFinPacket = fe.packet; d.firstFinTime = fe.time; }
    if (e.type === 'rst') { d.rst++; if (!d.firstRstPacket) { d.firstRstPacket = fe.packet; d.firstRstTime = fe.time; } }
    if (e.type === 'retransmission') d.retransmissions++;
  }
  const firstBy = (t: 'fin' | 'rst') => {
    const e = events.find((x) => x.type === t);
    return e ? (e.dir === 0 ? 'client' : 'server') : '';
  };
  return {
    id: spec.id ?? 0, ipVersion: 4, client, server,
    clientAddr: client.split(':')[0]!, serverAddr: server.split(':')[0]!,
    clientPort: Number(client.split(':')[1]), serverPort: Number(server.split(':')[1]), clientBy: hs ? 'syn' : 'port',
    start: events[0]?.time ?? T0, end: events[events.length - 1]?.time ?? T0,
    firstPacket: 1, lastPacket: packet - 1, file: 0, dirs,
    synTime: hs ? events[0]!.time : -1, synAckTime: hs ? events[1]!.time : -1, handshakeAckTime: hs ? events[2]!.time : -1,
    rtt: hs ? rs + rc : -1, rttServerSide: hs ? rs : -1, rttClientSide: hs ? rc : -1,
    state: 'closed-rst', firstFinBy: firstBy('fin'), firstRstBy: firstBy('rst'),
    requests, responses, events, eventsDropped: 0, truncated: false, evicted: false,
  };
}

/** A DetectorContext that collects findings. */
export function collect(): { ctx: DetectorContext; findings: Finding[] } {
  const findings: Finding[] = [];
  return { findings, ctx: { report: (f) => findings.push(f), captures: [] } };
}

/**
 * A keep-alive connection: requests at the given times (each answered 50 ms later unless
 * listed in `unanswered`), then the server's close at `closeAt`, optionally a RST at `rstAt`.
 */
export function keepAlive(opts: {
  id?: number; reqs: number[]; unanswered?: number[]; closeAt: number; close?: 'fin' | 'rst'; rstAt?: number;
  rs?: number; rc?: number; closeTtl?: number; extra?: Ev[];
}): Flow {
  const evs: Ev[] = [];
  for (const t of opts.reqs) {
    evs.push({ type: 'request', dir: 0, t });
    if (!opts.unanswered?.includes(t)) evs.push({ type: 'response', dir: 1, t: t + 0.05 });
  }
  evs.push({ type: opts.close ?? 'fin', dir: 1, t: opts.closeAt, ...(opts.closeTtl ? { ttl: opts.closeTtl } : {}) });
  if (opts.rstAt !== undefined) evs.push({ type: 'rst', dir: 1, t: opts.rstAt });
  evs.push(...(opts.extra ?? []));
  return makeFlow({ id: opts.id, rs: opts.rs, rc: opts.rc, events: evs });
}
