/**
 * Every limit of issue 9 ends in a clear one-line warning (or, where reading cannot go on,
 * a one-line error naming the offset) through the whole pipeline, never a crash, and the
 * packets around it are still analyzed. Synthetic captures, so each limit is hit exactly.
 */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from './samples.js';
import { pcapFile, shb, idb, epb, type PcapRecord } from '../reader/build.js';
import { cat, eth, ext6, frag6, ipv4, ipv6, tcp } from '../decode/build.js';
import type { AnalysisResult } from '../../src/analyze/result.js';
import type { AnalyzeOptions } from '../../src/analyze/analyze.js';
import { Budget } from '../../src/detect/common/budget.js';
import { defaultMaxFlows } from '../../src/analyze/limits.js';

const T0 = 1_700_000_000;
const rec = (i: number, data: Buffer, extra: Partial<PcapRecord> = {}): PcapRecord => ({ sec: T0 + Math.floor(i / 10), frac: (i % 10) * 100_000, data, ...extra });
/** A SYN from 10.0.0.1:sport to 10.0.0.2:80 in Ethernet. */
const syn = (sport: number, o: { src?: string } = {}) => eth(0x0800, ipv4({ src: o.src }, tcp({ sport, flags: 0x02, seq: sport * 1000 })));
const run = (bytes: Buffer, opts: AnalyzeOptions = {}) => analyzeBytes(bytes, 'lim.pcap', opts);
const warningsOf = (r: AnalysisResult) => [...r.captures[0]!.warnings, ...r.summary.warnings];

function expectOneLine(ws: string[], re: RegExp): string {
  const hits = ws.filter((w) => re.test(w));
  expect(hits, `a warning matching ${re} among ${JSON.stringify(ws)}`).toHaveLength(1);
  expect(hits[0]).not.toMatch(/\n/);
  return hits[0]!;
}

describe('reader limits', () => {
  it('captured length above the snap length: warning, the packet is analyzed', async () => {
    const r = await run(pcapFile(true, 'us', [rec(0, syn(1000)), rec(1, syn(1001))], { snaplen: 40 }));
    expect(r.captures[0]!.error).toBeUndefined();
    expectOneLine(warningsOf(r), /^lim\.pcap: offset 24: record 1: caplen 54 above snaplen 40$/);
    expect(r.summary.tcp_packets).toBe(2);
  });

  it('captured length above 256 KiB: error naming the offset, the packets before it analyzed', async () => {
    const good = [0, 1, 2].map((i) => rec(i, syn(2000 + i)));
    const bytes = pcapFile(true, 'us', [...good, rec(3, syn(2003), { caplen: 300_000 }), rec(4, syn(2004))]);
    const r = await run(bytes);
    const off = 24 + 3 * (16 + syn(0).length);
    expect(r.captures[0]!.error).toBe(`lim.pcap: offset ${off}: corrupt record: caplen 300000 above the maximum 262144 (snaplen 65535)`);
    expect(r.captures[0]!.packets).toBe(3);
    expect(r.summary.flows).toBe(3);
  });

  it('pcapng block length not a multiple of 4, or past the end of the file: error naming the block', async () => {
    const head = cat(shb(true), idb(true, 1));
    const blocks = [0, 1].map((i) => epb(true, 0, BigInt(i), syn(3000 + i)));
    const bad = Buffer.from(epb(true, 0, 2n, syn(3002)));
    bad.writeUInt32LE(bad.length + 2, 4);
    let r = await run(cat(head, ...blocks, bad, epb(true, 0, 3n, syn(3003))));
    const off = head.length + blocks[0]!.length * 2;
    expect(r.captures[0]!.error).toBe(`lim.pcap: offset ${off}: bad block length ${bad.length + 2} (enhanced packet block)`);
    expect(r.captures[0]!.packets).toBe(2);
    expect(r.summary.flows).toBe(2);

    const past = Buffer.from(epb(true, 0, 2n, syn(3002)));
    past.writeUInt32LE(past.length + 4096, 4);
    r = await run(cat(head, ...blocks, past));
    expect(r.captures[0]!.error).toBe(`lim.pcap: offset ${off}: truncated enhanced packet block: ${past.length} of ${past.length + 4096} bytes`);
    expect(r.captures[0]!.packets).toBe(2);
  });

  it('a file cut inside a record: error naming the record, what came before analyzed', async () => {
    const full = pcapFile(true, 'us', [0, 1, 2, 3].map((i) => rec(i, syn(4000 + i))));
    const r = await run(full.subarray(0, full.length - 5));
    expect(r.captures[0]!.error).toMatch(/^lim\.pcap: offset \d+: truncated record: \d+ of \d+ bytes$/);
    expect(r.captures[0]!.packets).toBe(3);
    expect(r.summary.flows).toBe(3);
  });
});

