/**
 * The later events of a long connection while it is open, as rows of numbers instead of
 * objects; they are made into FlowEvents (appended to Flow.events) once, when the connection
 * is finalized.
 *
 * A connection keeps at most `max` events: its first `keepHead` (Flow.events, objects, as
 * they come: handshake, first exchanges) and the most recent ones (the tail, here); when full,
 * the oldest `drop` of the tail are dropped at once (the end is where connections break).
 *
 * Why rows: a keep-alive connection makes thousands of request/response events, nearly all of
 * them dropped later. As objects they were reused from the dropped ones, and lived long enough
 * to reach the old generation, which then grew with the length of the capture (the bench's
 * memory flatness); rows are a fixed buffer per connection. Short connections never get here:
 * their few events stay objects, as before. (Not faster: see docs/performance.md, sixth round.)
 */
import { type FlowEvent, type FlowEventType, type HttpInfo, type PayloadKind, flowEventWith } from './flow.js';

const TYPES: readonly FlowEventType[] = [
  'syn', 'syn-ack', 'handshake-ack', 'request', 'response', 'data', 'fin', 'rst',
  'retransmission', 'zero-window', 'window-open', 'keep-alive', 'lost-segment',
];
const PROTOS: readonly PayloadKind[] = ['http-request', 'http-response', 'h2-preface', 'h2-settings', 'tls-client-hello', 'tls', 'ssh', 'other'];
const typeIndex = new Map<FlowEventType, number>(TYPES.map((t, i) => [t, i]));
const protoIndex = new Map<PayloadKind, number>(PROTOS.map((t, i) => [t, i]));
export const T_SYN = typeIndex.get('syn')!;
export const T_REQUEST = typeIndex.get('request')!;
export const T_RESPONSE = typeIndex.get('response')!;
export function eventTypeIndex(t: FlowEventType): number {
  return typeIndex.get(t)!;
}

// A row: ROW doubles. KIND packs the type (bits 0-3), the direction (4), ack / retransmission /
// duplicate (two bits each from bit 5: 0 undefined, 1 false, 2 true), proto (bits 11-14: 0
// undefined, else index + 1), "has a message" (15), and the message's chunked (16),
// connectionClose (17-18, as ack) and complete (19). Undefined numbers are NaN.
const ROW = 16;
const KIND = 0, PACKET = 1, TIME = 2, NSEC = 3, SEQ = 4, LEN = 5, TTL = 6, IPID = 7, STALL = 8, CUMREQ = 9;
const STATUS = 10, CLEN = 11, BODY = 12, END_PACKET = 13, END_TIME = 14, REQ_INDEX = 15;
// Strings of a message row: STRS per row.
const STRS = 6;
const METHOD = 0, PATH = 1, HOST = 2, REASON = 3, VERSION = 4, SERVER = 5;

const HAS_HTTP = 1 << 15;
const CHUNKED = 1 << 16;
const COMPLETE = 1 << 19;

const tri = (v: boolean | undefined): number => (v === undefined ? 0 : v ? 2 : 1);
const untri = (k: number): boolean | undefined => (k === 0 ? undefined : k === 2);
const num = (v: number | undefined): number => (v === undefined ? NaN : v);
const unnum = (v: number): number | undefined => (v !== v ? undefined : int(v));
/**
 * A whole number read from a row, as the small integer (Smi) it was when recorded. A number read
 * from a Float64Array is a heap number (a float) even when whole: stored in a new event, it would
 * change the representation of that field for every event (the hidden class the flow table's
 * events share is then deprecated, and each of them migrated when next read, slowly).
 */
const int = (v: number): number => ((v | 0) === v ? v | 0 : v);

/** Where materialized events and messages come from (the table's pools of reusable objects). */
export interface EventObjects {
  plainEvent(): FlowEvent | undefined;
  httpEvent(): FlowEvent | undefined;
  info(): HttpInfo | undefined;
  newInfo(): HttpInfo;
}

/** Of `max` events kept, the first ones (objects in Flow.events): a quarter, at most 100. */
export function keepHeadOf(max: number): number {
  return Math.min(100, Math.floor(max / 4));
}

export class EventLog {
  private rows: Float64Array;
  private strs: (string | undefined)[];
  /** Tail events kept now, pushed in all, dropped in all. */
  length = 0;
  pushed = 0;
  dropped = 0;
  /** Requests among the events the last dropping push dropped. */
  droppedRequests = 0;
  /** Request events pushed in all. */
  private requests = 0;
  /** Row of the oldest tail event (the rows are a ring of `tailCap`). */
  private tailOff = 0;
  /** Events kept as objects first (Flow.events), and dropped at once when `max` are kept. */
  readonly keepHead: number;
  private readonly drop: number;
  private readonly tailCap: number;

