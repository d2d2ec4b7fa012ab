/**
 * middlebox-reset: a RST that the peer it claims to come from did not send. Every packet
 * a host sends starts with the same initial TTL / hop limit and loses one per router, so
 * on one connection all packets of one side reach the capture point with the same TTL
 * (DirStats.ttlMin..ttlMax over that side's non-RST packets). A firewall, IPS or load
 * balancer that forges a RST in the peer's name (iptables `REJECT --reject-with tcp-reset`,
 * RFC 9293 §3.10.7 makes any in-window RST fatal) sits at another distance and uses its own
 * initial TTL: the RST's TTL falls outside that range. The IPv4 ID is noted as support
 * (a forged RST does not continue the peer's ID sequence) but never decides alone.
 * A RST whose TTL matches its sender's other packets is never flagged.
 */
import type { Flow, FlowEvent } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { forgedRst } from './common/net-ttl.js';
import { capEvidence, evOf, flowRef, senderOf, sideName, tidyEvidence } from './common/net-util.js';

/** Initial TTLs in use (Linux/macOS 64, Windows 128, network gear 255; 32/60 are rare). */
const INITIAL_TTLS = [32, 60, 64, 128, 255];

export function hopsFrom(ttl: number): number {
  for (const i of INITIAL_TTLS) if (ttl <= i) return i - ttl;
  return 0;
}

export function middleboxReset(): Detector {
  return {
    kinds: ['middlebox-reset'],
    onFlowEnd(f: Flow, ctx: DetectorContext) {
      for (const dir of [0, 1] as const) {
        const d = f.dirs[dir];
        if (d.rst === 0 || d.ttlMax < 0) continue; // no other packet from that side to compare with
        const rsts = f.events.filter((e) => e.type === 'rst' && e.dir === dir);
        const bad = rsts.filter((e) => forgedRst(f, e));
        if (!bad.length) continue;
        report(ctx, f, dir, bad, rsts.length);
      }
    },
  };
}

function report(ctx: DetectorContext, f: Flow, dir: 0 | 1, bad: FlowEvent[], allRsts: number): void {
  const d = f.dirs[dir];
  const r = bad[0]!;
  const claimed = senderOf(f, dir);
  const victim = senderOf(f, dir ^ 1);
  const expected = d.ttlMin === d.ttlMax ? d.ttlMin : nearest(r.ttl, d.ttlMin, d.ttlMax);
  const diff = r.ttl - expected;
  const hopsPeer = hopsFrom(d.ttlMin);
  const hopsRst = hopsFrom(r.ttl);
  // Closer to the capture point when the RST has more TTL left (same initial TTL assumed).
  const where = hopsRst < hopsPeer ? `${hopsPeer - hopsRst} hop${hopsPeer - hopsRst === 1 ? '' : 's'} closer to the capture point than ${claimed}`
    : hopsRst > hopsPeer ? `${hopsRst - hopsPeer} hop${hopsRst - hopsPeer === 1 ? '' : 's'} farther than ${claimed}` : 'with another initial TTL';
  const ipIdNote = r.ipId >= 0 && d.lastIpId >= 0 ? `, IP ID ${r.ipId} vs ${d.lastIpId} on its last packet` : '';
  const prior = f.events.filter((e) => e.dir === dir && e.type !== 'rst' && e.time <= r.time && e.ttl > 0);
  const ref = prior[prior.length - 1] ?? f.events.find((e) => e.dir === dir && e.type !== 'rst');
  const ev: Evidence[] = [];
  if (ref) ev.push(evOf(ref, `${claimed}'s own packet: TTL ${ref.ttl}${ref.ipId >= 0 ? ', IP ID ' + ref.ipId : ''}`, f.file));
  const lastVictim = [...f.events].reverse().find((e) => e.dir !== dir && e.time <= r.time && (e.type === 'request' || e.type === 'data' || e.len > 0));
  if (lastVictim) ev.push(evOf(lastVictim, `${sideName(dir ^ 1)} ${victim} sends ${lastVictim.len} bytes`, f.file));
  for (const b of bad.slice(0, 4)) {
    ev.push(evOf(b, `RST "from" ${claimed} with TTL ${b.ttl}${b.ipId >= 0 ? ', IP ID ' + b.ipId : ''} where ${claimed}'s packets carry TTL ${d.ttlMin === d.ttlMax ? d.ttlMin : d.ttlMin + '-' + d.ttlMax}: forged by a device on the path`, f.file));
  }
  const k = NETWORK['middlebox-reset'];
  const confidence = Math.min(0.95, 0.7 + 0.1 * Math.min(Math.abs(diff), 2) + (bad.length === allRsts ? 0.05 : 0));
  ctx.report({
    kind: 'middlebox-reset',
    severity: 'error',
    summary: `RST to ${victim} claiming to come from ${claimed} has TTL ${r.ttl}, but ${claimed}'s own packets arrive with TTL ${expected}: injected by a firewall/IPS/load balancer ${where}${ipIdNote}`,
    flow: flowRef(f),
    time: r.time,
    params: {
      ttl_seen: r.ttl, ttl_expected: expected, ttl_min: d.ttlMin, ttl_max: d.ttlMax, forged_rsts: bad.length,
      claimed_sender: sideName(dir), ...(r.ipId >= 0 ? { ip_id_seen: r.ipId, ip_id_last: d.lastIpId } : {}),
    },
    evidence: capEvidence(tidyEvidence(ev), 8),
    symptoms: k.symptoms,
    advice: k.advice,
    confidence,
    flows: [f.id],
  });
}

function nearest(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
