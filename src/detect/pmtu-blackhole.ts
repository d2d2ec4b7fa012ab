/**
 * pmtu-blackhole: full-size segments retransmitted without ever being acknowledged while
 * smaller ones get through, and no ICMP "fragmentation needed" (RFC 1191) / ICMPv6
 * "packet too big" (RFC 8201) for the connection: a path MTU discovery black hole
 * (RFC 2923). The signature is in common/net-mtu.ts. Never reported on a connection
 * without retransmissions. Fix: let ICMP through, clamp the MSS, or PLPMTUD (RFC 4821).
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { blackholeOf, IcmpTooBigMarks } from './common/net-mtu.js';
import { capEvidence, evOf, flowRef, fmtList, intervals, senderOf, sideName, tidyEvidence } from './common/net-util.js';

export function pmtuBlackhole(): Detector {
  const icmp = new IcmpTooBigMarks();
  return {
    kinds: ['pmtu-blackhole'],
    onIcmpError(ev) {
      icmp.onIcmpError(ev);
    },
    onFlowEnd(f: Flow, ctx: DetectorContext) {
      const icmpTooBig = icmp.taken(f.id);
      const b = blackholeOf(f, icmpTooBig);
      if (!b) return;
      const sender = senderOf(f, b.dir);
      const d = f.dirs[b.dir];
      const acked = f.events.filter((e) => e.dir === b.dir && e.len > 0 && e.len <= b.largestAcked && e.type !== 'retransmission');
      const firstBig = f.events.find((e) => e.dir === b.dir && e.len === b.largestRetransmitted && e.type !== 'retransmission');
      // RTO backoff of the most retransmitted segment
      const bySeq = new Map<number, number[]>();
      for (const e of b.bigRetrans) { const l = bySeq.get(e.seq); if (l) l.push(e.time); else bySeq.set(e.seq, [e.time]); }
      let worstSeq = b.bigRetrans[0]!.seq;
      for (const [seq, ts] of bySeq) if (ts.length > (bySeq.get(worstSeq)?.length ?? 0)) worstSeq = seq;
      const times = [...(firstBig && firstBig.seq === worstSeq ? [firstBig.time] : []), ...bySeq.get(worstSeq)!];
      const backoff = intervals(times);
      const ev: Evidence[] = [];
      const mssEv = f.events.find((e) => (e.type === 'syn' || e.type === 'syn-ack') && e.dir !== b.dir);
      if (mssEv && b.peerMss > 0) ev.push(evOf(mssEv, `${sideName(mssEv.dir)} announces MSS ${b.peerMss}`, f.file));
      if (!acked.length) {
        const hs = f.events.find((e) => (e.type === 'syn' || e.type === 'syn-ack') && e.dir === b.dir);
        if (hs) ev.push(evOf(hs, `${hs.type === 'syn' ? 'SYN' : 'SYN-ACK'} from ${sender} (a small packet) gets through: the handshake completes`, f.file));
      }
      if (acked.length) ev.push(evOf(acked[acked.length - 1]!, `${acked[acked.length - 1]!.len}-byte segment from ${sender}: small enough, acknowledged`, f.file));
      if (firstBig) ev.push(evOf(firstBig, `${firstBig.len}-byte (full-size) segment from ${sender}: never acknowledged`, f.file));
      for (const e of b.bigRetrans.slice(0, 6)) ev.push(evOf(e, `${e.len}-byte segment retransmitted (seq ${e.seq}), still no ACK and no ICMP`, f.file));
      const last = b.bigRetrans[b.bigRetrans.length - 1]!;
      ev.push(evOf(last, `last retransmission of a full-size segment`, f.file));
      const k = NETWORK['pmtu-blackhole'];
      const tso = b.offload ? ` (segments of up to ${d.maxSegment} bytes at the capture point are TSO/GSO: the NIC cuts them to the MSS)` : '';
      ctx.report({
        kind: 'pmtu-blackhole',
        severity: 'error',
        summary: `Path MTU black hole from ${sender}: ${b.bigRetrans.length} retransmissions of ${b.largestRetransmitted}-byte segments never acknowledged (backoff ${fmtList(backoff)}) while ${b.largestAcked > 0 ? `segments up to ${b.largestAcked} bytes pass` : 'the handshake passed but no full-size segment was ever acknowledged'}; no ICMP fragmentation-needed arrived${tso}`,
        flow: flowRef(f),
        time: b.bigRetrans[0]!.time,
        params: {
          largest_acked_segment: b.largestAcked, largest_retransmitted_segment: b.largestRetransmitted,
          full_size_retransmissions: b.bigRetrans.length, mss: b.peerMss, mss_client: f.dirs[0].mss, mss_server: f.dirs[1].mss, sender: sideName(b.dir), backoff_s: backoff,
        },
        evidence: capEvidence(tidyEvidence(ev), 12),
        symptoms: k.symptoms,
        advice: k.advice,
        confidence: (b.bigRetrans.length >= 3 ? 0.85 : 0.7) - (b.largestAcked > 0 ? 0 : 0.15),
        flows: [f.id],
      });
    },
  };
}