  constructor(private readonly max: number) {
    this.keepHead = keepHeadOf(max);
    this.drop = Math.floor(max / 2);
    this.tailCap = max - this.keepHead;
    // (Allocated when the first tail event comes: most connections have none.)
    this.rows = new Float64Array(0);
    // An array of references from the start (PACKED_ELEMENTS; `[]` would be one of small
    // integers): its hidden class never changes, nor then EventLog's (see util/object-array.ts).
    const strs: (string | undefined)[] = [undefined];
    strs.pop();
    this.strs = strs;
  }

  clear(): void {
    this.length = this.pushed = this.dropped = this.requests = this.tailOff = 0;
  }

  /** Row of the i-th tail event kept (0 = oldest). */
  private rowOf(i: number): number {
    const k = this.tailOff + i;
    return k >= this.tailCap ? k - this.tailCap : k;
  }

  /** Row of the tail event pushed as number `abs` (0-based), or -1 when it was dropped. */
  rowOfPushed(abs: number): number {
    const i = abs - this.dropped;
    return i >= 0 && i < this.length ? this.rowOf(i) : -1;
  }

  /**
   * A new tail event's row (its fields are then set with `set`/`setMessage`); the head is full.
   * When `max` are kept in all, the oldest `drop` of the tail go first (`dropped` grows), and
   * `droppedRequests` says how many of them were requests.
   */
  push(type: number, packet: number): number {
    if (this.keepHead + this.length >= this.max) {
      const from = this.rowOf(0);
      const to = this.rowOf(this.drop);
      // (| 0: a small integer, as the field was first set; a float would change EventLog's hidden class)
      this.droppedRequests = (this.rows[to * ROW + CUMREQ]! - this.rows[from * ROW + CUMREQ]!) | 0;
      this.tailOff = to;
      this.length -= this.drop;
      this.dropped += this.drop;
    }
    const r = this.rowOf(this.length);
    if ((r + 1) * ROW > this.rows.length) this.grow();
    this.length++;
    this.pushed++;
    const o = r * ROW;
    this.rows[o + CUMREQ] = this.requests;
    if (type === T_REQUEST) this.requests++;
    this.rows[o + PACKET] = packet;
    return r;
  }
  /** Packet of the oldest tail event (after events were dropped: the Flow's dropGapPacket). */
  firstPacket(): number {
    return this.rows[this.rowOf(0) * ROW + PACKET]!;
  }

  private grow(): void {
    const cap = Math.min(this.tailCap, Math.max(8, (this.rows.length / ROW) * 2));
    const rows = new Float64Array(cap * ROW);
    rows.set(this.rows);
    this.rows = rows;
    const strs = this.strs;
    while (strs.length < cap * STRS) strs.push(undefined);
  }

  /** The event fields of row `r`. */
  set(
    r: number, type: number, dir: number, time: number, tsNsec: number, seq: number, len: number, ttl: number, ipId: number,
    ack: boolean | undefined, retransmission: boolean | undefined, duplicate: boolean | undefined, stallS: number | undefined,
    proto: PayloadKind | undefined,
  ): void {
    const o = r * ROW;
    const rows = this.rows;
    rows[o + KIND] = type | (dir << 4) | (tri(ack) << 5) | (tri(retransmission) << 7) | (tri(duplicate) << 9) |
      ((proto === undefined ? 0 : protoIndex.get(proto)! + 1) << 11);
    rows[o + TIME] = time;
    rows[o + NSEC] = tsNsec;
    rows[o + SEQ] = seq;
    rows[o + LEN] = len;
    rows[o + TTL] = ttl;
    rows[o + IPID] = ipId;
    rows[o + STALL] = num(stallS);
  }

  /** Row `r` is a request/response event (fields set with `set` first) for message `h`. */
  setMessage(r: number, h: HttpInfo): void {
    const o = r * ROW;
    const rows = this.rows;
    rows[o + KIND] = rows[o + KIND]! | HAS_HTTP | (h.chunked === undefined ? 0 : CHUNKED) | (tri(h.connectionClose) << 17);
    rows[o + STATUS] = num(h.status);
    rows[o + CLEN] = num(h.contentLength);
    rows[o + REQ_INDEX] = num(h.requestIndex);
    const s = r * STRS;
    const strs = this.strs;
    strs[s + METHOD] = h.method;
    strs[s + PATH] = h.path;
    strs[s + HOST] = h.host;
    strs[s + REASON] = h.reason;
    strs[s + VERSION] = h.version;
    strs[s + SERVER] = h.server;
    this.progress(r, h);
  }

