/**
 * syn-unanswered (grouped per server and time window): the client's SYN was retransmitted
 * and no SYN-ACK came back — dropped by a firewall, a dead host, or a full listen queue
 * (Linux drops SYNs while the accept queue is full, and when the SYN backlog is full without
 * syncookies). The retransmissions show the client's backoff (RFC 6298 §5.5 doubles the
 * timer; Linux ≥ 6.5 first retries at a fixed 1 s, `net.ipv4.tcp_syn_linear_timeouts`=4).
 * Connections whose SYN was retransmitted and then answered are counted as delayed
 * (a warning when nothing failed). When other connections to the same server completed
 * their handshake inside the window, the server was up: the listen queue, not a firewall,
 * is the likely cause. A single SYN without retransmission is not reported (port scans,
 * captures that end right after it); SYNs answered by RST or ICMP are connection-refused,
 * and a SYN answered by a bare ACK (challenge ACK) is port-reuse.
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { capEvidence, evOf, eventsOf, fmtList, fmtS, intervals, plural, round, tidyEvidence, timeWindows } from './common/net-util.js';
import { maxOf } from '../util/extremes.js';
import { Budget } from './common/budget.js';

const WINDOW_GAP_S = 10;
const OK_CAP = 100_000;
/** SYN copies closer than this are duplicates of one transmission, not retransmissions (no stack retries that fast). */
const DUP_S = 0.1;

interface Attempt {
  flow: number;
  client: string;
  first: number;
  syns: number;
  backoff: number[];
  answered: boolean;
  /** Time to the SYN-ACK, or until the client gave up (last SYN / flow end). */
  waited: number;
  gaveUp: number;
  evidence: Evidence[];
}

export function synUnanswered(): Detector {
  const icmpFlows = new Set<number>();
  const servers = new Map<string, { attempts: Attempt[]; ok: number[] }>();
  const budget = new Budget('syn-unanswered');
  let okTotal = 0;
  const state = (s: string) => {
    let st = servers.get(s);
    if (!st) servers.set(s, (st = { attempts: [], ok: [] }));
    return st;
  };
  return {
    kinds: ['syn-unanswered'],
    onIcmpError(ev) {
      if (ev.flowId >= 0 && (ev.icmpType === 3 || ev.icmpType === 1) && ev.quotedProto === 6) icmpFlows.add(ev.flowId);
    },
    onFlowEnd(f: Flow) {
      const a = attemptOf(f, icmpFlows.has(f.id));
      if (a && budget.take()) state(f.server).attempts.push(a);
      if (f.synAckTime >= 0 && (!a || !a.answered) && okTotal < OK_CAP) {
        // handshakes that completed at once (server up and answering) — times only (bounded over all servers)
        okTotal++;
        state(f.server).ok.push(f.synAckTime);
      }
      icmpFlows.delete(f.id);
    },
    finish(ctx: DetectorContext) {
      for (const [server, st] of servers) {
        if (!st.attempts.length) continue;
        st.attempts.sort((x, y) => x.first - y.first);
        for (const w of timeWindows(st.attempts, (x) => x.first, WINDOW_GAP_S)) report(ctx, server, w, st.ok);
      }
      budget.finish(ctx);
    },
  };
}

