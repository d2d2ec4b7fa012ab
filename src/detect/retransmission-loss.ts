/**
 * retransmission-loss: heavy retransmission on an established connection that then ended
 * in a reset or timed out (did not close cleanly with FIN both ways). Counts follow
 * Wireshark's (`tcp.analysis.retransmission`, both directions): `retransmissions` and
 * `retransmit_ratio` = retransmissions / segments carrying data. The RTO backoff of the
 * last retransmitted segment (RFC 6298 §5.5: the timer doubles on each retransmission)
 * shows whether the sender was timing out. Connections explained more precisely by a
 * path MTU black hole (pmtu-blackhole) or by dropped SYNs (syn-unanswered) are left to those.
 */
import type { Flow, FlowEvent } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { blackholeOf, IcmpTooBigMarks } from './common/net-mtu.js';
import { capEvidence, evOf, flowRef, fmtList, fmtS, intervals, round, senderOf, sideName, tidyEvidence } from './common/net-util.js';
import { maxOf } from '../util/extremes.js';

export const MIN_RETRANSMISSIONS = 3;
export const MIN_RATIO = 0.1;
/** A segment sent this many times means RTO backoff (timeouts), not fast retransmit. */
export const BACKOFF_COUNT = 3;
/** The connection must end within this long (or 4 retransmission intervals) after its last retransmission. */
export const END_GRACE_S = 5;

export function retransmissionLoss(): Detector {
  const icmp = new IcmpTooBigMarks();
  return {
    kinds: ['retransmission-loss'],
    onIcmpError(ev) {
      icmp.onIcmpError(ev);
    },
    onFlowEnd(f: Flow, ctx: DetectorContext) {
      const icmpTooBig = icmp.taken(f.id);
      const [c, s] = f.dirs;
      const retrans = c.retransmissions + s.retransmissions;
      // Packets captured twice count as retransmissions in Wireshark, but nothing was lost.
      const dups = c.duplicates + s.duplicates;
      const real = retrans - dups;
      if (real < MIN_RETRANSMISSIONS || f.synAckTime < 0 && f.clientBy === 'syn') return;
      if (f.state === 'closed-fin' || f.state === 'refused' || f.state === 'syn-unanswered') return;
      const data = c.dataPackets + s.dataPackets;
      const ratio = retrans / Math.max(1, data);
      const realRatio = real / Math.max(1, data - dups);
      const rEvents = f.events.filter((e) => e.type === 'retransmission' && !e.duplicate);
      // SYN / SYN-ACK retransmissions alone are syn-unanswered's (or a scanner's) business.
      if (rEvents.filter((e) => e.len > 0).length < 2) return;
      const runs = sameSegmentRuns(rEvents);
      const worst = runs.reduce<FlowEvent[]>((a, b) => (b.length > a.length ? b : a), []);
      if (realRatio < MIN_RATIO && worst.length < BACKOFF_COUNT - 1) return;
      if (blackholeOf(f, icmpTooBig)) return;
      // The loss must be what the connection died of: it ended while (or soon after) retransmitting,
      // or while data was still crawling through under sustained loss (a client timeout such as
      // curl --max-time giving up on a transfer the loss slowed down: its last retransmission can
      // be seconds before the end); not after recovering and sitting idle for a minute.
      const lastRetrans = rEvents[rEvents.length - 1]!;
      const maxGap = Math.max(maxOf(intervals(rEvents.map((e) => e.time))), 0);
      const grace = Math.max(END_GRACE_S, 4 * maxGap);
      const lastData = Math.max(c.lastPayloadTime, s.lastPayloadTime);
      const crawling = realRatio >= MIN_RATIO && f.end - lastData <= grace;
      if (f.end - lastRetrans.time > grace && !crawling) return;
      // RTO backoff: the data segment sent most often (the last such one on ties).
      let backRun: FlowEvent[] = [];
      for (const r of runs) if (r[0]!.len > 0 && r.length >= backRun.length) backRun = r;
      const backoff = intervals(backRun.map((e) => e.time));
      const rst = f.events.find((e) => e.type === 'rst');
      const lastR = rEvents[rEvents.length - 1];
      const dataR = [0, 0];
      for (const e of rEvents) if (e.len > 0) dataR[e.dir]!++;
      const senderDir = dataR[1]! >= dataR[0]! ? 1 : 0;
      const peer = f.dirs[senderDir ^ 1];
      const silent = lastR ? peer.lastTime <= lastR.time : false;
      // The first FIN from the side not sending the data: it gave up on the transfer.
      const abandoned = !rst && crawling && f.firstFinBy !== '' && f.firstFinBy !== sideName(senderDir);
      const ending = rst ? `reset by the ${sideName(rst.dir)}`
        : abandoned ? `was abandoned mid-transfer by the ${f.firstFinBy} (FIN)`
        : silent ? 'timed out (the peer went silent)' : 'never closed cleanly';
      const ev: Evidence[] = [];
      if (rEvents[0]) ev.push(evOf(rEvents[0], `first retransmission (${rEvents[0].len} bytes from ${sideName(rEvents[0].dir)})`, f.file));
      for (const e of backRun.slice(-5)) ev.push(evOf(e, `${sideName(e.dir)} retransmits seq ${e.seq} (${e.len} bytes)`, f.file));
      if (rst) ev.push(evOf(rst, `RST from ${sideName(rst.dir)} ends the connection`, f.file));
      const k = NETWORK['retransmission-loss'];
      const bo = backoff.length >= 2 ? `; RTO backoff ${fmtList(backoff)}` : '';
      ctx.report({
        kind: 'retransmission-loss',
        severity: 'error',
        summary: `${retrans} retransmissions on ${f.client} → ${f.server} (${Math.round(ratio * 100)} % of ${data} data segments, ${dataR[senderDir]} of them data from ${senderOf(f, senderDir)})${bo}; the connection ${ending} after ${fmtS(f.end - f.start)}`,
        flow: flowRef(f),
        time: rEvents[0]?.time ?? f.start,
        params: {
          retransmissions: retrans, retransmit_ratio: round(ratio, 3), data_segments: data,
          client_retransmissions: c.retransmissions, server_retransmissions: s.retransmissions,
          rto_backoff_s: backoff, ...(dups ? { duplicates: dups } : {}), ending: rst ? 'reset' : 'timeout', duration_s: round(f.end - f.start, 3),
        },
        evidence: capEvidence(tidyEvidence(ev), 10),
        symptoms: k.symptoms,
        advice: k.advice,
        confidence: ratio >= 0.2 || worst.length >= BACKOFF_COUNT ? 0.85 : 0.7,
        flows: [f.id],
      });
    },
  };
}

/** Consecutive retransmissions of the same segment (same direction and relative seq), in order. */
function sameSegmentRuns(evs: FlowEvent[]): FlowEvent[][] {
  const runs: FlowEvent[][] = [];
  const byKey = new Map<string, FlowEvent[]>();
  for (const e of evs) {
    const k = `${e.dir}:${e.seq}`;
    let r = byKey.get(k);
    if (!r) { byKey.set(k, (r = [])); runs.push(r); }
    r.push(e);
  }
  return runs.sort((a, b) => a[a.length - 1]!.time - b[b.length - 1]!.time);
}
