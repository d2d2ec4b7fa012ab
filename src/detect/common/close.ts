/**
 * Close attribution for one connection, shared by the reset-cause detectors: who
 * sent the first FIN or RST, what was in flight (an unanswered request, since when),
 * how long the connection had been idle (application idle: payload, not keep-alive
 * probes), how many requests it carried, and how a request sent around the close
 * relates to it on the wire (timing.ts).
 *
 * `closeStory(flow)` classifies the close once (memoized for the flow being finalized) so that each
 * per-connection failure gets exactly one reset-cause kind:
 *
 *   idle-close-race        a reused keep-alive connection: the closer's idle close and a
 *                          request crossed on the wire (the request got RST / nothing), or the
 *                          request reached the server moments (< SERVER_SIDE_RACE_S) before its
 *                          idle close (the server's idle sweep did not see it)
 *   close-race             a request crossed a close that came right after a response (a request
 *                          cap, announced or not): reported by request-cap-close, else reset-before-response
 *   data-after-close       a request written after the close had already arrived
 *   abortive-idle-close    the server closed an idle connection with RST, no FIN
 *   request-timeout-abort  a request the peer had received waited >= TIMEOUT_MIN_S, then a close
 *   reset-before-response  a request the server had received, then a close before any response byte
 *   idle-close / client-idle-close / close-after-response: clean closes, kept for inference
 */
import type { Flow, FlowEvent } from '../../conn/flow.js';
import { idleAtCloser, judgeCrossing, pathDelays, type Crossing } from './timing.js';

/** A close this long after the last activity is an idle close, not a close after a response. */
export const IDLE_MIN_S = 0.25;
/** A request unanswered this long before the close is a timeout, not an immediate reset. */
export const TIMEOUT_MIN_S = 1.0;

export interface Exchange {
  /** 0-based position in the exchanges list (of the events kept). */
  index: number;
  /** 0-based number of the request on its connection (differs from `index` when a long connection's middle events were dropped). */
  nth: number;
  req: FlowEvent;
  /** First response byte for this request (1xx included), and the final (>= 200) response. */
  firstResp: FlowEvent | null;
  resp: FlowEvent | null;
}

export type CloseClass =
  | ''
  | 'idle-close'
  | 'client-idle-close'
  | 'close-after-response'
  | 'idle-close-race'
  | 'close-race'
  | 'data-after-close'
  | 'abortive-idle-close'
  | 'request-timeout-abort'
  | 'reset-before-response';

export interface CloseStory {
  flow: Flow;
  /** Events sorted by packet number. */
  events: FlowEvent[];
  exchanges: Exchange[];
  /** The first FIN or RST of the connection (either side), the side that sent it and how. */
  close: FlowEvent | null;
  closer: '' | 'client' | 'server';
  how: '' | 'fin' | 'rst';
  /** Application idle before the close, on the closer's clock (-1: something was in flight / unknown). */
  idleS: number;
  /** The last payload before the close (either direction), seen at the capture point. */
  lastBeforeClose: { time: number; packet: number } | null;
  /** The first request never answered with a final response. */
  unanswered: Exchange | null;
  /** For a server close: how `unanswered` relates to it on the wire. */
  crossing: Crossing | null;
  /** Gap between the previous payload and `unanswered` (the reuse gap; -1 when first request). */
  reuseGapS: number;
  /** The request before `unanswered` had its final response announce Connection: close. */
  announcedClose: boolean;
  /** First RST sent by the closer's side (or by the server) after `unanswered` / after the close. */
  rstAfter: FlowEvent | null;
  /** Seconds the unanswered request waited until the close (closer's clock; -1 n/a). */
  waitS: number;
  /** idle-close-race where the request had reached the server before its idle close (server-side race). */
  serverSideRace: boolean;
  /** The close is a RST that did not come from the peer's stack (TTL mismatch): left to middlebox-reset. */
  injected: boolean;
  class: CloseClass;
}

/** A request the server closed on within this long after it arrived can still be an idle-close race (server side). */
export const SERVER_SIDE_RACE_S = 0.5;

/**
 * A RST whose IP TTL is outside the range of its sender's other packets was not sent by that
 * host's stack (a firewall / load balancer injected it): the close is not the peer's decision.
 */
