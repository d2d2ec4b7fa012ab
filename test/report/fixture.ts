/**
 * A hand-built AnalysisResult shaped like the gunicorn idle-race capture (keep-alive
 * requests, a 2 s idle close by the server, a request that crossed the server's FIN
 * and got RST), plus options for hostile HTTP paths and for size (many connections).
 */
import { newDirStats, type Flow, type FlowEvent, type FlowEventType, type HttpInfo } from '../../src/conn/flow.js';
import type { AnalysisResult, FlowSummary } from '../../src/analyze/result.js';
import type { Finding } from '../../src/detect/finding.js';

export const HOSTILE_PATHS = [
  '/</script><script>window.__pwned=1</script>',
  '/"><img src=x onerror=window.__pwned=1>',
  "/'><svg onload=window.__pwned=1>\u2028\u0000\u001b[31m",
];

interface Ev {
  type: FlowEventType;
  dir: 0 | 1;
  dt: number;
  http?: Partial<HttpInfo>;
  retransmission?: boolean;
  len?: number;
}

function makeFlow(id: number, start: number, firstPacket: number, evs: Ev[], clientPort: number, state: Flow['state']): Flow {
  let t = start;
  let p = firstPacket;
  const events: FlowEvent[] = evs.map((e) => {
    t += e.dt;
    p += 1;
    const http: HttpInfo | undefined = e.http ? { bodyBytes: 0, complete: true, endPacket: p, endTime: t, ...e.http } : undefined;
    return { type: e.type, dir: e.dir, packet: p, time: t, tsNsec: 0, seq: 0, len: e.len ?? 0, ttl: 64, ipId: 1, http, retransmission: e.retransmission };
  });
  const dirs: Flow['dirs'] = [newDirStats(), newDirStats()];
  dirs[0].packets = Math.ceil(events.length * 0.6);
  dirs[1].packets = events.length;
  dirs[0].payloadBytes = 800;
  dirs[1].payloadBytes = 4200;
  return {
    id, ipVersion: 4, client: `10.0.3.1:${clientPort}`, server: '10.0.3.2:8000', clientAddr: '10.0.3.1', serverAddr: '10.0.3.2',
    clientPort, serverPort: 8000, clientBy: 'syn', start, end: t, firstPacket: firstPacket + 1, lastPacket: p, file: 0, dirs,
    synTime: start, synAckTime: start + 0.05, handshakeAckTime: start + 0.05, rtt: 0.0502, rttClientSide: 0.0001, rttServerSide: 0.0501,
    state, firstFinBy: 'server', firstRstBy: state === 'closed-rst' ? 'server' : '', requests: evs.filter((e) => e.type === 'request').length,
    responses: evs.filter((e) => e.type === 'response').length, events, eventsDropped: 0, truncated: false, evicted: false,
  };
}

function exchange(path: string, gap: number): Ev[] {
  return [
    { type: 'request', dir: 0, dt: gap, http: { method: 'GET', path, version: 'HTTP/1.1', host: 'upstream' }, len: 120 },
    { type: 'response', dir: 1, dt: 0.051, http: { status: 200, reason: 'OK', version: 'HTTP/1.1', contentLength: 1234, bodyBytes: 1234 }, len: 1400 },
  ];
}

/** A raced connection: requests, idle gap, request crossing the server FIN, RST. */
function racedFlow(id: number, start: number, firstPacket: number, paths: string[]): Flow {
  const evs: Ev[] = [
    { type: 'syn', dir: 0, dt: 0 },
    { type: 'syn-ack', dir: 1, dt: 0.0501 },
    { type: 'handshake-ack', dir: 0, dt: 0.0001 },
    ...exchange(paths[0] ?? '/api/items?page=1', 0.0002),
    ...exchange(paths[1] ?? '/api/items?page=2', 1.2),
    { type: 'request', dir: 0, dt: 1.971, http: { method: 'POST', path: paths[2] ?? '/api/orders', version: 'HTTP/1.1', bodyBytes: 512, contentLength: 512 }, len: 700 },
    { type: 'fin', dir: 1, dt: 0.0323 },
    { type: 'retransmission', dir: 0, dt: 0.0002, len: 700 },
    { type: 'rst', dir: 1, dt: 0.0174 },
    { type: 'rst', dir: 1, dt: 0.0002, retransmission: true },
  ];
  return makeFlow(id, start, firstPacket, evs, 41000 + id, 'closed-rst');
}

function cleanFlow(id: number, start: number, firstPacket: number): Flow {
  const evs: Ev[] = [
    { type: 'syn', dir: 0, dt: 0 },
    { type: 'syn-ack', dir: 1, dt: 0.0501 },
    { type: 'handshake-ack', dir: 0, dt: 0.0001 },
    ...exchange('/healthz', 0.0002),
    { type: 'fin', dir: 1, dt: 2.003 },
    { type: 'fin', dir: 0, dt: 0.0501 },
  ];
  return makeFlow(id, start, firstPacket, evs, 41000 + id, 'closed-fin');
}

