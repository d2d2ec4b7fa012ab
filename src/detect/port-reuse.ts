/**
 * port-reuse (aggregate per client address): a new SYN on a 4-tuple whose previous
 * connection closed less than 2 MSL earlier (RFC 9293 §3.6.1 TIME-WAIT; MSL 2 min, Linux
 * keeps TIME_WAIT 60 s), and the ephemeral port range the client cycles through.
 *
 * A SYN that lands on the peer's TIME-WAIT is accepted only when its sequence number is
 * higher (RFC 6191 / RFC 1122 §4.2.2.13); otherwise the peer answers with an ACK of the old
 * connection (a challenge ACK, RFC 5961 §4 / RFC 9293 §3.10.7.4), the client sends RST and
 * retries its SYN a second later. When all ports of the range are open or in TIME_WAIT on
 * the client, connect() fails locally (nginx `99: Cannot assign requested address`): the
 * capture then shows the client reusing the same few ports.
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { capEvidence, evAt, evOf, eventsOf, fmtS, plural, round, tidyEvidence } from './common/net-util.js';
import { Budget } from './common/budget.js';
import { heapCap } from '../util/heap-cap.js';
import { PortMap } from '../util/port-map.js';
import { grown } from '../util/typed-array.js';

/** 2 MSL with RFC 793's MSL of 2 minutes. */
export const TWO_MSL_S = 240;
/** Linux TCP_TIMEWAIT_LEN: how long a closed port stays unusable on the side that closed first. */
export const LINUX_TIME_WAIT_S = 60;
const CAP = 200_000;
/** 4-tuples whose last connection is remembered at most (memory bound against floods: ~50 bytes each). */
const MAX_TUPLES = heapCap(512, 100_000, 1_000_000);

interface Reuse {
  prevId: number;
  /** The reusing connection (only what the report needs: the Flow itself is not kept). */
  id: number;
  start: number;
  gap: number;
  answer: 'challenge-ack' | 'rst' | 'syn-ack' | 'none';
  evidence: Evidence[];
}

/** Reuses kept in full per client (the report names the first few); the rest are only counted. */
const KEEP_REUSES = 200;
/** Reuses whose evidence is built (the report shows the first 4). */
const EVIDENCE_REUSES = 4;

/** A client's connections in columns (typed arrays): hundreds of thousands stay a few MB. */
class ConnLog {
  length = 0;
  // Small at first: a flood from random source addresses makes one log per connection.
  private id = new Float64Array(4);
  private port = new Uint16Array(4);
  private start = new Float64Array(4);
  private end = new Float64Array(4);
  private server = new Int32Array(4);
  private ccf = new Uint8Array(4);
  private readonly serverIndex = new Map<string, number>();
  private readonly serverNames: string[] = [];

  push(id: number, port: number, server: string, start: number, end: number, clientClosedFirst: boolean): void {
    if (this.length === this.id.length) this.grow();
    const i = this.length++;
    let si = this.serverIndex.get(server);
    if (si === undefined) {
      si = this.serverNames.length;
      this.serverNames.push(server);
      this.serverIndex.set(server, si);
    }
    this.id[i] = id; this.port[i] = port; this.start[i] = start; this.end[i] = end;
    this.server[i] = si; this.ccf[i] = clientClosedFirst ? 1 : 0;
  }

  /** Index of `server` in this log (-1: never seen); '*' is every server. */
  serverId(server: string): number {
    return server === '*' ? -2 : this.serverIndex.get(server) ?? -1;
  }

  /** Distinct client ports toward server `si` (-2: all), and their range. */
  ports(si: number): { count: number; min: number; max: number; conns: number } {
    const seen = new Uint8Array(65536);
    let count = 0, min = 65535, max = 0, conns = 0;
    for (let i = 0; i < this.length; i++) {
      if (si !== -2 && this.server[i] !== si) continue;
      conns++;
      const p = this.port[i]!;
      if (seen[p]) continue;
      seen[p] = 1;
      count++;
      if (p < min) min = p;
      if (p > max) max = p;
    }
    return { count, min, max, conns };
  }

