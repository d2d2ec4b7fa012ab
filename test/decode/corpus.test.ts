/**
 * Integration: decode every capture of ../shared/corpus with the project's reader
 * (src/reader/read.ts) and compare the decoder's counters with tshark's oracle
 * (`<capture>.oracle.json`): fragment frames, ICMP frag-needed / ICMPv6 too-big,
 * IPv4 / IPv6 frames, and TCP frames (tshark counts a TCP segment carried in IP
 * fragments once, in the frame completing reassembly, as the decoder does).
 *
 * Deliberate disagreements are listed in EXPECTED_DIFFS with the reason.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Decoder } from '../../src/decode/decoder.js';
import { L4, formatEndpoint, newPacket } from '../../src/decode/packet.js';
import { P_TCP_DOFF, P_TCP_DOFF_PAST } from '../../src/decode/problems.js';
import { readCapture } from '../../src/reader/read.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = resolve(REPO, '../shared/corpus');

interface OracleCounts {
  packets: number;
  tshark: { exit_code: number };
  protocols: { ipv4_packets: number; ipv6_packets: number; udp_packets: number; icmp_packets: number; icmpv6_packets: number };
  tcp: { packets: number };
  streams: { a: { addr: string; port: number | null }; b: { addr: string; port: number | null }; ip_version: number; packets: number }[];
  mtu: {
    ipv4_fragment_packets: number; ipv6_fraghdr_packets: number; icmp_frag_needed: number; icmpv6_too_big: number;
    icmp_frag_needed_mtus: (number | null)[]; icmpv6_too_big_mtus: (number | null)[];
  };
}

type Key = 'frames' | 'ipv4Fragments' | 'ipv6FragmentHeaders' | 'icmpFragNeeded' | 'icmpv6TooBig' | 'ipv4' | 'ipv6' | 'tcp'
  | 'udp' | 'icmp' | 'icmpv6';

/** file -> counter -> [ours, tshark's, reason]: deliberate disagreements. */
const SFLOW = 'frames 87 and 116 are sFlow datagrams (UDP 6343) whose flow samples hold copies of other '
  + "hosts' packet headers; tshark dissects the first sampled header (TCP in 87 and 116, ICMP in 87), the "
  + 'decoder does not take sampled headers for traffic of this capture';
const EXPECTED_DIFFS: Record<string, Partial<Record<Key, [number, number, string]>>> = {
  'suricata__filestore-5408.pcap': { tcp: [125, 127, SFLOW], icmp: [6, 7, SFLOW] },
  'suricata__ipv6-malformed-fragments-15__frag-15.pcap': {
    icmpv6: [10, 11, 'frames 6-59 are the fragments of a 65543-byte ICMPv6 datagram ("ping of death"): the decoder '
      + 'drops datagrams over 65535 bytes (as Linux does), tshark reassembles it in frame 59'],
  },
  'zeek__ipv6-reassembly-state-leak.pcap': {
    udp: [0, 2, 'fragments are 1 s apart and each datagram spans 45 s: the decoder expires incomplete datagrams '
      + '30 s (capture time, Linux ipfrag_time) after their first fragment, tshark never does, so it reassembles '
      + 'two UDP datagrams (frames 46 and 92)'],
  },
};

interface Result {
  counts: Record<Key, number>;
  /** TCP frames per connection ("endpoint endpoint", sorted), innermost IP header. */
  conns: Map<string, number>;
  mtus: number[];
  readError?: string;
}

async function decodeFile(path: string): Promise<Result> {
  const dec = new Decoder();
  const pkt = newPacket();
  const mtus: number[] = [];
  const conns = new Map<string, number>();
  const info = await readCapture(path, path, (frame) => {
    dec.decode(frame, pkt);
    // tshark gives a stream to a TCP header with a bad data offset (not to a cut one);
    // the decoder reports it as l4 None with the problem, ports set.
    if (pkt.l4 === L4.TCP || pkt.problem === P_TCP_DOFF || pkt.problem === P_TCP_DOFF_PAST) {
      const k = [formatEndpoint(pkt.ipVersion, pkt.src, pkt.srcPort), formatEndpoint(pkt.ipVersion, pkt.dst, pkt.dstPort)].sort().join(' ');
      conns.set(k, (conns.get(k) ?? 0) + 1);
    }
    if ((pkt.l4 === 1 && pkt.icmpType === 3 && pkt.icmpCode === 4) || (pkt.l4 === 58 && pkt.icmpType === 2)) mtus.push(pkt.icmpMtu);
  });
  dec.drainWarnings();
  const st = dec.stats;
  expect(st.internalErrors).toBe(0);
  return {
    counts: {
      frames: st.frames, ipv4Fragments: st.ipv4Fragments, ipv6FragmentHeaders: st.ipv6FragmentHeaders,
      icmpFragNeeded: st.icmpFragNeeded, icmpv6TooBig: st.icmpv6TooBig, ipv4: st.ipv4, ipv6: st.ipv6,
      // tshark lists a cut or invalid TCP header as tcp too; the decoder reports it as l4 None.
      tcp: st.tcp + st.tcpMalformed,
      udp: st.udp, icmp: st.icmp, icmpv6: st.icmpv6,
    },
    mtus,
    conns,
    readError: info.error,
  };
}

