/**
 * The network detectors against tshark on every capture of ../shared/corpus:
 *  - ICMP too-big: the icmp-frag-needed findings count (params.icmp_messages) exactly the
 *    ICMP frag-needed + ICMPv6 packet-too-big frames tshark sees, and each TCP-quoted message
 *    is attached to the connection tshark assigns the quoted header to;
 *  - IP fragments: the ip-fragmentation findings count (params.fragments) the fragment frames of
 *    datagrams that were reassembled. tshark's `mtu.*fragment*` counts every frame with a
 *    fragment header, so we never count more, and count exactly as many except where a fragment
 *    never completes a datagram (listed in PARTIAL with the reason);
 *  - no pmtu-blackhole on a connection without retransmissions;
 *  - no middlebox-reset where the RST's TTL matches its sender's other packets.
 */
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.js';
import type { AnalysisResult } from '../../src/analyze/result.js';
import { corpusFiles, oracleFor, type Oracle } from '../helpers/oracle.js';

/**
 * Captures whose fragment frames tshark counts but that complete no datagram (or whose
 * fragment header is not a fragment in the sense of reassembly), with the reason.
 */
const PARTIAL: Record<string, string> = {
  'pcpp__ip4_fragments.pcap': '2 fragments of a datagram whose other fragments are missing: never reassembled',
  'pcpp__ip4_bad_fragment.pcap': 'a lone bad fragment: nothing to reassemble',
  'ndpi__fuzz-2006-09-29-28586.pcap': 'fuzzed fragments that do not complete a datagram',
  'libpcap__filter__ipv6_ext_headers.pcap': 'an atomic IPv6 fragment (offset 0, M=0) is decoded straight through, not reassembled',
  'zeek__ipv6-http-atomic-frag.pcap': 'atomic IPv6 fragments (offset 0, M=0) are decoded straight through, not reassembled',
  'suricata__tcp-session-ipv6-decode-malformed.pcap': 'a malformed IPv6 fragment header',
  'suricata__ipv6-malformed-fragments-15__frag-15.pcap': 'malformed/overlapping IPv6 fragments (a reassembly attack test): not reassembled',
  'suricata__ipv6-malformed-fragments-22__frag-22.pcap': 'malformed IPv6 fragments (a reassembly attack test): not reassembled',
  'zeek__ipv6-reassembly-state-leak.pcap': 'fragments of datagrams that never complete (a state-leak test)',
  'zeek__trunc__mpls-6in6-broken.pcap.gz': 'fragments in a truncated tunnel: not reassembled',
};

interface Run { file: string; oracle: Oracle; result: AnalysisResult | null; error?: string }

const runs: Run[] = [];

beforeAll(async () => {
  for (const path of corpusFiles()) {
    const oracle = oracleFor(path);
    try {
      runs.push({ file: basename(path), oracle, result: await analyze([{ path }]) });
    } catch (e) {
      runs.push({ file: basename(path), oracle, result: null, error: String(e) });
    }
  }
}, 300_000);

const num = (x: unknown): number => (typeof x === 'number' ? x : 0);