  /** What changes of a message after it started (its body, its end), from `h` into row `r`. */
  progress(r: number, h: HttpInfo): void {
    const o = r * ROW;
    const rows = this.rows;
    rows[o + BODY] = h.bodyBytes;
    rows[o + END_PACKET] = h.endPacket;
    rows[o + END_TIME] = h.endTime;
    const k = rows[o + KIND]!;
    rows[o + KIND] = h.complete ? k | COMPLETE : k & ~COMPLETE;
  }

  /** Time of the last tail event of type `type`, or `dflt`. */
  lastTimeOf(type: number, dflt: number): number {
    let t = dflt;
    for (let i = 0; i < this.length; i++) {
      const o = this.rowOf(i) * ROW;
      if ((this.rows[o + KIND]! & 15) === type) t = this.rows[o + TIME]!;
    }
    return t;
  }

  /** The tail events as objects, in order, appended to `out` (Flow.events, the head); once, at finalize. */
  materialize(out: FlowEvent[], objs: EventObjects): void {
    const rows = this.rows;
    const strs = this.strs;
    for (let i = 0; i < this.length; i++) {
      const r = this.rowOf(i);
      const o = r * ROW;
      const k = rows[o + KIND]!;
      const type = TYPES[k & 15]!;
      const dir = ((k >> 4) & 1) as 0 | 1;
      const packet = int(rows[o + PACKET]!), time = rows[o + TIME]!, tsNsec = int(rows[o + NSEC]!), seq = int(rows[o + SEQ]!);
      const len = int(rows[o + LEN]!), ttl = int(rows[o + TTL]!), ipId = int(rows[o + IPID]!);
      if (k & HAS_HTTP) {
        const h = objs.info() ?? objs.newInfo();
        const s = r * STRS;
        h.method = strs[s + METHOD]; h.path = strs[s + PATH]; h.host = strs[s + HOST];
        h.status = unnum(rows[o + STATUS]!); h.reason = strs[s + REASON]; h.version = strs[s + VERSION];
        h.contentLength = unnum(rows[o + CLEN]!); h.chunked = k & CHUNKED ? true : undefined;
        h.server = strs[s + SERVER]; h.connectionClose = untri((k >> 17) & 3);
        h.bodyBytes = int(rows[o + BODY]!); h.complete = (k & COMPLETE) !== 0;
        h.endPacket = int(rows[o + END_PACKET]!); h.endTime = rows[o + END_TIME]!;
        h.requestIndex = unnum(rows[o + REQ_INDEX]!);
        let ev = objs.httpEvent();
        if (ev === undefined) {
          ev = { type, dir, packet, time, tsNsec, seq, len, ttl, ipId, http: h };
        } else {
          ev.type = type; ev.dir = dir; ev.packet = packet; ev.time = time; ev.tsNsec = tsNsec;
          ev.seq = seq; ev.len = len; ev.ttl = ttl; ev.ipId = ipId; ev.http = h;
        }
        out.push(ev);
        continue;
      }
      const ack = untri((k >> 5) & 3), retransmission = untri((k >> 7) & 3), duplicate = untri((k >> 9) & 3);
      const p = (k >> 11) & 15;
      const proto = p === 0 ? undefined : PROTOS[p - 1];
      const stallS = unnum(rows[o + STALL]!);
      if (ack !== undefined || retransmission !== undefined || duplicate !== undefined || stallS !== undefined || proto !== undefined) {
        out.push(flowEventWith(type, dir, packet, time, tsNsec, seq, len, ttl, ipId, ack, retransmission, duplicate, stallS, proto));
        continue;
      }
      let ev = objs.plainEvent();
      if (ev === undefined) {
        ev = { type, dir, packet, time, tsNsec, seq, len, ttl, ipId };
      } else {
        ev.type = type; ev.dir = dir; ev.packet = packet; ev.time = time; ev.tsNsec = tsNsec;
        ev.seq = seq; ev.len = len; ev.ttl = ttl; ev.ipId = ipId;
      }
      out.push(ev);
    }
    // The log stays with its (pooled) connection until another one reuses it: it must not keep
    // this one's paths and hosts alive meanwhile.
    strs.fill(undefined);
  }
}