function endpoint(v: number, addr: string, port: number | null): string {
  return v === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function oracleCounts(o: OracleCounts): Record<Key, number> {
  return {
    frames: o.packets,
    ipv4Fragments: o.mtu.ipv4_fragment_packets,
    ipv6FragmentHeaders: o.mtu.ipv6_fraghdr_packets,
    icmpFragNeeded: o.mtu.icmp_frag_needed,
    icmpv6TooBig: o.mtu.icmpv6_too_big,
    ipv4: o.protocols.ipv4_packets,
    ipv6: o.protocols.ipv6_packets,
    tcp: o.tcp.packets,
    udp: o.protocols.udp_packets,
    icmp: o.protocols.icmp_packets,
    icmpv6: o.protocols.icmpv6_packets,
  };
}

const files = existsSync(CORPUS)
  ? readdirSync(CORPUS).filter((f) => existsSync(join(CORPUS, f + '.oracle.json'))).sort()
  : [];

describe('decoder counts agree with the tshark oracles on the shared corpus', () => {
  it('finds the corpus', () => {
    expect(existsSync(CORPUS), `corpus expected at ${CORPUS}`).toBe(true);
    expect(files.length).toBeGreaterThan(50);
  });

  const diffs: string[] = [];
  afterAll(() => {
    if (diffs.length > 0) console.log(`unexpected differences from tshark:\n${diffs.join('\n')}`);
  });
  for (const f of files) {
    it(f, async () => {
      const o = JSON.parse(readFileSync(join(CORPUS, f + '.oracle.json'), 'utf8')) as OracleCounts;
      const r = await decodeFile(join(CORPUS, f));
      const want = oracleCounts(o);
      const expected = EXPECTED_DIFFS[f] ?? {};
      const got: Record<string, number> = {};
      const exp: Record<string, number> = {};
      for (const k of Object.keys(want) as Key[]) {
        // tshark stops at a read error; the reader may deliver a different number of frames then.
        if (k === 'frames' && o.tshark.exit_code !== 0) continue;
        const e = expected[k];
        got[k] = r.counts[k];
        exp[k] = e ? e[0] : want[k];
        if (e) expect(want[k], `${f}: oracle ${k} changed (listed as ${e[1]})`).toBe(e[1]);
        if (r.counts[k] !== exp[k]) diffs.push(`${f}: ${k} ours ${r.counts[k]} tshark ${want[k]}`);
      }
      expect(got).toEqual(exp);
      // TCP frames per connection (tshark's streams merged by 4-tuple: it starts a new
      // stream when a 4-tuple is reused).
      if (!expected.tcp) {
        const want = new Map<string, number>();
        for (const st of o.streams) {
          const k = [endpoint(st.ip_version, st.a.addr, st.a.port), endpoint(st.ip_version, st.b.addr, st.b.port)].sort().join(' ');
          want.set(k, (want.get(k) ?? 0) + st.packets);
        }
        expect(Object.fromEntries([...r.conns].sort()), `${f}: TCP frames per connection`).toEqual(Object.fromEntries([...want].sort()));
      }
      // The MTUs reported by frag-needed / too-big messages, in frame order.
      const wantMtus = [...o.mtu.icmp_frag_needed_mtus, ...o.mtu.icmpv6_too_big_mtus].filter((m) => m !== null);
      if (!expected.icmpFragNeeded && !expected.icmpv6TooBig) expect([...r.mtus].sort()).toEqual([...wantMtus].sort());
    });
  }
});
