/**
 * ip-fragmentation: IPv4 (RFC 791) or IPv6 (RFC 8200 §4.5) datagrams that arrived in
 * fragments and were reassembled, grouped per TCP connection (or per source, destination
 * and protocol for UDP and other traffic). `fragments` counts the fragment frames of the
 * reassembled datagrams (fragments of datagrams that never completed are not events and are
 * not counted here), `largest_datagram` the largest reassembled size (IP header included).
 * Fragmentation works but is fragile (RFC 8900): warning for TCP (a sender without DF or a
 * tunnel), info for UDP (large DNS answers and the like).
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext, FragmentedDatagramEvent } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { capEvidence, evAt, plural } from './common/net-util.js';
import { Budget } from './common/budget.js';

interface Group {
  flowId: number;
  src: string;
  dst: string;
  proto: number;
  ipVersion: number;
  datagrams: number;
  fragments: number;
  largest: number;
  evidence: Evidence[];
  first: number;
  /** The TCP connection's endpoints, once it ended. */
  client?: string;
  server?: string;
}

const PROTO: Record<number, string> = { 6: 'TCP', 17: 'UDP', 1: 'ICMP', 58: 'ICMPv6', 47: 'GRE', 50: 'ESP' };

export function ipFragmentation(): Detector {
  const groups = new Map<string, Group>();
  const budget = new Budget('ip-fragmentation');
  return {
    kinds: ['ip-fragmentation'],
    onFragmentedDatagram(ev: FragmentedDatagramEvent) {
      const key = ev.flowId >= 0 ? `f${ev.flowId}` : `${ev.ipVersion}|${ev.proto}|${ev.src}|${ev.dst}`;
      let g = groups.get(key);
      if (!g) {
        if (!budget.take()) return;
        groups.set(key, (g = { flowId: ev.flowId, src: ev.src, dst: ev.dst, proto: ev.proto, ipVersion: ev.ipVersion, datagrams: 0, fragments: 0, largest: 0, evidence: [], first: ev.time }));
      }
      g.datagrams++;
      g.fragments += ev.fragments;
      if (ev.size > g.largest) g.largest = ev.size;
      if (g.evidence.length < 12) {
        g.evidence.push(evAt(ev.packet, ev.time, `last of ${ev.fragments} IPv${ev.ipVersion} fragments ${ev.src} → ${ev.dst}: reassembled ${ev.size}-byte ${PROTO[ev.proto] ?? 'protocol ' + ev.proto} datagram`, ev.file));
      }
    },
    onFlowEnd(f: Flow) {
      if (groups.size === 0) return; // (no key string built per connection when nothing was fragmented)
      const g = groups.get(`f${f.id}`);
      if (g) { g.client = f.client; g.server = f.server; }
    },
    finish(ctx: DetectorContext) {
      for (const g of groups.values()) report(ctx, g);
      budget.finish(ctx);
    },
  };
}

function report(ctx: DetectorContext, g: Group): void {
  const proto = PROTO[g.proto] ?? `protocol ${g.proto}`;
  const k = NETWORK['ip-fragmentation'];
  ctx.report({
    kind: 'ip-fragmentation',
    severity: g.proto === 6 ? 'warning' : 'info',
    summary: `${plural(g.datagrams, proto + ' datagram')} from ${g.src} to ${g.dst} arrived in ${g.fragments} IPv${g.ipVersion} fragments (largest datagram ${g.largest} bytes): the path MTU is smaller and ${g.proto === 6 ? 'the sender does not set DF' : 'the datagrams exceed it'}`,
    flow: { client: g.client ?? g.src, server: g.server ?? g.dst, ...(g.flowId >= 0 ? { id: g.flowId } : {}) },
    time: g.first,
    params: { fragments: g.fragments, largest_datagram: g.largest, datagrams: g.datagrams, protocol: proto, ip_version: g.ipVersion },
    evidence: capEvidence(g.evidence, 12),
    symptoms: k.symptoms,
    advice: k.advice,
    confidence: 1,
    ...(g.flowId >= 0 ? { flows: [g.flowId] } : {}),
  });
}