function attemptOf(f: Flow, icmp: boolean): Attempt | null {
  if (f.clientBy !== 'syn' || f.dirs[0].syn < 2) return null; // (one SYN: nothing retried, no event list walk)
  // The same SYN captured twice within DUP_S (several capture points, VLAN copies) is not a retry.
  const syns = eventsOf(f, 'syn', 0).filter((e, i, all) => i === 0 || e.time - all[i - 1]!.time >= DUP_S);
  if (syns.length < 2) return null;
  const s = f.dirs[1];
  const answered = f.synAckTime >= 0;
  if (!answered && (s.packets > 0 || icmp)) return null; // RST / ICMP / challenge ACK: not silence
  if (answered && s.firstTime < f.synAckTime) return null; // a bare ACK before the SYN-ACK: port-reuse
  // SYNs that got no answer: all of them, or all but the one the SYN-ACK answered.
  const before = answered ? syns.filter((e) => e.time < f.synAckTime) : syns;
  if (before.length < 2) return null;
  const backoff = intervals(before.map((e) => e.time));
  const ev: Evidence[] = before.map((e, i) =>
    evOf(e, i === 0 ? `SYN ${f.client} → ${f.server}` : `SYN retransmitted ${fmtS(e.time - before[i - 1]!.time)} after the previous one, no SYN-ACK yet`, f.file));
  const sa = eventsOf(f, 'syn-ack', 1)[0];
  if (answered && sa) ev.push(evOf(sa, `SYN-ACK only ${fmtS(sa.time - syns[0]!.time)} after the first SYN`, f.file));
  const t0 = syns[0]!.time;
  return {
    flow: f.id, client: f.client, first: t0, syns: before.length, backoff, answered,
    waited: (answered ? f.synAckTime : before[before.length - 1]!.time) - t0, gaveUp: f.end - t0, evidence: ev,
  };
}

function report(ctx: DetectorContext, server: string, w: Attempt[], okTimes: number[]): void {
  const lost = w.filter((a) => !a.answered);
  const late = w.filter((a) => a.answered);
  const first = w[0]!, last = w[w.length - 1]!;
  const end = maxOf(w, (a) => a.first + a.gaveUp);
  // Handshakes completed promptly from 1 s before the first dropped SYN to the end of the window.
  const others = okTimes.filter((t) => t >= first.first - 1 && t <= end).length;
  const main = lost[0] ?? late[0]!;
  const parts: string[] = [];
  if (lost.length) parts.push(`${plural(lost.length, 'connection')} from ${clientsOf(lost)} to ${server} got no SYN-ACK (${plural(main.syns, 'SYN')}, retried after ${fmtList(main.backoff)}; last SYN ${fmtS(maxOf(lost, (a) => a.waited))} after the first)`);
  if (late.length) parts.push(`${plural(late.length, 'connection')} ${lost.length ? 'more ' : `to ${server} `}connected only after ${fmtS(maxOf(late, (a) => a.waited))} of dropped SYNs`);
  let summary = parts.join('; ');
  if (others) summary += `; ${plural(others, 'other handshake')} with ${server} completed meanwhile: the server was up, its listen queue (accept queue / SYN backlog) was full`;
  const evidence: Evidence[] = [...main.evidence];
  for (const a of w.filter((x) => x !== main).slice(0, 3)) evidence.push(a.evidence[0]!, a.evidence[a.evidence.length - 1]!);
  const k = NETWORK['syn-unanswered'];
  let advice = k.advice;
  if (others) advice = `${server} answered other SYNs at the same time: its listen queue overflowed (check \`nstat -az TcpExtListenOverflows TcpExtListenDrops\`). ` + NETWORK['accept-queue-overflow'].advice;
  ctx.report({
    kind: 'syn-unanswered',
    severity: lost.length ? 'error' : 'warning',
    summary,
    flow: { client: new Set(w.map((a) => a.client.replace(/:\d+$/, ''))).size === 1 ? first.client : '*', server, id: main.flow },
    time: first.first,
    params: {
      count: w.length, failures: lost.length, unanswered: lost.length, delayed: late.length,
      syns: main.syns, syn_retransmissions: main.syns - 1, backoff_s: main.backoff,
      waited_s: round(maxOf(w, (a) => (a.answered ? a.waited : a.gaveUp)), 3),
      window_s: round(last.first - first.first, 3), other_handshakes: others,
    },
    evidence: capEvidence(tidyEvidence(evidence), 12),
    symptoms: lost.length ? k.symptoms : ['(slow connect: the request waited for a retransmitted SYN)'],
    advice,
    confidence: 0.9,
    aggregate: true,
    flows: w.map((a) => a.flow),
  });
}

function clientsOf(w: Attempt[]): string {
  const c = [...new Set(w.map((a) => a.client.replace(/:\d+$/, '')))];
  return c.length === 1 ? c[0]! : `${c.length} clients`;
}
