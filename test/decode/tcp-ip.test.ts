import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/decode/decoder.js';
import { ACK, L4, PSH, SYN, newPacket, type Packet } from '../../src/decode/packet.js';
import {
  P_IPV4_IHL, P_IPV6_EXT_CUT, P_IPV6_EXT_PAST, P_TCP_CUT, P_TCP_DOFF, P_TCP_OPTS_CUT,
} from '../../src/decode/problems.js';
import { cat, eth, ext6, frame, ip4, ip6words, ipv4, ipv6, tcp, u16, u32 } from './build.js';

const ETH = 1;

function decode(f: ReturnType<typeof frame>, dec = new Decoder()): Packet {
  const pkt = newPacket();
  dec.decode(f, pkt);
  return pkt;
}

const OPTS = cat(
  [2, 4], u16(1460), // MSS
  [1], // NOP
  [3, 3, 7], // window scale 7
  [4, 2], // SACK permitted
  [8, 10], u32(0xdeadbeef), u32(0x01020304), // timestamps (20 bytes in all)
);

describe('Ethernet + IPv4 + TCP', () => {
  it('decodes every field of a segment with options', () => {
    const payload = Buffer.from('hello world');
    const bytes = eth(0x0800, ipv4({ src: '192.168.1.10', dst: '10.1.2.3', ttl: 57, id: 0xbeef, df: true },
      tcp({ sport: 51000, dport: 443, seq: 0xfffffff0, ack: 0x80000001, flags: SYN | ACK, win: 29200, options: OPTS }, payload)));
    const f = frame(ETH, bytes, { number: 17, time: 1234.5, direction: 2 });
    const dec = new Decoder();
    const p = decode(f, dec);
    expect(p.number).toBe(17);
    expect(p.time).toBe(1234.5);
    expect(p.tsSec).toBe(1234);
    expect(p.tsNsec).toBe(500_000_000);
    expect(p.capLen).toBe(bytes.length);
    expect(p.wireLen).toBe(bytes.length);
    expect(p.linkType).toBe(ETH);
    expect(p.direction).toBe(2); // pcapng direction kept
    expect(p.ipVersion).toBe(4);
    expect([...p.src]).toEqual([ip4('192.168.1.10'), 0, 0, 0]);
    expect([...p.dst]).toEqual([ip4('10.1.2.3'), 0, 0, 0]);
    expect(p.ttl).toBe(57);
    expect(p.ipId).toBe(0xbeef);
    expect(p.df).toBe(true);
    expect(p.ipTotalLen).toBe(20 + 20 + OPTS.length + payload.length);
    expect(p.ipHeaderLen).toBe(20);
    expect(p.proto).toBe(6);
    expect(p.isFragment).toBe(false);
    expect(p.reassembled).toBe(false);
    expect(p.tunnelDepth).toBe(0);
    expect(p.l4).toBe(L4.TCP);
    expect(p.srcPort).toBe(51000);
    expect(p.dstPort).toBe(443);
    expect(p.seq).toBe(0xfffffff0);
    expect(p.ack).toBe(0x80000001);
    expect(p.flags).toBe(SYN | ACK);
    expect(p.window).toBe(29200);
    expect(p.tcpHeaderLen).toBe(20 + OPTS.length);
    expect(p.payloadLen).toBe(payload.length);
    expect(p.payloadCaptured).toBe(payload.length);
    expect(p.l4Buf).toBe(f.buf);
    expect(p.l4Buf.subarray(p.payloadOff, p.payloadOff + p.payloadLen).toString()).toBe('hello world');
    expect(p.optMss).toBe(1460);
    expect(p.optWscale).toBe(7);
    expect(p.optSackPerm).toBe(true);
    expect(p.optTsVal).toBe(0xdeadbeef);
    expect(p.optTsEcr).toBe(0x01020304);
    expect(p.truncated).toBe(false);
    expect(p.icmpType).toBe(-1);
    expect(p.icmpMtu).toBe(-1);
    expect(p.quoted.ipVersion).toBe(0);
    expect(p.problem).toBe('');
    expect(dec.stats).toMatchObject({ frames: 1, ipv4: 1, tcp: 1, problems: 0, undecodable: 0 });
    expect(dec.drainWarnings()).toEqual([]);
  });

  it('resets every field between frames (one Packet reused)', () => {
    const dec = new Decoder();
    const pkt = newPacket();
    dec.decode(frame(ETH, eth(0x0800, ipv4({}, tcp({ options: OPTS }, Buffer.from('xyz'))))), pkt);
    expect(pkt.optMss).toBe(1460);
    dec.decode(frame(ETH, eth(0x0806, Buffer.alloc(28)), { number: 2 }), pkt); // ARP
    const fresh = newPacket();
    dec.decode(frame(ETH, eth(0x0806, Buffer.alloc(28)), { number: 2 }), fresh);
    const strip = (p: Packet) => ({ ...p, l4Buf: null, src: [...p.src], dst: [...p.dst], quoted: { ...p.quoted, src: [...p.quoted.src], dst: [...p.quoted.dst] } });
    expect(strip(pkt)).toEqual(strip(fresh));
    expect(pkt.ipVersion).toBe(0);
    expect(pkt.l4).toBe(L4.None);
    expect(dec.stats.undecodable).toBe(2);
  });

  it('does not count Ethernet padding as payload', () => {
    // A bare ACK: 54 bytes padded to the 60-byte Ethernet minimum.
    const bytes = cat(eth(0x0800, ipv4({}, tcp({ flags: ACK }))), Buffer.alloc(6, 0xaa));
    expect(bytes.length).toBe(60);
    const p = decode(frame(ETH, bytes));
    expect(p.l4).toBe(L4.TCP);
    expect(p.payloadLen).toBe(0);
    expect(p.payloadCaptured).toBe(0);
    expect(p.truncated).toBe(false);
  });

  it('reports a snap-length cut: payloadLen from IP, payloadCaptured from the capture', () => {
    const full = eth(0x0800, ipv4({}, tcp({ flags: PSH | ACK }, Buffer.alloc(1000, 0x41))));
    const cut = full.subarray(0, 14 + 20 + 20 + 100);
    const p = decode(frame(ETH, cut, { wireLen: full.length }));
    expect(p.l4).toBe(L4.TCP);
    expect(p.payloadLen).toBe(1000);
    expect(p.payloadCaptured).toBe(100);
    expect(p.truncated).toBe(true);
    expect(p.problem).toBe('');
  });

  it('skips IPv4 options', () => {
    const opts = cat([0x94, 4, 0, 0], [1, 1, 1, 0]); // router alert, NOPs, EOL
    const p = decode(frame(ETH, eth(0x0800, ipv4({ options: opts }, tcp({ sport: 7, dport: 9 }, Buffer.from('ab'))))));
    expect(p.ipHeaderLen).toBe(28);
    expect(p.l4).toBe(L4.TCP);
    expect(p.srcPort).toBe(7);
    expect(p.dstPort).toBe(9);
    expect(p.payloadLen).toBe(2);
  });

  it('IHL < 5 is a problem, with a warning naming the frame', () => {
    const dec = new Decoder();
    const p = decode(frame(ETH, eth(0x0800, ipv4({ ihl: 3 }, tcp({}))), { number: 17, recordOffset: 4242 }), dec);
    expect(p.problem).toBe(P_IPV4_IHL);
    expect(p.l4).toBe(L4.None);
    expect(dec.drainWarnings()).toEqual(['frame 17 (offset 4242): IPv4 header length 12 < 20']);
    expect(dec.stats.problems).toBe(1);
  });

  it('TCP data offset < 5 is a problem and not TCP', () => {
    const dec = new Decoder();
    const p = decode(frame(ETH, eth(0x0800, ipv4({}, tcp({ doff: 3 }, Buffer.alloc(20))))), dec);
    expect(p.problem).toBe(P_TCP_DOFF);
    expect(p.l4).toBe(L4.None);
    expect(p.proto).toBe(6);
    expect(dec.stats.tcp).toBe(0);
    expect(dec.stats.tcpMalformed).toBe(1);
  });

  it('a cut TCP header is a problem and not TCP', () => {
    const full = eth(0x0800, ipv4({}, tcp({ sport: 1234, dport: 80 })));
    const p = decode(frame(ETH, full.subarray(0, 14 + 20 + 12), { wireLen: full.length }));
    expect(p.problem).toBe(P_TCP_CUT);
    expect(p.l4).toBe(L4.None);
    expect(p.truncated).toBe(true);
    expect(p.srcPort).toBe(1234); // what was captured
  });

  it('TCP options cut by the snap length: still TCP, truncated, options as far as captured', () => {
    const full = eth(0x0800, ipv4({}, tcp({ options: OPTS })));
    const p = decode(frame(ETH, full.subarray(0, 14 + 20 + 20 + 5), { wireLen: full.length }));
    expect(p.l4).toBe(L4.TCP);
    expect(p.problem).toBe(P_TCP_OPTS_CUT);
    expect(p.truncated).toBe(true);
    expect(p.optMss).toBe(1460);
    expect(p.optWscale).toBe(-1);
  });

  it('a bad TCP option length stops the walk without failing the packet', () => {
    const opts = cat([2, 4], u16(1400), [3, 0, 7, 0]); // window scale with length 0
    const p = decode(frame(ETH, eth(0x0800, ipv4({}, tcp({ options: opts })))));
    expect(p.l4).toBe(L4.TCP);
    expect(p.problem).toBe('');
    expect(p.optMss).toBe(1400);
    expect(p.optWscale).toBe(-1);
  });

  it('IPv4 total length 0 (TSO / BIG TCP): the frame length is used', () => {
    const seg = tcp({ flags: ACK }, Buffer.alloc(3000, 1));
    const p = decode(frame(ETH, eth(0x0800, ipv4({ totalLen: 0 }, seg))));
    expect(p.l4).toBe(L4.TCP);
    expect(p.ipTotalLen).toBe(0);
    expect(p.payloadLen).toBe(3000);
    expect(p.payloadCaptured).toBe(3000);
  });

  it('IPv4 total length past the frame: what is there is used, marked truncated', () => {
    const dec = new Decoder();
    const p = decode(frame(ETH, eth(0x0800, ipv4({ totalLen: 200 }, tcp({}, Buffer.alloc(10))))), dec);
    expect(p.l4).toBe(L4.TCP);
    expect(p.payloadLen).toBe(10);
    expect(p.payloadCaptured).toBe(10);
    expect(p.truncated).toBe(true);
    expect(dec.drainWarnings()[0]).toMatch(/total length 200 exceeds packet length/);
  });
});