export function summaryOf(f: Flow): FlowSummary {
  return {
    id: f.id, client: f.client, server: f.server, packets: f.dirs[0].packets + f.dirs[1].packets, payload_bytes: 5000,
    syn: 2, fin: 1, rst: f.state === 'closed-rst' ? 2 : 0, retransmissions: 0, start: f.start, end: f.end, state: f.state,
    requests: f.requests, responses: f.responses, first_packet: f.firstPacket, last_packet: f.lastPacket,
    closed_by: 'server', close: f.state === 'closed-rst' ? 'rst' : 'fin', rtt_ms: 50.2,
  };
}

export interface FixtureOptions {
  /** Raced connections (each gets an idle-close-race finding). */
  races?: number;
  clean?: number;
  hostile?: boolean;
}

export function fixtureResult(o: FixtureOptions = {}): AnalysisResult {
  const races = o.races ?? 3;
  const clean = o.clean ?? 8;
  const t0 = 1763632800;
  const flows: Flow[] = [];
  let packet = 0;
  let t = t0;
  for (let i = 0; i < races + clean; i++) {
    const isRace = i % Math.max(1, Math.floor((races + clean) / Math.max(1, races))) === 1 && flows.filter((f) => f.state === 'closed-rst').length < races;
    const paths = o.hostile && i === 1 ? HOSTILE_PATHS : [];
    const f = isRace ? racedFlow(i, t, packet, paths) : cleanFlow(i, t, packet);
    flows.push(f);
    packet = f.lastPacket + 2;
    t = f.end + 0.3;
  }
  // top up races if the spacing missed some
  for (let i = flows.filter((f) => f.state === 'closed-rst').length; i < races; i++) {
    const f = racedFlow(flows.length, t, packet, []);
    flows.push(f);
    packet = f.lastPacket + 2;
    t = f.end + 0.3;
  }
  const findings: Finding[] = flows.filter((f) => f.state === 'closed-rst').map((f) => {
    const req = f.events.filter((e) => e.type === 'request').at(-1)!;
    const fin = f.events.find((e) => e.type === 'fin')!;
    const rst = f.events.find((e) => e.type === 'rst')!;
    const lastResp = f.events.filter((e) => e.type === 'response').at(-1)!;
    return {
      kind: 'idle-close-race', severity: 'error',
      summary: `request ${req.http?.method} ${req.http?.path} sent 1.971 s into an idle gap crossed the server's idle FIN and was answered by RST`,
      flow: { client: f.client, server: f.server, id: f.id }, time: rst.time,
      params: { idle_s: 2.003, closer: 'server', server_idle_timeout_s: 2.0 },
      evidence: [
        { packet: lastResp.packet, time: lastResp.time, note: 'last response before the idle gap' },
        { packet: req.packet, time: req.time, note: `request reused the idle connection: ${req.http?.method} ${req.http?.path}` },
        { packet: fin.packet, time: fin.time, note: 'server FIN: idle close' },
        { packet: rst.packet, time: rst.time, note: 'server RST answers the request' },
      ],
      symptoms: ['nginx: recv() failed (104: Connection reset by peer) while reading response header from upstream'],
      advice: 'Make the client side close idle keep-alive connections before the server does: nginx upstream keepalive_timeout below gunicorn --keep-alive (2 s), or raise gunicorn --keep-alive above nginx keepalive_timeout.',
      confidence: 0.9, flows: [f.id],
    } satisfies Finding;
  });
  if (findings.length > 1) {
    findings.push({
      kind: 'request-cap-close', severity: 'warning', summary: 'the server closes keep-alive connections after 2 requests',
      flow: { client: '*', server: '10.0.3.2:8000' }, time: t0 + 1, params: { max_requests_per_connection: 2, raced: 1 },
      evidence: [{ packet: flows[0]!.lastPacket, time: flows[0]!.end, note: 'close after request 2' }], symptoms: [],
      advice: 'raise keepalive_requests', aggregate: true, flows: flows.slice(0, 5).map((f) => f.id),
    });
  }
  const timelines = new Map<number, Flow>(flows.map((f) => [f.id, f]));
  const last = flows.at(-1)!;
  return {
    tool: { name: 'pcap-reset', version: '0.1.0' },
    captures: [{ path: o.hostile ? 'captures/<b>hostile</b>.pcap' : 'captures/fixture.pcap', format: 'pcap', gzip: false, linktypes: [1], packets: last.lastPacket, bytes: 26592, first: t0, last: last.end, warnings: o.hostile ? ['odd <script>alert(1)</script> warning'] : [] }],
    flows: flows.map(summaryOf),
    findings,
    summary: {
      flows: flows.length, findings_by_kind: { 'idle-close-race': races }, packets: last.lastPacket, tcp_packets: last.lastPacket,
      states: { 'closed-fin': clean, 'closed-rst': races }, servers: [{ server: '10.0.3.2:8000', flows: flows.length, failed: races, requests: 20 }], warnings: [],
    },
    verdict: {
      cause: 'gunicorn at 10.0.3.2:8000 closes idle keep-alive connections after 2.0 s while the client reuses them up to 2.6 s',
      kind: 'idle-close-race', server: '10.0.3.2:8000', confidence: 0.9,
      fix: 'nginx: upstream keepalive_timeout 1s (below gunicorn --keep-alive 2), or gunicorn --keep-alive 75',
      explains: races, severity: 'error',
    },
    timelines,
  };
}