export function foreignRst(flow: Flow, ev: FlowEvent): boolean {
  if (ev.type !== 'rst') return false;
  const d = flow.dirs[ev.dir];
  if (d.ttlMax < 0 || d.ttlMin > 255) return false;
  return ev.ttl < d.ttlMin || ev.ttl > d.ttlMax;
}

// Detectors ask for the story of the connection being finalized, one connection at a time
// (each detector's onFlowEnd in turn): remembering the last one is enough, and unlike a
// WeakMap keyed by every Flow it costs the garbage collector nothing. (Asking again for an
// older flow builds the same story again.)
// (The id is compared too: the connection table reuses the Flow objects nobody kept.)
let lastFlow: Flow | null = null;
let lastId = -1;
let lastStory: CloseStory | null = null;

export function closeStory(flow: Flow): CloseStory {
  if (flow === lastFlow && flow.id === lastId) return lastStory!;
  const s = build(flow);
  lastFlow = flow;
  lastId = flow.id;
  lastStory = s;
  return s;
}

/** Flow events in packet order (a request event is pushed when its headers complete). */
export function sortedEvents(flow: Flow): FlowEvent[] {
  // Usually in order already (only a request completing after later packets is not): then
  // the flow's own list is returned, read-only, without a copy.
  const evs = flow.events;
  for (let i = 1; i < evs.length; i++) {
    if (evs[i]!.packet < evs[i - 1]!.packet) return [...evs].sort((a, b) => a.packet - b.packet);
  }
  return evs;
}

/** Requests paired with their responses (by `requestIndex` when known, else in order). */
export function exchangesOf(events: FlowEvent[], requestsDropped = 0, gapPacket = Infinity): Exchange[] {
  const out: Exchange[] = [];
  // A long connection keeps its first and its latest events: requests after the dropped middle
  // are numbered on past the dropped ones.
  let head = 0;
  for (const e of events) {
    if (e.type !== 'request') continue;
    const after = requestsDropped > 0 && e.packet >= gapPacket;
    if (!after) head++;
    out.push({ index: out.length, nth: after ? requestsDropped + out.length : out.length, req: e, firstResp: null, resp: null });
  }
  let next = 0;
  for (const e of events) {
    if (e.type !== 'response' || !e.http) continue;
    const status = e.http.status ?? 0;
    // requestIndex counts every request of the connection, dropped ones included.
    const ri = e.http.requestIndex;
    const idx = ri !== undefined && ri >= 0 ? (ri < head ? ri : ri - requestsDropped) : next;
    const x = out[idx];
    if (x) {
      if (!x.firstResp) x.firstResp = e;
      if (status >= 200 && !x.resp) x.resp = e;
    }
    if (status >= 200 || status === 0) next = Math.max(0, idx + 1);
  }
  return out;
}

