/**
 * The connection table: finds the connection of each TCP packet, updates its
 * counters, sequence analysis, HTTP/1 boundaries and event timeline, and hands
 * finished connections to the caller (`onFlowEnd`).
 *
 * Streams are split like Wireshark's `tcp.stream`: a SYN (without ACK) whose
 * sequence number differs from the ISN already seen in that direction starts a
 * new connection on the same 4-tuple (port reuse).
 *
 * Memory stays bounded by open connections: a closed connection (RST, or FIN
 * both ways) lingers `lingerS` seconds of capture time for late packets (the
 * RST answering data sent after a FIN arrives then), then is finalized and
 * released; above `maxFlows` open connections the least recently active one is
 * evicted with a warning (SYN floods). When more than `maxLingering` closed
 * connections wait at once (tens of thousands of short connections a second), the
 * oldest are finalized before their linger ends: memory stays flat.
 */
import { ACK, FIN, L4, RST, SYN, formatAddr, type Packet } from '../decode/packet.js';
import { type Flow, type FlowEvent, type FlowEventType, type HttpInfo, type PayloadKind, flowEventWith, newDirStats, resetDirStats } from './flow.js';
import { Http1Direction, newHttpInfo, type HttpHost } from './http1.js';
import { EventLog, type EventObjects, T_REQUEST, T_RESPONSE, T_SYN, eventTypeIndex, keepHeadOf } from './event-log.js';
import { payloadKind } from './payload-kind.js';
import {
  A_KEEP_ALIVE, A_LOST_SEGMENT, A_OUT_OF_ORDER, A_RETRANSMISSION, A_FAST_RETRANSMISSION, A_SPURIOUS,
  A_DUP_ACK, A_ZERO_WINDOW, A_ZERO_WINDOW_PROBE, analyzeSegmentOf, newSeqState, resetSeqState, type SeqState, seqGT,
} from './seq-analysis.js';
import { isLikelyServerPort } from './server-ports.js';
import { objectArray } from '../util/object-array.js';
import { PortMap } from '../util/port-map.js';

export interface FlowTableOptions {
  /**
   * A connection was finalized. Return `true` when nothing keeps the Flow (nor its `dirs`, its
   * `events` or their `http` messages) after the call: the table may then reuse those objects
   * for later connections instead of allocating new ones (tens of thousands of short
   * connections a second). Any other return value leaves the Flow to its holder.
   */
  onFlowEnd: (flow: Flow) => boolean | void;
  onWarning?: (msg: string) => void;
  /** Open connections tracked at most (default 250 000). */
  maxFlows?: number;
  /** Seconds of capture time a closed connection waits for late packets (default 5). */
  lingerS?: number;
  /**
   * Closed connections waiting for late packets at most; beyond, the oldest are finalized early
   * (default 1024). Below about 200 closes a second the 5 s linger decides; at 2000 a second a
   * closed connection still waits 0.5 s, at 30 000 (a load test) about 34 ms. 4096 cost 70 MiB
   * more peak memory on 300k tiny connections for no difference in any output we have.
   */
  maxLingering?: number;
  /** Events kept per connection (default 128: the first quarter and the most recent ones; see pushEvent). */
  maxEvents?: number;
  /** First flow id (ids continue across files of one run). */
  firstId?: number;
  file?: number;
}

/**
 * Starting values of Conn.n (see there). -0.5 as the previous-segment times keeps the array
 * unboxed doubles (a literal of small integers would be Smis); seq -1 and a negative time never
 * match a real segment.
 */
const N_INIT: readonly number[] = [-1, -1, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -0.5, -1, -1, -1, -1, -1, -0.5];

/** Internal per-connection state around the public Flow model. */
class Conn {
  // Definitely assigned by setIdentity, from the constructor and from reuse.
  flow!: Flow;
  hash!: number;
  nextInBucket: Conn | null = null;
  // LRU list by last activity
  prev: Conn | null = null;
  next: Conn | null = null;
  // Client and server addresses as four 32-bit words each (IPv4: word 0), no typed array per connection.
  c0!: number; c1!: number; c2!: number; c3!: number;
  s0!: number; s1!: number; s2!: number; s3!: number;
  cPort!: number;
  sPort!: number;
  ipVersion!: number;
  seq: [SeqState, SeqState] = [newSeqState(), newSeqState()];
  http: [Http1Direction, Http1Direction] | null = null;
  /** A request/response tracker pair of an earlier connection, kept for reuse (pooled Conns). */
  spareHttp: [Http1Direction, Http1Direction] | null = null;
  /** `http` is such a pair (request direction first, the response direction reading its methods). */
  httpReusable = false;
  closedAt = 0;
  queued = false;
  finalized = false;
  /** Events after the first few (Flow.events) while open, added to Flow.events at finalize (made when the first comes). */
  log: EventLog | null = null;
  /**
   * Per direction, for messages in the log: the HttpInfo its tracker fills for each of them (one
   * object reused, see spareInfo), and the number (EventLog.pushed) of the event of the message
   * it holds (-1 none).
   */
  info0: HttpInfo | null = null;
  info1: HttpInfo | null = null;
  msg0 = -1;
  msg1 = -1;
  /**
   * Small per-direction numbers in one unboxed double array (one allocation per connection
   * instead of eight little arrays), indexed by the N_* constants + direction:
   * N_HTTP_NEXT: relative seq up to which the payload was fed to the HTTP tracker (-1 none);
   * N_ZW_SINCE: start of a zero-window stall (0 none); N_PEND_SIZE / N_PEND_END: largest
   * unacknowledged segment, size and end seq (for largest-acked-segment); N_PREV + 6 * dir:
   * previous segment (seq, ack, flags, len, IPv4 ID, time), spots packets captured twice.
   */
  n: number[] = N_INIT.slice();