  /** Most client ports busy at once toward server `si` (-2: all): open, or in TIME_WAIT on the client after it closed first. */
  peakBusy(si: number): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) if (si === -2 || this.server[i] === si) n++;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    let j = 0;
    for (let i = 0; i < this.length; i++) {
      if (si !== -2 && this.server[i] !== si) continue;
      starts[j] = this.start[i]!;
      ends[j++] = this.end[i]! + (this.ccf[i] === 1 ? LINUX_TIME_WAIT_S : 0);
    }
    starts.sort();
    ends.sort();
    // Sweep in time order; at equal times an end (-1) comes before a start (+1).
    let cur = 0, best = 0, a = 0, b = 0;
    while (a < n) {
      if (b < n && ends[b]! <= starts[a]!) { cur--; b++; }
      else { cur++; a++; if (cur > best) best = cur; }
    }
    return best;
  }

  private grow(): void {
    const n = Math.min(this.id.length * 2, CAP); // (push stops at CAP: no column grows past it)
    this.id = grown(this.id, n);
    this.port = grown(this.port, n);
    this.start = grown(this.start, n);
    this.end = grown(this.end, n);
    this.server = grown(this.server, n);
    this.ccf = grown(this.ccf, n);
  }
}

interface ClientState {
  conns: ConnLog;
  reuses: Reuse[];
  count: number;
  failed: number;
  challenged: number;
  minGap: number;
  servers: Set<string>;
}

export function portReuse(): Detector {
  // server → client endpoint → the last connection on that 4-tuple (the endpoint texts are shared
  // by the flows of one host, so these lookups hash no new string per connection)
  // (keyed server → client address → client port: numeric keys, a PortMap for the big inner maps)
  const last = new Map<string, Map<string, PortMap<number>>>();
  // ...as a slot in these columns (id and end of that connection): no object per connection.
  let lastId = new Float64Array(1024);
  let lastEnd = new Float64Array(1024);
  let slots = 0;
  const clients = new Map<string, ClientState>();
  const budget = new Budget('port-reuse');
  let tuplesFull = false;

  return {
    kinds: ['port-reuse'],
    onFlowEnd(f: Flow) {
      if (f.clientBy === 'port') return;
      let st = clients.get(f.clientAddr);
      if (!st && !budget.take()) return; // memory bound: client addresses tracked at most
      if (!st) clients.set(f.clientAddr, (st = { conns: new ConnLog(), reuses: [], count: 0, failed: 0, challenged: 0, minGap: Infinity, servers: new Set() }));
      if (st.conns.length < CAP) st.conns.push(f.id, f.clientPort, f.server, f.start, f.end, f.firstFinBy === 'client' && f.firstRstBy === '');
      let toServer = last.get(f.server);
      if (!toServer) last.set(f.server, (toServer = new Map()));
      let fromClient = toServer.get(f.clientAddr);
      if (!fromClient) toServer.set(f.clientAddr, (fromClient = new PortMap<number>()));
      let slot = fromClient.get(f.clientPort);
      let prevId = -1, prevEnd = 0;
      if (slot === undefined) {
        if (slots >= MAX_TUPLES) { tuplesFull = true; return; } // memory bound: 4-tuples remembered at most
        if (slots === lastId.length) {
          lastId = grown(lastId, slots * 2);
          lastEnd = grown(lastEnd, slots * 2);
        }
        slot = slots++;
        fromClient.set(f.clientPort, slot);
      } else {
        prevId = lastId[slot]!;
        prevEnd = lastEnd[slot]!;
      }
      lastId[slot] = f.id;
      lastEnd[slot] = f.end;
      if (prevId < 0 || f.clientBy !== 'syn') return;
      const gap = f.start - prevEnd;
      if (gap < 0 || gap > TWO_MSL_S) return;
      const s = f.dirs[1];
      const syn = f.events.find((e) => e.type === 'syn' && e.dir === 0);
      if (!syn) return;
      // Evidence only for the reuses the report shows; the others are counted.
      const ev: Evidence[] | null = st.reuses.length < EVIDENCE_REUSES ? [evOf(syn, `SYN reuses ${f.client} → ${f.server} ${fmtS(gap)} after the previous connection on this 4-tuple ended`, f.file)] : null;
      let answer: Reuse['answer'] = 'none';
      const synAckT = f.synAckTime >= 0 ? f.synAckTime : Infinity;
      if (s.packets > 0 && s.firstTime < synAckT && s.firstPacket > 0 && s.firstPacket !== s.firstRstPacket) {
        answer = 'challenge-ack';
        if (ev) {
          ev.push(evAt(s.firstPacket, s.firstTime, `${f.server} answers the SYN with a bare ACK of the old connection (challenge ACK: the 4-tuple is still in TIME_WAIT there)`, f.file));
          const crst = eventsOf(f, 'rst', 0)[0];
          if (crst) ev.push(evOf(crst, `client RST clears the stale TIME_WAIT entry`, f.file));
        }
      } else if (s.firstRstPacket > 0 && s.firstRstTime < synAckT) {
        answer = 'rst';
        const r = ev ? eventsOf(f, 'rst', 1)[0] : undefined;
        if (r) ev!.push(evOf(r, `RST from ${f.server}: the reused 4-tuple was rejected`, f.file));
      } else if (f.synAckTime >= 0) {
        answer = 'syn-ack';
      }
      if (ev) {
        const retry = eventsOf(f, 'syn', 0).find((e) => e.retransmission);
        if (retry && answer !== 'syn-ack') ev.push(evOf(retry, `SYN retried ${fmtS(retry.time - syn.time)} later`, f.file));
        const sa = eventsOf(f, 'syn-ack', 1)[0];
        if (sa) ev.push(evOf(sa, `SYN-ACK ${fmtS(sa.time - syn.time)} after the first SYN`, f.file));
      }
      st.count++;
      if (answer !== 'syn-ack') st.failed++;
      if (answer === 'challenge-ack') st.challenged++;
      if (gap < st.minGap) st.minGap = gap;
      st.servers.add(f.server);
      // keep the flow model small: only what the report needs
      if (st.reuses.length < KEEP_REUSES) st.reuses.push({ prevId, id: f.id, start: f.start, gap, answer, evidence: ev ?? [] });
    },
    finish(ctx: DetectorContext) {
      for (const [addr, st] of clients) {
        if (!st.count) continue;
        report(ctx, addr, st);
      }
      budget.finish(ctx);
      if (tuplesFull) ctx.warn?.(`port-reuse: more than ${MAX_TUPLES} 4-tuples; connections on new ones were not examined (memory bound against floods)`);
    },
  };
}