describe('IPv6', () => {
  it('walks hop-by-hop and destination options to TCP', () => {
    const p = decode(frame(ETH, eth(0x86dd, ipv6({ nh: 0, src: '2001:db8::a', dst: 'fe80::1', hlim: 33 },
      cat(ext6(60, 8), ext6(6, 16), tcp({ sport: 5, dport: 6, seq: 42 }, Buffer.from('data')))))));
    expect(p.ipVersion).toBe(6);
    expect([...p.src]).toEqual(ip6words('2001:db8::a'));
    expect([...p.dst]).toEqual(ip6words('fe80::1'));
    expect(p.ttl).toBe(33);
    expect(p.ipId).toBe(-1);
    expect(p.ipHeaderLen).toBe(40 + 8 + 16);
    expect(p.ipTotalLen).toBe(40 + 24 + 20 + 4);
    expect(p.proto).toBe(6);
    expect(p.l4).toBe(L4.TCP);
    expect(p.seq).toBe(42);
    expect(p.payloadLen).toBe(4);
  });

  it('an extension-header chain running past the packet is a problem', () => {
    const hbh = ext6(60, 8);
    const bad = Buffer.from([6, 20, 0, 0, 0, 0, 0, 0]); // destination options claiming 168 bytes
    const dec = new Decoder();
    const p = decode(frame(ETH, eth(0x86dd, ipv6({ nh: 0 }, cat(hbh, bad, tcp({}))))), dec);
    expect(p.problem).toBe(P_IPV6_EXT_PAST);
    expect(p.l4).toBe(L4.None);
    expect(dec.drainWarnings()[0]).toMatch(/^frame 1 \(offset 0\): IPv6 extension header 60/);
  });

  it('an extension header cut by the snap length is a problem and truncated', () => {
    const full = eth(0x86dd, ipv6({ nh: 0 }, cat(ext6(6, 16), tcp({}))));
    const p = decode(frame(ETH, full.subarray(0, 14 + 40 + 10), { wireLen: full.length }));
    expect(p.problem).toBe(P_IPV6_EXT_CUT);
    expect(p.truncated).toBe(true);
  });

  it('a chain longer than the limit is a problem', () => {
    const hdrs: Buffer[] = [];
    for (let i = 0; i < 130; i++) hdrs.push(ext6(60, 8));
    hdrs.push(ext6(6, 8));
    const p = decode(frame(ETH, eth(0x86dd, ipv6({ nh: 0 }, cat(...hdrs, tcp({}))))));
    expect(p.problem).toMatch(/too long/);
    expect(p.l4).toBe(L4.None);
  });

  it('payload length 0 (jumbogram / BIG TCP): the frame length is used', () => {
    const p = decode(frame(ETH, eth(0x86dd, ipv6({ plen: 0 }, tcp({}, Buffer.alloc(500))))));
    expect(p.l4).toBe(L4.TCP);
    expect(p.payloadLen).toBe(500);
  });

  it('ESP and No Next Header stop the walk without a problem', () => {
    const p = decode(frame(ETH, eth(0x86dd, ipv6({ nh: 0 }, cat(ext6(50, 8), Buffer.alloc(40))))));
    expect(p.proto).toBe(50);
    expect(p.l4).toBe(L4.None);
    expect(p.problem).toBe('');
  });
});

describe('IPv4 Authentication Header', () => {
  it('is skipped to the transport header', () => {
    const ah = cat([6, 4, 0, 0], u32(0x100), u32(1), Buffer.alloc(12)); // (4 + 2) * 4 = 24 bytes
    const p = decode(frame(ETH, eth(0x0800, ipv4({ proto: 51 }, cat(ah, tcp({ sport: 9, dport: 10 }, Buffer.from('x')))))));
    expect(p.l4).toBe(L4.TCP);
    expect(p.proto).toBe(6);
    expect(p.srcPort).toBe(9);
    expect(p.payloadLen).toBe(1);
  });
});