  constructor(flow: Flow, hash: number, ipVersion: number, cAddr: Uint32Array, cPort: number, sAddr: Uint32Array, sPort: number) {
    this.setIdentity(flow, hash, ipVersion, cAddr, cPort, sAddr, sPort);
  }

  /** Which connection this is: its Flow, hash bucket and both endpoints. */
  private setIdentity(flow: Flow, hash: number, ipVersion: number, cAddr: Uint32Array, cPort: number, sAddr: Uint32Array, sPort: number): void {
    this.c0 = cAddr[0]!; this.c1 = cAddr[1]!; this.c2 = cAddr[2]!; this.c3 = cAddr[3]!;
    this.s0 = sAddr[0]!; this.s1 = sAddr[1]!; this.s2 = sAddr[2]!; this.s3 = sAddr[3]!;
    this.flow = flow;
    this.hash = hash;
    this.ipVersion = ipVersion;
    this.cPort = cPort;
    this.sPort = sPort;
  }

  /** A finalized (pooled) Conn made new for another connection: the state of the constructor. */
  reuse(flow: Flow, hash: number, ipVersion: number, cAddr: Uint32Array, cPort: number, sAddr: Uint32Array, sPort: number): void {
    this.setIdentity(flow, hash, ipVersion, cAddr, cPort, sAddr, sPort);
    this.nextInBucket = this.prev = this.next = null;
    resetSeqState(this.seq[0]);
    resetSeqState(this.seq[1]);
    this.http = null;
    this.httpReusable = false;
    this.closedAt = 0;
    this.queued = false;
    this.finalized = false;
    if (this.log !== null) this.log.clear();
    this.msg0 = this.msg1 = -1;
    const n = this.n;
    for (let i = 0; i < N_INIT.length; i++) n[i] = N_INIT[i]!;
  }
}

/** An event without any optional field has the plain shape (one with any has them all, see flowEventWith). */
function noOptions(ack?: boolean, retransmission?: boolean, duplicate?: boolean, stallS?: number, proto?: PayloadKind): boolean {
  return ack === undefined && retransmission === undefined && duplicate === undefined && stallS === undefined && proto === undefined;
}

/** Finalized connections kept for reuse at most. */
const POOL_MAX = 1024;
/** Events and messages of finished connections kept for reuse at most (about 1 MB when full). */
const SPARE_MAX = 8192;