function report(ctx: DetectorContext, addr: string, st: ClientState): void {
  const reuses = st.reuses;
  const servers = [...st.servers];
  const server = servers.length === 1 ? servers[0]! : '*';
  const si = st.conns.serverId(server);
  const ports = st.conns.ports(si);
  const pmin = ports.min, pmax = ports.max;
  const peak = st.conns.peakBusy(si);
  const failed = st.failed;
  const challenged = st.challenged;
  const minGap = st.minGap;
  // Exhaustion needs a range in use, not a client bound to one fixed port.
  const exhausted = ports.count >= 2 && ports.conns >= 10 && peak >= ports.count && ports.conns >= 2 * ports.count;
  const span = pmax - pmin + 1;
  let summary = `${addr} reused ${plural(st.count, '4-tuple')} toward ${server === '*' ? servers.length + ' servers' : server} within 2 MSL (as soon as ${fmtS(minGap)} after the previous close)`;
  summary += `; ${ports.conns} connections over only ${plural(ports.count, 'port')} (${pmin}-${pmax})`;
  if (exhausted) summary += `, all of them busy (open or TIME_WAIT) at the peak: new connects fail with 99 Cannot assign requested address`;
  else if (ports.count === 1) summary += ' (the client binds a fixed source port)';
  else summary += `, peak ${peak} busy`;
  if (challenged) summary += `; ${challenged} SYN${challenged === 1 ? '' : 's'} hit the server's TIME_WAIT and got a challenge ACK`;
  const evidence: Evidence[] = [];
  for (const r of reuses.slice(0, 4)) evidence.push(...r.evidence);
  const k = NETWORK['port-reuse'];
  let advice = k.advice;
  if (span <= 5000 && ports.count >= 2) advice = `${addr} appears to use an ephemeral range of about ${span} ports (${pmin}-${pmax}; \`net.ipv4.ip_local_port_range\`). ` + advice;
  ctx.report({
    kind: 'port-reuse',
    severity: failed || exhausted ? 'error' : 'warning',
    summary,
    flow: { client: addr, server, id: reuses[0]!.id },
    time: reuses[0]!.start,
    params: {
      client: addr, count: st.count, reuses: st.count, failures: failed, challenge_acks: challenged,
      connections: ports.conns, ports: ports.count, port_min: pmin, port_max: pmax, peak_busy: peak,
      min_reuse_gap_s: round(minGap, 3), exhausted,
    },
    evidence: capEvidence(tidyEvidence(evidence), 12),
    symptoms: k.symptoms,
    advice,
    confidence: challenged || exhausted ? 0.9 : 0.75,
    aggregate: true,
    flows: [...new Set(reuses.flatMap((r) => [r.prevId, r.id]))].slice(0, 200),
  });
}
