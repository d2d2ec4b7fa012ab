/**
 * icmp-frag-needed: ICMP "fragmentation needed and DF set" (type 3 code 4, RFC 1191) and
 * ICMPv6 "packet too big" (type 2, RFC 8201), matched by the header they quote to the
 * connection they concern (IcmpErrorEvent.flowId; UDP or untracked quotes are grouped by
 * the quoted endpoints). One finding per connection with every message as evidence and
 * `icmp_messages` counting them; `path_mtu` is the smallest next-hop MTU announced (0 means
 * an old router that did not say, RFC 1191 §5). Info when the sender adapted (later
 * segments fit the MTU, the connection did not end in RST), warning otherwise.
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext, IcmpErrorEvent } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { addrOf, capEvidence, evAt, plural } from './common/net-util.js';
import { maxOf, minOf } from '../util/extremes.js';
import { Budget } from './common/budget.js';

interface Group {
  flowId: number;
  msgs: IcmpErrorEvent[];
  flow?: { client: string; server: string; rst: boolean; id: number };
}

export function isTooBig(ev: IcmpErrorEvent): boolean {
  return ev.ipVersion === 4 ? ev.icmpType === 3 && ev.icmpCode === 4 : ev.icmpType === 2;
}

export function icmpFragNeeded(): Detector {
  const groups = new Map<string, Group>();
  const byFlow = new Map<number, Group>();
  const budget = new Budget('icmp-frag-needed');
  return {
    kinds: ['icmp-frag-needed'],
    onIcmpError(ev) {
      if (!isTooBig(ev) || !budget.take()) return;
      const key = ev.flowId >= 0 ? `f${ev.flowId}` : `${ev.quotedProto}|${ev.quotedSrc}|${ev.quotedDst}`;
      let g = groups.get(key);
      if (!g) {
        groups.set(key, (g = { flowId: ev.flowId, msgs: [] }));
        if (ev.flowId >= 0) byFlow.set(ev.flowId, g);
      }
      g.msgs.push(ev);
    },
    onFlowEnd(f: Flow) {
      const g = byFlow.get(f.id);
      if (!g) return;
      g.flow = { client: f.client, server: f.server, rst: f.dirs[0].rst + f.dirs[1].rst > 0, id: f.id };
    },
    finish(ctx: DetectorContext) {
      for (const g of groups.values()) report(ctx, g);
      budget.finish(ctx);
    },
  };
}

function report(ctx: DetectorContext, g: Group): void {
  const m0 = g.msgs[0]!;
  const mtus = g.msgs.map((m) => m.mtu).filter((x) => x > 0);
  const pathMtu = mtus.length ? minOf(mtus) : 0;
  const what = m0.ipVersion === 4 ? 'ICMP fragmentation-needed' : 'ICMPv6 packet-too-big';
  const routers = [...new Set(g.msgs.map((m) => m.from))];
  const biggest = maxOf(g.msgs, (m) => m.quotedLen);
  const client = g.flow?.client ?? m0.quotedSrc;
  const server = g.flow?.server ?? m0.quotedDst;
  const sender = m0.quotedSrc;
  const evidence: Evidence[] = g.msgs.map((m) =>
    evAt(m.packet, m.time, `${what} from ${m.from}: next-hop MTU ${m.mtu > 0 ? m.mtu : 'not given'}, quoting a ${m.quotedLen}-byte datagram ${m.quotedSrc} → ${m.quotedDst}`, m.file));
  const adapted = g.flow ? !g.flow.rst : true;
  const proto = m0.quotedProto === 6 ? 'TCP' : m0.quotedProto === 17 ? 'UDP' : `protocol ${m0.quotedProto}`;
  const k = NETWORK['icmp-frag-needed'];
  ctx.report({
    kind: 'icmp-frag-needed',
    severity: adapted ? 'info' : 'warning',
    summary: `${plural(g.msgs.length, what + ' message')} from ${routers.join(', ')}: path MTU ${pathMtu > 0 ? pathMtu : 'not given'} toward ${addrOf(m0.quotedDst)}, ${sender} sent ${proto} datagrams of up to ${biggest} bytes${adapted ? '; the sender lowered its packet size' : '; the connection still ended in RST'}`,
    flow: { client, server, ...(g.flowId >= 0 ? { id: g.flowId } : {}) },
    time: m0.time,
    params: {
      path_mtu: pathMtu, icmp_messages: g.msgs.length, quoted_datagram: biggest, from: routers.join(','),
      ip_version: m0.ipVersion,
    },
    evidence: capEvidence(evidence, 20),
    symptoms: adapted ? k.symptoms : NETWORK['pmtu-blackhole'].symptoms,
    advice: pathMtu > 0 ? `The path toward ${addrOf(m0.quotedDst)} has MTU ${pathMtu} (TCP MSS ${pathMtu - (m0.ipVersion === 4 ? 40 : 60)}). ` + k.advice : k.advice,
    confidence: 0.95,
    ...(g.flowId >= 0 ? { flows: [g.flowId] } : {}),
  });
}