function build(flow: Flow): CloseStory {
  const events = sortedEvents(flow);
  const exchanges = exchangesOf(events, flow.requestsDropped ?? 0, flow.dropGapPacket ?? Infinity);
  const story: CloseStory = {
    flow, events, exchanges, close: null, closer: '', how: '', idleS: -1, lastBeforeClose: null,
    unanswered: null, crossing: null, reuseGapS: -1, announcedClose: false, rstAfter: null, waitS: -1, class: '',
    serverSideRace: false, injected: false,
  };
  let close: FlowEvent | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if ((e.type === 'fin' || e.type === 'rst') && !e.retransmission) { close = e; break; }
  }
  if (!close) return story;
  story.close = close;
  story.closer = close.dir === 1 ? 'server' : 'client';
  story.how = close.type === 'rst' ? 'rst' : 'fin';
  if (foreignRst(flow, close)) {
    // Not the peer's own RST (its TTL does not match the peer's packets): middlebox-reset explains it.
    story.injected = true;
    return story;
  }
  const closerDir = close.dir;
  const peerDir = (closerDir ^ 1) as 0 | 1;

  // Last payload per direction before the close (capture-point times).
  const lastBefore = lastPayloadBefore(flow, exchanges, close);
  story.lastBeforeClose = lastBefore.any;

  // The first request without a final response before the close (a late answer does not count).
  // Answered = the final response started AND ended before the close (a truncated one is in flight).
  let un: Exchange | null = null;
  for (let i = 0; i < exchanges.length; i++) {
    const x = exchanges[i]!;
    if (!answeredBefore(x, close.packet)) { un = x; break; }
  }
  const respStarted = un !== null && un.firstResp !== null && un.firstResp.packet < close.packet;
  story.unanswered = un;
  if (un) {
    const prev = exchanges[un.index - 1];
    story.announcedClose = prev?.resp?.http?.connectionClose === true;
    const prevEnd = prev ? Math.max(prev.req.http?.endTime ?? prev.req.time, prev.resp ? prev.resp.http?.endTime ?? prev.resp.time : 0) : -1;
    story.reuseGapS = prev && prevEnd > 0 ? un.req.time - prevEnd : -1;
  }
  const rstFrom = un ? un.req.packet : close.packet;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type === 'rst' && e.packet >= rstFrom && (un ? e.dir === 1 : true)) { story.rstAfter = e; break; }
  }

  const requestBeforeClose = un !== null && un.req.packet < close.packet;
  // Idle on the closer's clock, ignoring the unanswered request when it arrived after the close.
  const closerLast = closerDir === 1 ? lastBefore.server : lastBefore.client;
  let peerLast = closerDir === 1 ? lastBefore.client : lastBefore.server;

  if (story.closer === 'server' && un && !respStarted) {
    const c = judgeCrossing(flow, 0, un.req.time, close.time);
    story.crossing = c;
    if (c.kind !== 'before-close') {
      // The request arrived after the close: idle is measured without it.
      peerLast = lastClientPayloadBefore(exchanges, un.index, lastBefore.client, un.req.time);
      story.idleS = idleAtCloser(flow, 1, close.time, closerLast, peerLast);
      const reused = un.nth >= 1 && flow.requests >= 2;
      if (c.kind === 'after-close') story.class = 'data-after-close';
      else if (reused && !story.announcedClose && story.idleS >= IDLE_MIN_S) story.class = 'idle-close-race';
      else story.class = 'close-race';
      return story;
    }
    // The server had the request and closed without answering it.
    const d = pathDelays(flow);
    // The wait for an answer starts once the request is complete (a long upload is not a wait).
    story.waitS = close.time - reqEnd(un) - d.rs;
    const reused = un.nth >= 1 && flow.requests >= 2;
    if (reused && !story.announcedClose && story.reuseGapS >= IDLE_MIN_S && story.waitS < SERVER_SIDE_RACE_S) {
      // A reused idle connection closed moments after the request arrived: the server's idle
      // check ran before it noticed the request (gunicorn's once-a-second keep-alive sweep).
      peerLast = lastClientPayloadBefore(exchanges, un.index, lastBefore.client, un.req.time);
      story.idleS = idleAtCloser(flow, 1, close.time, closerLast, peerLast);
      if (story.idleS >= IDLE_MIN_S) {
        story.serverSideRace = true;
        story.class = 'idle-close-race';
        return story;
      }
    }
    story.class = story.waitS >= TIMEOUT_MIN_S ? 'request-timeout-abort' : 'reset-before-response';
    return story;
  }
  if (story.closer === 'client' && un && requestBeforeClose) {
    // The client gave up on an unanswered (or unfinished) request.
    story.waitS = close.time - reqEnd(un);
    if (!respStarted && story.waitS >= TIMEOUT_MIN_S) story.class = 'request-timeout-abort';
    return story;
  }
  if (un && requestBeforeClose) return story; // e.g. a server close in the middle of a response (truncated-response)

  // Nothing outstanding: a clean close (HTTP), or a non-HTTP connection.
  if (exchanges.length === 0 && !peerIdle(flow, closerDir, close)) return story;
  // Retransmissions or a zero window before the close: the connection was stalled, not idle
  // (a sender giving up after its retransmission timeout is retransmission-loss / zero-window).
  const quietFrom = lastBefore.any?.packet ?? 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if ((e.type === 'retransmission' || e.type === 'zero-window' || e.type === 'lost-segment') && e.packet >= quietFrom && e.packet <= close.packet) return story;
  }
  story.idleS = idleAtCloser(flow, closerDir, close.time, closerLast, peerLast);
  let lastResp: FlowEvent | null | undefined;
  for (let i = exchanges.length - 1; i >= 0 && !lastResp; i--) lastResp = exchanges[i]!.resp;
  if (story.closer === 'server') {
    if (story.idleS >= IDLE_MIN_S && !(lastResp?.http?.connectionClose)) {
      story.class = story.how === 'rst' ? 'abortive-idle-close' : 'idle-close';
    } else if (story.idleS >= 0) {
      story.class = 'close-after-response';
    }
  } else if (story.idleS >= IDLE_MIN_S && story.how === 'fin') {
    story.class = 'client-idle-close';
  }
  void peerDir;
  return story;
}

