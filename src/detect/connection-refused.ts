/**
 * connection-refused (aggregate per server and time window): SYNs answered by RST
 * (RFC 9293 §3.10.7.1: a SYN to a CLOSED port gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>)
 * or by an ICMP destination unreachable (port unreachable / administratively prohibited:
 * a host firewall `REJECT`). Refusals closer than WINDOW_GAP_S join one window ("restart
 * window 1.2 s: 34 connections refused"); the successful handshakes around the window
 * give how long the server was down. A RST whose TTL differs from what the server's own
 * packets carry on its other connections is marked as sent by a firewall on the path.
 */
import { epochIso } from '../util/epoch.js';
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext, IcmpErrorEvent } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { capEvidence, evAt, evOf, eventsOf, fmtS, intervals, plural, round, timeWindows } from './common/net-util.js';
import { Budget } from './common/budget.js';

/** Refusals further apart than this start a new window. */
export const WINDOW_GAP_S = 10;

interface Refusal {
  flow: number;
  client: string;
  time: number;
  evidence: Evidence[];
  ttl: number;
  syns: number;
  backoff: number[];
  how: 'rst' | 'icmp';
  icmp?: string;
}

interface ServerState {
  refusals: Refusal[];
  /** Handshakes that completed (SYN-ACK seen), by time (bounded). */
  ok: number[];
  ttlMin: number;
  ttlMax: number;
}

const ICMP_REFUSE: Record<string, string> = {
  '4:3:3': 'ICMP port unreachable', '4:3:13': 'ICMP administratively prohibited', '4:3:9': 'ICMP network prohibited',
  '4:3:10': 'ICMP host prohibited', '4:3:1': 'ICMP host unreachable', '4:3:0': 'ICMP network unreachable',
  '6:1:4': 'ICMPv6 port unreachable', '6:1:1': 'ICMPv6 administratively prohibited', '6:1:3': 'ICMPv6 address unreachable',
  '6:1:0': 'ICMPv6 no route',
};
const OK_CAP = 100_000;
/** Servers whose completed handshakes are tracked at most. */
const SERVER_CAP = 50_000;

export function connectionRefused(): Detector {
  const servers = new Map<string, ServerState>();
  const icmp = new Map<number, IcmpErrorEvent>();
  const budget = new Budget('connection-refused');
  let okTotal = 0;
  const state = (s: string): ServerState => {
    let st = servers.get(s);
    if (!st) servers.set(s, (st = { refusals: [], ok: [], ttlMin: 256, ttlMax: -1 }));
    return st;
  };

  return {
    kinds: ['connection-refused'],
    onIcmpError(ev) {
      const k = `${ev.ipVersion}:${ev.icmpType}:${ev.icmpCode}`;
      if (ev.flowId >= 0 && ICMP_REFUSE[k] && !icmp.has(ev.flowId)) icmp.set(ev.flowId, ev);
    },
    onFlowEnd(f: Flow) {
      const c = f.dirs[0], s = f.dirs[1];
      const ie = icmp.get(f.id);
      if (ie) icmp.delete(f.id);
      if (f.synAckTime >= 0) {
        // Handshakes that completed: times and TTLs per server, bounded over all servers (scans, floods).
        if (!servers.has(f.server) && servers.size >= SERVER_CAP) return;
        const st = state(f.server);
        if (okTotal < OK_CAP) { okTotal++; st.ok.push(f.synAckTime); }
        if (s.ttlMax >= 0) { st.ttlMin = Math.min(st.ttlMin, s.ttlMin); st.ttlMax = Math.max(st.ttlMax, s.ttlMax); }
        return;
      }
      if (c.syn === 0 || f.clientBy === 'port') return;
      const syns = eventsOf(f, 'syn', 0);
      if (!syns.length) return;
      const backoff = intervals(syns.map((e) => e.time));
      if (f.state === 'refused') {
        const rst = eventsOf(f, 'rst', 1)[0];
        if (!rst || !budget.take()) return;
        const lastSyn = [...syns].reverse().find((e) => e.time <= rst.time) ?? syns[0]!;
        state(f.server).refusals.push({
          flow: f.id, client: f.client, time: lastSyn.time, ttl: rst.ttl, syns: syns.length, backoff, how: 'rst',
          evidence: [
            evOf(lastSyn, `SYN ${f.client} → ${f.server}${lastSyn.retransmission ? ' (retransmitted)' : ''}`, f.file),
            evOf(rst, `RST from ${f.server} ${round((rst.time - lastSyn.time) * 1000, 1)} ms later (TTL ${rst.ttl}): nothing listening`, f.file),
          ],
        });
      } else if (ie && s.packets === 0) {
        if (!budget.take()) return;
        const what = ICMP_REFUSE[`${ie.ipVersion}:${ie.icmpType}:${ie.icmpCode}`]!;
        state(f.server).refusals.push({
          flow: f.id, client: f.client, time: syns[0]!.time, ttl: -1, syns: syns.length, backoff, how: 'icmp', icmp: what,
          evidence: [
            evOf(syns[0]!, `SYN ${f.client} → ${f.server}`, f.file),
            evAt(ie.packet, ie.time, `${what} from ${ie.from} quoting this SYN`, ie.file),
          ],
        });
      }
    },
    finish(ctx: DetectorContext) {
      for (const [server, st] of servers) {
        if (!st.refusals.length) continue;
        st.refusals.sort((a, b) => a.time - b.time);
        st.ok.sort((a, b) => a - b);
        for (const win of timeWindows(st.refusals, (r) => r.time, WINDOW_GAP_S)) report(ctx, server, st, win);
      }
      budget.finish(ctx);
    },
  };
}