describe('decoder limits', () => {
  const around = (bad: Buffer) => pcapFile(true, 'us', [rec(0, syn(5000)), rec(1, bad), rec(2, syn(5002))]);

  it('IPv4 IHL < 5: warning naming the frame; the other packets analyzed', async () => {
    const r = await run(around(eth(0x0800, ipv4({ ihl: 2 }, tcp({ sport: 5001 })))));
    // frame 2 starts after the 24-byte file header and frame 1 (16-byte record header + the SYN).
    expectOneLine(warningsOf(r), new RegExp(`^lim\\.pcap: frame 2 \\(offset ${24 + 16 + syn(5000).length}\\): IPv4 header length 8 < 20$`));
    expect(r.summary.tcp_packets).toBe(2);
  });

  it('TCP data offset < 5: warning naming the frame', async () => {
    const r = await run(around(eth(0x0800, ipv4({}, tcp({ sport: 5001, doff: 3 })))));
    expectOneLine(warningsOf(r), /^lim\.pcap: frame 2 \(offset \d+\): TCP data offset 3 < 5$/);
    expect(r.summary.tcp_packets).toBe(2);
  });

  it('cut IPv4 and TCP headers: warnings naming the frames', async () => {
    const pkt = eth(0x0800, ipv4({}, tcp({ sport: 5001 })));
    const r = await run(pcapFile(true, 'us', [rec(0, syn(5000)), rec(1, pkt.subarray(0, 14 + 12), { wire: pkt.length }), rec(2, pkt.subarray(0, 14 + 20 + 9), { wire: pkt.length }), rec(3, syn(5003))]));
    expectOneLine(warningsOf(r), /^lim\.pcap: frame 2 \(offset \d+\): IPv4 header cut \(12 of 20 bytes\)$/);
    expectOneLine(warningsOf(r), /^lim\.pcap: frame 3 \(offset \d+\): TCP header cut \(9 of 20 bytes\)$/);
    expect(r.summary.tcp_packets).toBe(2);
  });

  it('IPv6 extension headers running past the packet, or chained without end: warning', async () => {
    const seg = tcp({ sport: 5001 });
    const past = eth(0x86dd, ipv6({ nh: 0 }, cat(ext6(6, 8).fill(0xff, 1, 2), seg))); // hop-by-hop claiming 2 KiB
    const chain = cat(...Array.from({ length: 200 }, () => ext6(60, 8)), seg); // 200 destination-options headers
    const long = eth(0x86dd, ipv6({ nh: 60 }, chain));
    const r = await run(pcapFile(true, 'us', [rec(0, syn(5000)), rec(1, past), rec(2, long), rec(3, syn(5003))]));
    expectOneLine(warningsOf(r), /^lim\.pcap: frame 2 \(offset \d+\): IPv6 extension header 0 \(2048 bytes\) runs past the packet$/);
    expectOneLine(warningsOf(r), /^lim\.pcap: frame 3 \(offset \d+\): IPv6 extension header chain longer than 128$/);
    expect(r.summary.tcp_packets).toBe(2);
  });

  it('overlapping fragments: warning, first copy kept, the datagram still reassembled', async () => {
    const seg = tcp({ sport: 5001, flags: 0x18 }, Buffer.alloc(40, 0x41));
    const f1 = eth(0x0800, ipv4({ id: 7, mf: true }, seg.subarray(0, 32)));
    const f2 = eth(0x0800, ipv4({ id: 7, fragOff: 24 }, seg.subarray(24)));
    const r = await run(pcapFile(true, 'us', [rec(0, f1), rec(1, f2)]));
    expectOneLine(warningsOf(r), /^lim\.pcap: frame 2 \(offset \d+\): IPv4 fragment \(id 7\) at 24\.\.60 overlaps data already held: first copy kept$/);
    expect(r.summary.tcp_packets).toBe(1);
  });

  it('fragments never completed: dropped after 30 s (Linux ipfrag_time), and named at the end of the capture', async () => {
    const first = (id: number) => eth(0x0800, ipv4({ id, mf: true }, tcp({ sport: 5001 }, Buffer.alloc(16))));
    const r = await run(pcapFile(true, 'us', [rec(0, first(1)), rec(1, syn(5000)), { sec: T0 + 31, frac: 0, data: first(2) }, { sec: T0 + 32, frac: 0, data: syn(5002) }]));
    expectOneLine(warningsOf(r), /^lim\.pcap: frame 3 \(offset \d+\): incomplete datagram dropped after 30 s \(1 fragment\(s\)\)$/);
    expectOneLine(warningsOf(r), /^lim\.pcap: 1 IP datagram never completed: fragments missing at the end of the capture, not reassembled$/);
    expect(r.summary.tcp_packets).toBe(2);
  });

  it('reassembly memory is bounded (4 MiB): the oldest incomplete datagrams are dropped with a warning', async () => {
    // 80 datagrams whose only fragment sits at the end of a 64 KiB datagram: ~64 KiB held each.
    const recs = Array.from({ length: 80 }, (_, i) => rec(i, eth(0x0800, ipv4({ id: 100 + i, fragOff: 65000, proto: 17 }, Buffer.alloc(400)))));
    const r = await run(pcapFile(true, 'us', [...recs, rec(80, syn(5000))]));
    const w = warningsOf(r).filter((x) => /fragment reassembly memory over 4194304 bytes: oldest datagram dropped$/.test(x));
    expect(w.length).toBeGreaterThan(0);
    expect(w.length).toBeLessThanOrEqual(11); // rate-limited: 10 and a "suppressed" line
    expect(r.summary.tcp_packets).toBe(1);
  });
});