describe('network detectors on the public corpus', () => {
  it('analyzes every capture without throwing', () => {
    expect(runs.filter((r) => !r.result).map((r) => `${r.file}: ${r.error}`)).toEqual([]);
  });

  it('counts exactly the ICMP frag-needed / packet-too-big messages tshark sees', () => {
    const bad: string[] = [];
    let total = 0;
    for (const r of runs) {
      if (!r.result) continue;
      const want = num(r.oracle.mtu['icmp_frag_needed']) + num(r.oracle.mtu['icmpv6_too_big']);
      const got = r.result.findings.filter((f) => f.kind === 'icmp-frag-needed').reduce((n, f) => n + num(f.params['icmp_messages']), 0);
      const evidence = r.result.findings.filter((f) => f.kind === 'icmp-frag-needed').reduce((n, f) => n + f.evidence.length, 0);
      total += want;
      if (got !== want) bad.push(`${r.file}: ${got} vs tshark ${want}`);
      if (got <= 20 && evidence !== got) bad.push(`${r.file}: ${evidence} evidence packets for ${got} messages`);
    }
    expect(bad).toEqual([]);
    expect(total).toBeGreaterThan(0);
  });

  it('attaches each TCP-quoted ICMP message to the connection tshark assigns it to', () => {
    const bad: string[] = [];
    for (const r of runs) {
      if (!r.result) continue;
      const quoted = (r.oracle.mtu['icmp_quoted_flows'] ?? []) as Array<Record<string, string | number>>;
      const findings = r.result.findings.filter((f) => f.kind === 'icmp-frag-needed');
      for (const q of quoted) {
        if (q['quoted_proto'] !== 'tcp' || q['quoted_tcp_stream'] === undefined) continue;
        const frame = Number(q['frame']);
        const f = findings.find((x) => x.evidence.some((e) => e.packet === frame));
        if (!f) { bad.push(`${r.file}: ICMP frame ${frame} in no finding`); continue; }
        const v6 = String(q['quoted_src']).includes(':');
        const ep = (a: unknown, p: unknown) => (v6 ? `[${a}]:${p}` : `${a}:${p}`);
        const pair = [ep(q['quoted_src'], q['quoted_sport']), ep(q['quoted_dst'], q['quoted_dport'])].sort().join(' ');
        if ([f.flow.client, f.flow.server].sort().join(' ') !== pair) bad.push(`${r.file}: ICMP frame ${frame} attached to ${f.flow.client} ${f.flow.server}, quotes ${pair}`);
        const summary = r.result.flows.find((x) => x.id === f.flow.id);
        if (!summary || [summary.client, summary.server].sort().join(' ') !== pair) bad.push(`${r.file}: ICMP frame ${frame}: flow id ${f.flow.id} is not the quoted connection`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('counts the fragment frames of reassembled datagrams like tshark', () => {
    const bad: string[] = [];
    let agreeing = 0;
    for (const r of runs) {
      if (!r.result) continue;
      const want = num(r.oracle.mtu['ipv4_fragment_packets']) + num(r.oracle.mtu['ipv6_fraghdr_packets']);
      const fs = r.result.findings.filter((f) => f.kind === 'ip-fragmentation');
      const got = fs.reduce((n, f) => n + num(f.params['fragments']), 0);
      if (got > want) bad.push(`${r.file}: ${got} fragments, more than tshark's ${want}`);
      else if (got !== want && !PARTIAL[r.file]) bad.push(`${r.file}: ${got} vs tshark ${want} (not a documented difference)`);
      else if (got === want && PARTIAL[r.file]) bad.push(`${r.file}: now agrees with tshark (${got}): remove it from PARTIAL`);
      if (got === want && want > 0) agreeing++;
      for (const f of fs) if (!(num(f.params['largest_datagram']) > 0)) bad.push(`${r.file}: ip-fragmentation without largest_datagram`);
    }
    expect(bad).toEqual([]);
    expect(agreeing).toBeGreaterThanOrEqual(10);
  });

  it('never reports pmtu-blackhole on a connection without retransmissions', () => {
    const bad: string[] = [];
    for (const r of runs) {
      if (!r.result) continue;
      for (const f of r.result.findings.filter((x) => x.kind === 'pmtu-blackhole')) {
        const fl = r.result.flows.find((x) => x.id === f.flow.id);
        if (!fl || fl.retransmissions === 0) bad.push(`${r.file}: ${f.summary}`);
        const stream = r.oracle.streams.find((s) => fl && s.first_frame === fl.first_packet);
        if (stream && stream.retransmissions === 0) bad.push(`${r.file}: tshark sees no retransmission on ${f.flow.client} ${f.flow.server}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('never reports middlebox-reset when the RST has its sender\'s TTL', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const r of runs) {
      if (!r.result) continue;
      for (const f of r.result.findings.filter((x) => x.kind === 'middlebox-reset')) {
        const flow = r.result.timelines.get(f.flow.id!);
        if (!flow) { bad.push(`${r.file}: no connection model kept for ${f.summary}`); continue; }
        const side = f.params['claimed_sender'] === 'client' ? 0 : 1;
        const ttls = new Set(flow.events.filter((e) => e.dir === side && e.type !== 'rst').map((e) => e.ttl));
        const d = flow.dirs[side];
        const seen = num(f.params['ttl_seen']);
        if (ttls.has(seen) || (seen >= d.ttlMin && seen <= d.ttlMax)) bad.push(`${r.file}: ${f.summary}`);
        const rstPackets = f.evidence.filter((e) => /RST/.test(e.note)).map((e) => e.packet);
        const rsts = flow.events.filter((e) => e.type === 'rst' && rstPackets.includes(e.packet));
        if (!rsts.length || rsts.some((e) => e.ttl !== seen && e.ttl >= d.ttlMin && e.ttl <= d.ttlMax)) bad.push(`${r.file}: evidence RSTs do not carry the foreign TTL`);
        checked++;
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(1); // zeek's rst-inject-rae.pcap
  });

  it('cites real packets of the capture in every network finding', () => {
    const kinds = new Set(['connection-refused', 'syn-unanswered', 'accept-queue-overflow', 'port-reuse', 'middlebox-reset',
      'retransmission-loss', 'zero-window', 'pmtu-blackhole', 'icmp-frag-needed', 'ip-fragmentation']);
    const bad: string[] = [];
    for (const r of runs) {
      if (!r.result) continue;
      const n = r.result.captures[0]?.packets ?? 0;
      for (const f of r.result.findings.filter((x) => kinds.has(x.kind))) {
        if (!f.evidence.length) bad.push(`${r.file}: ${f.kind} without evidence`);
        for (const e of f.evidence) if (!(e.packet >= 1 && e.packet <= n)) bad.push(`${r.file}: ${f.kind} cites packet ${e.packet} of ${n}`);
        if (!f.symptoms.length || !f.advice) bad.push(`${r.file}: ${f.kind} without symptoms/advice`);
      }
    }
    expect(bad).toEqual([]);
  });
});