function report(ctx: DetectorContext, server: string, st: ServerState, win: Refusal[]): void {
  const first = win[0]!, last = win[win.length - 1]!;
  const span = last.time - first.time;
  const n = win.length;
  const before = lastBefore(st.ok, first.time);
  const after = firstAfter(st.ok, last.time);
  const okDuring = st.ok.filter((t) => t >= first.time && t <= last.time).length;
  const clients = new Set(win.map((r) => r.client.replace(/:\d+$/, ''))).size;
  const viaIcmp = win.filter((r) => r.how === 'icmp');
  // A RST to a SYN with a TTL the server's own packets never carry: a firewall answered.
  const rstTtls = win.filter((r) => r.how === 'rst').map((r) => r.ttl);
  const foreign = st.ttlMax >= 0 && rstTtls.length > 0 && rstTtls.every((t) => t < st.ttlMin || t > st.ttlMax);
  const retried = win.filter((r) => r.syns > 1);

  let summary = n === 1
    ? `1 connection to ${server} refused at ${isoTime(first.time)}`
    : `${span < 60 ? 'restart window' : 'window'} ${fmtS(span)}: ${n} connections to ${server} refused`;
  if (viaIcmp.length) summary += ` (${viaIcmp.length} by ${viaIcmp[0]!.icmp})`;
  if (before !== undefined && after !== undefined) summary += `; down between handshakes ${fmtS(after - before)} apart`;
  else if (after !== undefined) summary += `; accepting again ${fmtS(after - last.time)} after the last refusal`;
  if (okDuring) summary += `; ${okDuring} other connection${okDuring === 1 ? '' : 's'} succeeded meanwhile (another instance behind the same address?)`;
  if (foreign) summary += `; the RSTs carry TTL ${rstTtls[0]} while ${server}'s own packets arrive with TTL ${st.ttlMin}${st.ttlMax !== st.ttlMin ? '-' + st.ttlMax : ''}: a firewall on the path rejected them`;

  const evidence: Evidence[] = [];
  for (const r of win.slice(0, 4)) evidence.push(...r.evidence);
  if (win.length > 4) evidence.push(...last.evidence);
  if (retried.length) {
    const r = retried[0]!;
    evidence.push({ ...r.evidence[0]!, note: `${r.evidence[0]!.note}: ${plural(r.syns, 'SYN')} sent, backoff ${r.backoff.map((x) => fmtS(x)).join(', ')}` });
  }
  const k = NETWORK['connection-refused'];
  let advice = k.advice;
  if (foreign) advice = `A firewall between the capture point and ${server} answers SYNs with RST (TTL differs from the server's): check its REJECT rules. ` + advice;
  ctx.report({
    kind: 'connection-refused',
    severity: 'error',
    summary,
    flow: { client: clients === 1 ? first.client.replace(/:\d+$/, '') : '*', server, id: first.flow },
    time: first.time,
    params: {
      count: n, refused: n, failures: n, window_s: round(span, 3), first: first.time, last: last.time, clients,
      ...(before !== undefined && after !== undefined ? { down_s: round(after - before, 3) } : {}),
      ...(retried.length ? { syn_backoff_s: retried[0]!.backoff } : {}),
      ...(viaIcmp.length ? { icmp: viaIcmp.length } : {}),
      ...(foreign ? { rst_ttl: rstTtls[0]!, server_ttl: st.ttlMin } : {}),
      succeeded_during: okDuring,
    },
    evidence: capEvidence(evidence, 12),
    symptoms: k.symptoms,
    advice,
    confidence: foreign ? 0.8 : 0.95,
    aggregate: true,
    flows: win.map((r) => r.flow),
  });
}

function lastBefore(sorted: number[], t: number): number | undefined {
  let r: number | undefined;
  for (const x of sorted) { if (x < t) r = x; else break; }
  return r;
}
function firstAfter(sorted: number[], t: number): number | undefined {
  return sorted.find((x) => x > t);
}

/** ISO time of an epoch second, or the raw number when out of Date's range (corrupt captures). */
function isoTime(t: number): string {
  return epochIso(t) ?? `${t}`;
}