describe('flood limits', () => {
  const flood = (n: number) => pcapFile(true, 'us', Array.from({ length: n }, (_, i) => rec(i, syn(1024 + (i % 60000), { src: `10.1.${(i >> 8) & 255}.${i & 255}` }))));

  it('open connections above --max-flows: the least recently active are finalized, one warning with the count', async () => {
    const r = await run(flood(600), { maxFlows: 50, maxFlowList: 100 });
    expectOneLine(warningsOf(r), /^lim\.pcap: more than 50 open connections at once: 550 connections were finalized early, least recently active first/);
    expectOneLine(warningsOf(r), /^500 connections not listed in flows \(the list keeps the first 100; the summary counts all of them\)$/);
    expect(r.summary.flows).toBe(600);
    expect(r.flows).toHaveLength(100);
    expect(Object.values(r.summary.states).reduce((a, b) => a + b, 0)).toBe(600);
    expect(r.summary.servers[0]).toMatchObject({ server: '10.0.0.2:80', flows: 600 });
  });

  it('findings per kind are capped, the summary counts them all', async () => {
    // 30 requests each reset by the server before any response: one reset-before-response finding each.
    const recs: PcapRecord[] = [];
    for (let i = 0; i < 30; i++) {
      const sport = 6000 + i, t = i * 10;
      const c = (o: object, p?: Buffer) => eth(0x0800, ipv4({}, tcp({ sport, ...o }, p)));
      const s = (o: object) => eth(0x0800, ipv4({ src: '10.0.0.2', dst: '10.0.0.1' }, tcp({ sport: 80, dport: sport, ...o })));
      recs.push(rec(t, c({ flags: 0x02, seq: 100 })), rec(t + 1, s({ flags: 0x12, seq: 500, ack: 101 })), rec(t + 2, c({ flags: 0x10, seq: 101, ack: 501 })),
        rec(t + 3, c({ flags: 0x18, seq: 101, ack: 501 }, Buffer.from('GET /x HTTP/1.1\r\nHost: a\r\n\r\n'))),
        rec(t + 5, s({ flags: 0x14, seq: 501, ack: 129 })));
    }
    const all = await run(pcapFile(true, 'us', recs));
    const kind = Object.entries(all.summary.findings_by_kind).find(([, n]) => n === 30)?.[0];
    expect(kind, JSON.stringify(all.summary.findings_by_kind)).toBeDefined();
    const r = await run(pcapFile(true, 'us', recs), { maxFindingsPerKind: 5 });
    expect(r.findings.filter((f) => f.kind === kind)).toHaveLength(5);
    expect(r.summary.findings_by_kind[kind!]).toBe(30);
    expectOneLine(warningsOf(r), new RegExp(`^25 more ${kind} findings not listed \\(the first 5 are; summary\\.findings_by_kind counts all 30\\)$`));
  });

  it('detector memory: records past the budget are counted and named in one warning', () => {
    const warned: string[] = [];
    const b = new Budget('syn-unanswered', 3);
    const kept = Array.from({ length: 10 }, () => b.take()).filter(Boolean).length;
    b.finish({ report() {}, warn: (m) => warned.push(m), captures: [] });
    expect(kept).toBe(3);
    expect(warned).toEqual(['syn-unanswered: 7 candidate connections after the first 3 were not examined (memory bound against floods); its counts are lower bounds']);
  });

  it('the default open-connection cap follows the heap limit', () => {
    expect(defaultMaxFlows(4096 * 2 ** 20)).toBe(250_000);
    expect(defaultMaxFlows(300 * 2 ** 20)).toBeLessThan(25_000);
    expect(defaultMaxFlows(300 * 2 ** 20)).toBeGreaterThan(15_000);
    expect(defaultMaxFlows(16 * 2 ** 20)).toBe(10_000);
  });
});