function hashEndpoint(a: Uint32Array, port: number): number {
  let h = Math.imul(port ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ a[0]!, 0xcc9e2d51);
  h = Math.imul(h ^ (h >>> 15) ^ a[1]!, 0x1b873593);
  h = Math.imul(h ^ (h >>> 13) ^ a[2]!, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16) ^ a[3]!, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The connection's client address is `a`. */
function isClient(c: Conn, a: Uint32Array): boolean {
  return c.c0 === a[0] && c.c1 === a[1] && c.c2 === a[2] && c.c3 === a[3];
}
/** The connection's server address is `a`. */
function isServer(c: Conn, a: Uint32Array): boolean {
  return c.s0 === a[0] && c.s1 === a[1] && c.s2 === a[2] && c.s3 === a[3];
}

const N_HTTP_NEXT = 0;
const N_ZW_SINCE = 2;
const N_PEND_SIZE = 4;
const N_PEND_END = 6;
const N_PREV = 8;

/** Placeholder Flow of a pooled Conn whose Flow was kept by its consumer (never read). */
const RELEASED_FLOW = { id: -1 } as unknown as Flow;

/** Placeholder for a closing-queue slot already handled (the Conn itself is released). */
const RELEASED = { finalized: true } as unknown as Conn;

/** Address / endpoint texts cached at most (then the cache starts over). */
const TEXT_CACHE = 65536;

export class FlowTable implements HttpHost {
  /** Hash chains by `hash & mask`: a power-of-two array, doubled as connections are added (an index, not a Map lookup, per packet). */
  private buckets: (Conn | null)[] = new Array<Conn | null>(4096).fill(null);
  private mask = 4095;
  private lruHead: Conn | null = null;
  private lruTail: Conn | null = null;
  private closing: Conn[] = objectArray();
  private closingHead = 0;
  private nextId: number;
  private readonly maxFlows: number;
  private readonly lingerS: number;
  private readonly maxLingering: number;
  private readonly maxEvents: number;
  /** Events kept as objects in Flow.events as they come; the later ones go to the connection's EventLog. */
  private readonly keepHead: number;
  private readonly file: number;
  private evictions = 0;
  private sweepCounter = 0;
  /** The packet being added has a malformed header (see addTcpHeaderOnly). */
  private headerOnly = false;
  /** Open (not yet finalized) connections. */
  size = 0;
  tcpPackets = 0;

  constructor(private readonly opts: FlowTableOptions) {
    this.nextId = opts.firstId ?? 0;
    this.maxFlows = opts.maxFlows ?? 250_000;
    this.lingerS = opts.lingerS ?? 5;
    this.maxLingering = opts.maxLingering ?? 1024;
    this.maxEvents = opts.maxEvents ?? 128;
    this.keepHead = keepHeadOf(this.maxEvents);
    this.file = opts.file ?? 0;
  }

  get flowsCreated(): number {
    return this.nextId - (this.opts.firstId ?? 0);
  }

  /** Id of the connection a packet from (src, sport) to (dst, dport) belongs to, or -1. */
  lookupId(ipVersion: number, src: Uint32Array, sport: number, dst: Uint32Array, dport: number): number {
    const h = this.key(src, sport, dst, dport);
    for (let c: Conn | null = this.buckets[h & this.mask]!; c; c = c.nextInBucket) {
      if (c.ipVersion !== ipVersion) continue;
      if ((c.cPort === sport && c.sPort === dport && isClient(c, src) && isServer(c, dst)) ||
          (c.cPort === dport && c.sPort === sport && isClient(c, dst) && isServer(c, src))) {
        return c.flow.id;
      }
    }
    return -1;
  }

  private key(src: Uint32Array, sport: number, dst: Uint32Array, dport: number): number {
    const a = hashEndpoint(src, sport);
    const b = hashEndpoint(dst, dport);
    // 30 bits: a small integer (Smi) key; a wider one is a heap number, allocated and hashed per lookup.
    return (Math.imul(a ^ b, 0x9e3779b1) + a + b) & 0x3fffffff;
  }

  /**
   * A TCP packet whose header length runs past the IP payload (decoded with l4 = None, the
   * fixed 20 header bytes and flags filled): tshark still numbers it into its 4-tuple's
   * tcp.stream with its flags and no payload, but does no sequence analysis on it. So it is
   * counted as a packet of its connection without sequence analysis. Returns the flow id.
   */
  addTcpHeaderOnly(p: Packet): number {
    this.headerOnly = true;
    try {
      return this.addTcp(p);
    } finally {
      this.headerOnly = false;
    }
  }

  /** Process one decoded TCP packet. Returns the flow id. */
  addTcp(p: Packet): number {
    this.tcpPackets++;
    const h = this.key(p.src, p.srcPort, p.dst, p.dstPort);
    let conn: Conn | null = null;
    let dir = 0;
    for (let c: Conn | null = this.buckets[h & this.mask]!; c; c = c.nextInBucket) {
      if (c.ipVersion !== p.ipVersion) continue;
      if (c.cPort === p.srcPort && c.sPort === p.dstPort && isClient(c, p.src) && isServer(c, p.dst)) { conn = c; dir = 0; break; }
      if (c.cPort === p.dstPort && c.sPort === p.srcPort && isClient(c, p.dst) && isServer(c, p.src)) { conn = c; dir = 1; break; }
    }
    // Port reuse: a SYN with a new ISN on a known 4-tuple starts a new connection (Wireshark's rule).
    if (conn && (p.flags & (SYN | ACK)) === SYN) {
      const s = conn.seq[dir]!;
      if (s.baseSet && s.base !== p.seq) {
        this.finalize(conn);
        conn = null;
      }
    }
    if (!conn) {
      conn = this.create(p, h);
      dir = isClient(conn, p.src) && conn.cPort === p.srcPort ? 0 : 1;
    }
    this.touch(conn);
    this.update(conn, dir, p);
    if (++this.sweepCounter >= 1024) {
      this.sweepCounter = 0;
      this.sweep(p.time);
    }
    return conn.flow.id;
  }

  private create(p: Packet, h: number): Conn {
    if (this.size >= this.maxFlows) this.evictOldest();
    let clientIsSrc: boolean;
    let by: Flow['clientBy'];
    if ((p.flags & (SYN | ACK)) === SYN) { clientIsSrc = true; by = 'syn'; }
    else if ((p.flags & (SYN | ACK)) === (SYN | ACK)) { clientIsSrc = false; by = 'syn-ack'; }
    else {
      by = 'port';
      const srcServer = isLikelyServerPort(p.srcPort);
      const dstServer = isLikelyServerPort(p.dstPort);
      if (srcServer !== dstServer) clientIsSrc = dstServer;
      else clientIsSrc = p.srcPort > p.dstPort || (p.srcPort === p.dstPort);
    }
    const v = p.ipVersion;
    const cAddr = clientIsSrc ? p.src : p.dst;
    const sAddr = clientIsSrc ? p.dst : p.src;
    const cPort = clientIsSrc ? p.srcPort : p.dstPort;
    const sPort = clientIsSrc ? p.dstPort : p.srcPort;
    const clientAddr = this.addrText(v, cAddr);
    const serverAddr = this.addrText(v, sAddr);
    const client = this.endpointText(v, cAddr, clientAddr, cPort);
    const server = this.endpointText(v, sAddr, serverAddr, sPort);
    const pooled = this.pool.length > 0 ? this.pool.pop()! : null;
    let flow: Flow;
    // A pooled Conn keeps its Flow only when the consumer let it go (see finalize).
    if (pooled !== null && pooled.flow !== RELEASED_FLOW) {
      // The same values as the literal below, in the objects of a finished connection nobody kept.
      flow = pooled.flow;
      flow.id = this.nextId++;
      flow.ipVersion = v;
      flow.client = client; flow.server = server;
      flow.clientAddr = clientAddr; flow.serverAddr = serverAddr; flow.clientPort = cPort; flow.serverPort = sPort; flow.clientBy = by;
      flow.start = p.time; flow.end = p.time; flow.firstPacket = p.number; flow.lastPacket = p.number; flow.file = this.file;
      resetDirStats(flow.dirs[0]);
      resetDirStats(flow.dirs[1]);
      flow.synTime = -1; flow.synAckTime = -1; flow.handshakeAckTime = -1; flow.rtt = -1; flow.rttClientSide = -1; flow.rttServerSide = -1;
      flow.state = 'open'; flow.firstFinBy = ''; flow.firstRstBy = ''; flow.requests = 0; flow.responses = 0;
      this.recycleAll(flow.events);
      flow.events.length = 0; flow.eventsDropped = 0; flow.requestsDropped = undefined; flow.dropGapPacket = undefined;
      flow.truncated = false; flow.evicted = false;
    } else {
      flow = {
        id: this.nextId++,
        ipVersion: v,
        client, server,
        clientAddr, serverAddr, clientPort: cPort, serverPort: sPort, clientBy: by,
        start: p.time, end: p.time, firstPacket: p.number, lastPacket: p.number, file: this.file,
        dirs: [newDirStats(), newDirStats()],
        synTime: -1, synAckTime: -1, handshakeAckTime: -1, rtt: -1, rttClientSide: -1, rttServerSide: -1,
        state: 'open', firstFinBy: '', firstRstBy: '', requests: 0, responses: 0,
        // (the fields of long connections too, undefined: every Flow has one shape, which the
        // detectors' code reading flows sees, not one more for the connections that dropped events)
        events: objectArray(), eventsDropped: 0, requestsDropped: undefined, dropGapPacket: undefined, truncated: false, evicted: false,
      };
    }
    let conn: Conn;
    if (pooled) {
      conn = pooled;
      conn.reuse(flow, h, v, cAddr, cPort, sAddr, sPort);
    } else {
      conn = new Conn(flow, h, v, cAddr, cPort, sAddr, sPort);
    }
    conn.nextInBucket = this.buckets[h & this.mask]!;
    this.buckets[h & this.mask] = conn;
    // At most one connection per four buckets: a lookup (and an unlink) then rarely walks past
    // another connection, whose object, closed and lingering, is likely out of the cache.
    if (++this.size > this.buckets.length >>> 2) this.growBuckets();
    return conn;
  }

  // Address and endpoint texts are shared by the connections of the same hosts (a client's
  // thousands of connections to one server): formatted once, not per connection.
  private readonly addrTexts = new Map<number, string>();
  private readonly endpointTexts = new Map<number, PortMap<string>>();
  private endpointCount = 0;

  private addrText(v: number, a: Uint32Array): string {
    if (v !== 4) return formatAddr(v, a);
    const k = a[0]! | 0;
    let t = this.addrTexts.get(k);
    if (t === undefined) {
      if (this.addrTexts.size >= TEXT_CACHE) this.addrTexts.clear();
      t = formatAddr(4, a);
      this.addrTexts.set(k, t);
    }
    return t;
  }

  private endpointText(v: number, a: Uint32Array, addr: string, port: number): string {
    if (v !== 4) return v === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
    const k = a[0]! | 0;
    let ports = this.endpointTexts.get(k);
    if (ports === undefined) {
      if (this.endpointCount >= TEXT_CACHE) {
        this.endpointTexts.clear();
        this.endpointCount = 0;
      }
      this.endpointTexts.set(k, (ports = new PortMap<string>()));
    }
    let t = ports.get(port);
    if (t === undefined) {
      t = `${addr}:${port}`;
      ports.set(port, t);
      this.endpointCount++;
    }
    return t;
  }

  private touch(c: Conn): void {
    if (this.lruTail === c) return;
    // unlink
    if (c.prev) c.prev.next = c.next;
    else if (this.lruHead === c) this.lruHead = c.next;
    if (c.next) c.next.prev = c.prev;
    // append
    c.prev = this.lruTail;
    c.next = null;
    if (this.lruTail) this.lruTail.next = c;
    this.lruTail = c;
    if (!this.lruHead) this.lruHead = c;
  }

  private unlink(c: Conn): void {
    if (c.prev) c.prev.next = c.next;
    else if (this.lruHead === c) this.lruHead = c.next;
    if (c.next) c.next.prev = c.prev;
    else if (this.lruTail === c) this.lruTail = c.prev;
    c.prev = c.next = null;
    // remove from the hash chain
    let cur: Conn | null = this.buckets[c.hash & this.mask]!;
    let prev: Conn | null = null;
    while (cur && cur !== c) { prev = cur; cur = cur.nextInBucket; }
    if (cur) {
      if (prev) prev.nextInBucket = cur.nextInBucket;
      else this.buckets[c.hash & this.mask] = cur.nextInBucket;
    }
    c.nextInBucket = null;
  }

  /** Too many connections for the buckets: twice the buckets, every chain redistributed. */
  private growBuckets(): void {
    const old = this.buckets;
    const next = new Array<Conn | null>(old.length * 2).fill(null);
    const mask = next.length - 1;
    for (let i = 0; i < old.length; i++) {
      for (let c: Conn | null = old[i]!; c; ) {
        const after: Conn | null = c.nextInBucket;
        c.nextInBucket = next[c.hash & mask]!;
        next[c.hash & mask] = c;
        c = after;
      }
    }
    this.buckets = next;
    this.mask = mask;
  }

  private evictOldest(): void {
    const c = this.lruHead;
    if (!c) return;
    this.evictions++; // one warning with the total, at finish()
    c.flow.evicted = true;
    this.finalize(c);
  }

  /** Records an event of packet `p`, with the optional fields given (no options object per event). */
  private addEvent(
    c: Conn, type: FlowEventType, dir: number, p: Packet,
    retransmission?: boolean, duplicate?: boolean, ack?: boolean, stallS?: number, proto?: PayloadKind,
  ): void {
    const s = c.seq[dir]!;
    const seq = s.baseSet ? (p.seq - s.base) >>> 0 : 0;
    const evs = c.flow.events;
    if (evs.length >= this.keepHead) {
      const t = eventTypeIndex(type);
      const r = this.pushRow(c, t, p.number);
      c.log!.set(r, t, dir, p.time, p.tsNsec, seq, p.payloadLen, p.ttl, p.ipId, ack, retransmission, duplicate, stallS, proto);
      return;
    }
    if (!noOptions(ack, retransmission, duplicate, stallS, proto)) {
      evs.push(flowEventWith(type, dir as 0 | 1, p.number, p.time, p.tsNsec, seq, p.payloadLen, p.ttl, p.ipId,
        ack, retransmission, duplicate, stallS, proto));
      return;
    }
    let ev = this.spareBase.pop();
    if (ev === undefined) {
      ev = { type, dir: dir as 0 | 1, packet: p.number, time: p.time, tsNsec: p.tsNsec, seq, len: p.payloadLen, ttl: p.ttl, ipId: p.ipId };
    } else {
      ev.type = type; ev.dir = dir as 0 | 1; ev.packet = p.number; ev.time = p.time; ev.tsNsec = p.tsNsec;
      ev.seq = seq; ev.len = p.payloadLen; ev.ttl = p.ttl; ev.ipId = p.ipId;
    }
    evs.push(ev);
  }

  /** A new tail event's row in the connection's log; the Flow counts what the log dropped to make room. */
  private pushRow(c: Conn, type: number, packet: number): number {
    const log = c.log ?? (c.log = new EventLog(this.maxEvents));
    const before = log.dropped;
    const r = log.push(type, packet);
    if (log.dropped !== before) {
      const f = c.flow;
      f.eventsDropped = log.dropped;
      if (log.droppedRequests > 0) f.requestsDropped = (f.requestsDropped ?? 0) + log.droppedRequests;
      f.dropGapPacket = log.firstPacket();
    }
    return r;
  }

  private update(c: Conn, dir: number, p: Packet): void {
    const f = c.flow;
    const d = f.dirs[dir]!;
    const other = f.dirs[dir ^ 1]!;
    const flags = p.flags;
    const len = p.payloadLen;
    const t = p.time;
    const who = dir === 0 ? 'client' : 'server';

    d.packets++;
    d.payloadBytes += len;
    if (len > 0) d.dataPackets++;
    if (d.packets === 1) { d.firstTime = t; d.firstPacket = p.number; }
    d.lastTime = t;
    f.end = t;
    f.lastPacket = p.number;
    // Counters and fields a packet changes only sometimes are written on every packet (branch-free,
    // below too): a branch first taken in the 20th capture of a scan has no type feedback and would
    // deoptimize this hot function, which is then compiled again.
    d.captureDirection = p.direction !== 0 ? p.direction : d.captureDirection;
    if (p.truncated) { d.truncatedPackets++; f.truncated = true; }
    if (p.ipTotalLen > d.maxIpLen) d.maxIpLen = p.ipTotalLen;
    if ((flags & RST) === 0) {
      if (d.ttlFirst < 0) d.ttlFirst = p.ttl;
      if (p.ttl < d.ttlMin) d.ttlMin = p.ttl;
      if (p.ttl > d.ttlMax) d.ttlMax = p.ttl;
      d.lastIpId = p.ipId;
    }

    const a = this.headerOnly ? 0 : analyzeSegmentOf(c.seq[dir]!, c.seq[dir ^ 1]!, p, f);
    const retrans = (a & A_RETRANSMISSION) !== 0;
    const ps = c.n;
    const k = N_PREV + 6 * dir;
    // (each comparison evaluated, not short-circuited: see captureDirection)
    const sameSeq = ps[k] === p.seq, sameAck = ps[k + 1] === p.ack, sameFlags = ps[k + 2] === flags;
    const sameLen = ps[k + 3] === len, sameId = ps[k + 4] === p.ipId, soon = t - ps[k + 5]! < 0.001;
    const dup = sameSeq && sameAck && sameFlags && sameLen && sameId && soon;
    ps[k] = p.seq; ps[k + 1] = p.ack; ps[k + 2] = flags; ps[k + 3] = len; ps[k + 4] = p.ipId; ps[k + 5] = t;
    d.duplicates += dup ? 1 : 0;
    d.retransmissions += retrans ? 1 : 0;
    d.fastRetransmissions += a & A_FAST_RETRANSMISSION ? 1 : 0;
    d.spuriousRetransmissions += a & A_SPURIOUS ? 1 : 0;
    d.outOfOrder += a & A_OUT_OF_ORDER ? 1 : 0;
    d.keepAlives += a & A_KEEP_ALIVE ? 1 : 0;
    d.lostSegments += a & A_LOST_SEGMENT ? 1 : 0;
    d.duplicateAcks += a & A_DUP_ACK ? 1 : 0;
    if (a & A_LOST_SEGMENT) this.addEvent(c, 'lost-segment', dir, p);
    if (a & A_KEEP_ALIVE) this.addEvent(c, 'keep-alive', dir, p);

    // Zero window and its end (the stall).
    if (a & A_ZERO_WINDOW) {
      d.zeroWindows++;
      if (c.n[N_ZW_SINCE + dir] === 0) {
        c.n[N_ZW_SINCE + dir] = t;
        this.addEvent(c, 'zero-window', dir, p);
      }
    } else if (c.n[N_ZW_SINCE + dir] !== 0 && p.window > 0 && (flags & (SYN | FIN | RST)) === 0) {
      this.addEvent(c, 'window-open', dir, p, undefined, undefined, undefined, t - c.n[N_ZW_SINCE + dir]!);
      c.n[N_ZW_SINCE + dir] = 0;
    }

    // Handshake.
    if (flags & SYN) {
      d.syn++;
      if (p.optMss >= 0) d.mss = p.optMss;
      if (p.optWscale >= 0) d.wscale = p.optWscale;
      if (p.optSackPerm) d.sackPermitted = true;
      if (p.optTsVal >= 0) d.timestamps = true;
      if (flags & ACK) {
        if (f.synAckTime < 0) f.synAckTime = t;
        this.addEvent(c, 'syn-ack', dir, p, d.syn > 1 ? true : undefined);
      } else {
        if (f.synTime < 0) f.synTime = t;
        this.addEvent(c, 'syn', dir, p, d.syn > 1 ? true : undefined);
      }
    } else if (dir === 0 && f.handshakeAckTime < 0 && f.synAckTime >= 0 && flags & ACK && (flags & RST) === 0) {
      f.handshakeAckTime = t;
      if (f.synTime >= 0) {
        // From the most recent SYN, as Wireshark's ts_mru_syn: a retransmitted SYN's backoff is not
        // round-trip time (and first_rtt is Wireshark's out-of-order threshold).
        let mruSyn = f.synTime;
        for (const e of f.events) if (e.type === 'syn') mruSyn = e.time;
        if (c.log !== null) mruSyn = c.log.lastTimeOf(T_SYN, mruSyn);
        f.rtt = t - mruSyn;
        f.rttServerSide = Math.max(0, f.synAckTime - mruSyn);
        f.rttClientSide = t - f.synAckTime;
      }
      this.addEvent(c, 'handshake-ack', dir, p);
    }

    // Largest segment and the largest one acknowledged (path MTU evidence).
    if (len > 0) {
      if (len > d.maxSegment) d.maxSegment = len;
      d.segmentsAboveMss += other.mss > 0 && len > other.mss ? 1 : 0;
      if (!retrans && len > c.n[N_PEND_SIZE + dir]!) {
        c.n[N_PEND_SIZE + dir] = len;
        c.n[N_PEND_END + dir] = (p.seq + len) >>> 0;
      }
    }
    if (flags & ACK) {
      const od = dir ^ 1;
      const pend = c.n[N_PEND_SIZE + od]!;
      if (pend > 0 && !seqGT(c.n[N_PEND_END + od]!, p.ack)) {
        if (pend > other.maxAckedSegment) other.maxAckedSegment = pend;
        c.n[N_PEND_SIZE + od] = 0;
      }
    }

    if (retrans && (flags & SYN) === 0) this.addEvent(c, 'retransmission', dir, p, undefined, dup ? true : undefined);

    // Application payload: new data only (keep-alive probes and retransmissions are not activity).
    if (len > 0 && !retrans && (a & (A_KEEP_ALIVE | A_ZERO_WINDOW_PROBE)) === 0) {
      d.lastPayloadTime = t;
      d.lastPayloadPacket = p.number;
      if (d.firstPayloadTime === 0) d.firstPayloadTime = t;
      this.payload(c, dir, p, a);
    }

    if (flags & FIN) {
      d.fin++;
      if (d.firstFinPacket === 0) {
        d.firstFinPacket = p.number;
        d.firstFinTime = t;
        if (f.firstFinBy === '') f.firstFinBy = who;
        this.addEvent(c, 'fin', dir, p);
        c.http?.[dir]!.close(true);
      }
      if (other.fin > 0 && c.closedAt === 0) this.markClosed(c, t);
    }
    if (flags & RST) {
      d.rst++;
      this.addEvent(c, 'rst', dir, p, d.rst > 1, undefined, (flags & ACK) !== 0);
      if (d.firstRstPacket === 0) {
        d.firstRstPacket = p.number;
        d.firstRstTime = t;
        if (f.firstRstBy === '') f.firstRstBy = who;
      }
      if (c.closedAt === 0) this.markClosed(c, t);
    }
  }

  private payload(c: Conn, dir: number, p: Packet, a: number): void {
    const f = c.flow;
    const d = f.dirs[dir]!;
    const s = c.seq[dir]!;
    const rel = (p.seq - s.base) >>> 0;
    if (d.firstPayloadKind === '') {
      d.firstPayloadKind = p.payloadCaptured > 0 ? payloadKind(p.l4Buf, p.payloadOff, p.payloadCaptured) : 'other';
      const k = d.firstPayloadKind;
      if (dir === 0 && k === 'http-request') {
        const spare = c.spareHttp;
        if (spare) {
          spare[0].reset();
          spare[1].reset();
          c.http = spare;
          c.spareHttp = null;
        } else {
          const req = new Http1Direction(true, null);
          c.http = [req, new Http1Direction(false, req)];
        }
        c.httpReusable = true;
      } else if (dir === 1 && k === 'http-response' && !c.http) {
        const req = new Http1Direction(true, null);
        req.stop();
        c.http = [req, new Http1Direction(false, null)];
      }
      if (!((dir === 0 && k === 'http-request') || (dir === 1 && k === 'http-response'))) {
        this.addEvent(c, 'data', dir, p, undefined, undefined, undefined, undefined, k);
      }
      c.n[N_HTTP_NEXT + dir] = rel;
    }
    const http = c.http?.[dir];
    if (!http || !http.active) return;
    const expect = c.n[N_HTTP_NEXT + dir]!;
    let off = p.payloadOff;
    let captured = p.payloadCaptured;
    let len = p.payloadLen;
    if (expect >= 0 && rel !== expect) {
      const delta = (rel - expect) | 0;
      if (delta > 0) {
        // A gap (segment not captured, or out of order): skip it inside a body, else resync later.
        http.skip(delta, p);
      } else {
        // Overlap with bytes already fed: feed only the new tail.
        const over = -delta;
        if (over >= len) return;
        off += over;
        len -= over;
        captured = Math.max(0, captured - over);
      }
    }
    c.n[N_HTTP_NEXT + dir] = (rel + p.payloadLen) >>> 0;
    this.cur = c;
    this.curDir = dir;
    this.curPkt = p;
    http.feed(p.l4Buf, off, captured, len, p, this);
    this.cur = null;
    void a;
  }

  // The packet being fed to an HTTP tracker (no closure per packet).
  private cur: Conn | null = null;
  private curDir = 0;
  private curPkt: Packet | null = null;

  /** HttpHost: an HTTP/1 message started on the connection being fed. */
  message(http: HttpInfo, from: Http1Direction): void {
    const startPacket = from.startPacket;
    const startTime = from.startTime;
    const c = this.cur!;
    const p = this.curPkt!;
    const dir = this.curDir;
    const f = c.flow;
    const s = c.seq[dir]!;
    const tsNsec = startPacket === p.number ? p.tsNsec : Math.round((startTime % 1) * 1e9);
    const seq = (p.seq - s.base) >>> 0;
    if (dir === 0) f.requests++;
    else if ((http.status ?? 0) >= 200) f.responses++;
    if (f.events.length >= this.keepHead) {
      const t = dir === 0 ? T_REQUEST : T_RESPONSE;
      const r = this.pushRow(c, t, startPacket);
      const log = c.log!;
      log.set(r, t, dir, startTime, tsNsec, seq, p.payloadLen, p.ttl, p.ipId, undefined, undefined, undefined, undefined, undefined);
      log.setMessage(r, http);
      if (dir === 0) { c.info0 = http; c.msg0 = log.pushed - 1; }
      else { c.info1 = http; c.msg1 = log.pushed - 1; }
      return;
    }
    const type = dir === 0 ? 'request' : 'response';
    let ev = this.spareEvents.pop();
    if (ev === undefined) {
      ev = { type, dir: dir as 0 | 1, packet: startPacket, time: startTime, tsNsec, seq, len: p.payloadLen, ttl: p.ttl, ipId: p.ipId, http };
    } else {
      ev.type = type; ev.dir = dir as 0 | 1; ev.packet = startPacket; ev.time = startTime; ev.tsNsec = tsNsec;
      ev.seq = seq; ev.len = p.payloadLen; ev.ttl = p.ttl; ev.ipId = p.ipId; ev.http = http;
    }
    f.events.push(ev);
  }

  /**
   * HttpHost: an object for the next message of the direction being fed: among the first events
   * (kept as objects) one of its own, from the pool when there is one; in the log, the one this
   * direction reuses for all of them, once what its previous message became (body, end) is in
   * that message's row.
   */
  spareInfo(): HttpInfo | undefined {
    const c = this.cur!;
    if (c.flow.events.length < this.keepHead) return this.spareInfos.pop();
    this.saveMessage(c, this.curDir);
    return (this.curDir === 0 ? c.info0 : c.info1) ?? undefined;
  }

  /** The message direction `dir`'s tracker holds, into its event's row (if still kept). */
  private saveMessage(c: Conn, dir: number): void {
    const abs = dir === 0 ? c.msg0 : c.msg1;
    if (abs < 0) return;
    const log = c.log!; // (a message in the log: there is one)
    const r = log.rowOfPushed(abs);
    if (r >= 0) log.progress(r, (dir === 0 ? c.info0 : c.info1)!);
  }

  // Events and messages of finished connections nobody kept, reused for later ones'.
  private readonly spareEvents: FlowEvent[] = objectArray();
  private readonly spareInfos: HttpInfo[] = objectArray();
  /** Events without optional fields. */
  private readonly spareBase: FlowEvent[] = objectArray();
  private readonly objects: EventObjects = {
    plainEvent: () => this.spareBase.pop(),
    httpEvent: () => this.spareEvents.pop(),
    info: () => this.spareInfos.pop(),
    newInfo: newHttpInfo,
  };

  /**
   * The events of a finished connection nobody kept (its Flow is being reused, see
   * FlowTableOptions.onFlowEnd): their objects, and their messages, serve new ones.
   */
  private recycleAll(evs: FlowEvent[]): void {
    for (let i = 0; i < evs.length; i++) {
      const e = evs[i]!;
      if (e.http !== undefined) {
        if (this.spareInfos.length < SPARE_MAX) this.spareInfos.push(e.http);
        e.http = undefined;
        if (this.spareEvents.length < SPARE_MAX) this.spareEvents.push(e);
      } else if (noOptions(e.ack, e.retransmission, e.duplicate, e.stallS, e.proto)) {
        // (none defined: the plain shape; an event with any has them all, see flowEventWith)
        if (this.spareBase.length < SPARE_MAX) this.spareBase.push(e);
      }
    }
  }

  private markClosed(c: Conn, t: number): void {
    c.closedAt = t;
    if (!c.queued) {
      c.queued = true;
      this.closing.push(c);
    }
  }

  /** Finalize connections closed more than `lingerS` ago (capture time), and the oldest beyond `maxLingering`. */
  sweep(now: number): void {
    const q = this.closing;
    while (this.closingHead < q.length) {
      const c = q[this.closingHead]!;
      if (!c.finalized && now - c.flow.end < this.lingerS && q.length - this.closingHead <= this.maxLingering) break;
      // Clear the slot: a finalized connection must not stay reachable from the queue.
      q[this.closingHead++] = RELEASED;
      if (!c.finalized) {
        c.queued = false; // no longer in the queue: the Conn may be pooled
        this.finalize(c);
      }
    }
    if (this.closingHead > 4096 && this.closingHead * 2 > q.length) {
      this.closing = q.slice(this.closingHead);
      this.closingHead = 0;
    }
  }

  private finalize(c: Conn): void {
    if (c.finalized) return;
    c.finalized = true;
    this.unlink(c);
    this.size--;
    const f = c.flow;
    if (c.http) {
      const closedByFin = f.dirs[1].fin > 0 || f.dirs[0].fin > 0;
      c.http[1].close(closedByFin && f.dirs[1].fin > 0);
      c.http[0].close(closedByFin && f.dirs[0].fin > 0);
    }
    if (c.log !== null && c.log.length > 0) {
      this.saveMessage(c, 0);
      this.saveMessage(c, 1);
      c.log.materialize(f.events, this.objects);
    }
    f.state = flowState(f);
    if (c.httpReusable) c.spareHttp = c.http;
    c.http = null;
    c.httpReusable = false;
    const free = this.opts.onFlowEnd(f) === true;
    // A Conn still in the closing queue stays out of the pool (the queue would see it again).
    if (!c.queued && this.pool.length < POOL_MAX) {
      if (!free) c.flow = RELEASED_FLOW;
      this.pool.push(c);
    }
  }

  /** Finalized connections (and their Flow, unless it is RELEASED_FLOW) ready for reuse. */
  private readonly pool: Conn[] = objectArray();

  /** End of input: finalize every connection still open, in id order. */
  finish(): void {
    if (this.evictions > 0) {
      this.opts.onWarning?.(
        `more than ${this.maxFlows} open connections at once: ${this.evictions} connections were finalized early, least recently active first (SYN flood, scan or very long capture? --max-flows sets the cap)`,
      );
      this.evictions = 0;
    }
    const rest: Conn[] = [];
    for (let c = this.lruHead; c; c = c.next) rest.push(c);
    rest.sort((x, y) => x.flow.id - y.flow.id);
    for (const c of rest) this.finalize(c);
    this.closing = objectArray();
    this.closingHead = 0;
  }
}

/** How a connection ended, from its counters. */
export function flowState(f: Flow): Flow['state'] {
  const [c, s] = f.dirs;
  const synAck = f.synAckTime >= 0;
  const rst = c.rst + s.rst > 0;
  if (!synAck && c.syn > 0 && s.rst > 0 && s.payloadBytes === 0 && c.payloadBytes === 0) return 'refused';
  if (c.syn > 0 && s.packets === 0 && !rst) return 'syn-unanswered';
  if (rst && f.synTime >= 0 && f.handshakeAckTime < 0 && c.payloadBytes + s.payloadBytes === 0) return 'reset-in-handshake';
  if (rst) return 'closed-rst';
  if (c.fin > 0 && s.fin > 0) return 'closed-fin';
  if (c.fin > 0 || s.fin > 0) return 'half-closed';
  return 'open';
}

export { L4 };