/** The final response started and ended before packet `closePacket` (a truncated one is in flight). */
function answeredBefore(x: Exchange, closePacket: number): boolean {
  const r = x.resp;
  return r !== null && r.packet < closePacket && r.http?.complete !== false && (r.http?.endPacket ?? 0) <= closePacket;
}

/** When the request's last byte was seen (its start when that came after the close or is unknown). */
function reqEnd(x: Exchange): number {
  const h = x.req.http;
  return h && h.endTime >= x.req.time ? h.endTime : x.req.time;
}

/** For non-HTTP connections: the closer's peer had sent nothing newer than the closer's last payload. */
function peerIdle(flow: Flow, closerDir: 0 | 1, close: FlowEvent): boolean {
  const me = flow.dirs[closerDir];
  const peer = flow.dirs[closerDir ^ 1];
  if (me.payloadBytes === 0 || peer.payloadBytes === 0) return false;
  // DirStats hold the *last* payload of the whole connection: usable only when it precedes the close.
  if (peer.lastPayloadPacket > close.packet || me.lastPayloadPacket > close.packet) return false;
  return peer.lastPayloadTime <= me.lastPayloadTime;
}

interface LastBefore {
  client: number;
  server: number;
  any: { time: number; packet: number } | null;
}

/** Last payload time per direction before the close, from DirStats and HTTP message ends. */
function lastPayloadBefore(flow: Flow, exchanges: Exchange[], close: FlowEvent): LastBefore {
  // (no closure or object per payload seen: this runs for every connection; the running
  // maxima live in a module-level scratch record, not in a closure's context)
  const m = scratch;
  m.client = -1; m.server = -1; m.anyTime = 0; m.anyPacket = -1; m.limit = close.packet;
  for (let d = 0; d < 2; d++) {
    const ds = flow.dirs[d]!;
    if (ds.lastPayloadPacket > 0 && ds.lastPayloadPacket < close.packet) see(d, ds.lastPayloadTime, ds.lastPayloadPacket);
    else if (ds.lastPayloadPacket === close.packet) see(d, ds.lastPayloadTime, ds.lastPayloadPacket);
  }
  for (let i = 0; i < exchanges.length; i++) {
    const x = exchanges[i]!;
    see(0, x.req.time, x.req.packet);
    if (x.req.http) see(0, x.req.http.endTime, x.req.http.endPacket);
    const r1 = x.firstResp;
    if (r1) {
      see(1, r1.time, r1.packet);
      if (r1.http) see(1, r1.http.endTime, r1.http.endPacket);
    }
    const r2 = x.resp;
    if (r2) {
      see(1, r2.time, r2.packet);
      if (r2.http) see(1, r2.http.endTime, r2.http.endPacket);
    }
  }
  const evs = flow.events;
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i]!;
    if (e.type === 'data') see(e.dir, e.time, e.packet);
  }
  return { client: m.client, server: m.server, any: m.anyPacket < 0 ? null : { time: m.anyTime, packet: m.anyPacket } };
}

const scratch = { client: -1.5, server: -1.5, anyTime: 0.5, anyPacket: -1, limit: 0 };

function see(dir: number, time: number, packet: number): void {
  const m = scratch;
  if (packet <= 0 || packet > m.limit) return;
  if (dir === 0) m.client = Math.max(m.client, time);
  else m.server = Math.max(m.server, time);
  if (m.anyPacket < 0 || time > m.anyTime) { m.anyTime = time; m.anyPacket = packet; }
}

/** The client's last payload before request `index` (its previous requests' ends). */
function lastClientPayloadBefore(exchanges: Exchange[], index: number, fallback: number, before: number): number {
  let t = -1;
  for (const x of exchanges) {
    if (x.index >= index) break;
    t = Math.max(t, x.req.time, x.req.http?.endTime ?? -1);
  }
  if (t < 0 && fallback >= 0 && fallback < before) t = fallback;
  return t;
}

/** Payload seen in direction `dir` after packet `after` (new data only: DirStats.lastPayloadPacket). */
export function payloadAfter(flow: Flow, dir: 0 | 1, after: number): boolean {
  return flow.dirs[dir].lastPayloadPacket > after;
}
