import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/decode/decoder.js';
import { L4, RST, newPacket, type Packet } from '../../src/decode/packet.js';
import { P_TUNNEL_DEPTH } from '../../src/decode/problems.js';
import { cat, eth, frame, gre, ip4, ip6words, ipv4, ipv6, tcp, u16, u32, udp } from './build.js';

function decode(bytes: Buffer, dec = new Decoder(), linkType = 1): Packet {
  const pkt = newPacket();
  dec.decode(frame(linkType, bytes), pkt);
  return pkt;
}

const INNER4 = ipv4({ src: '172.16.0.1', dst: '172.16.0.2', ttl: 9 }, tcp({ sport: 1234, dport: 22, flags: RST }, Buffer.from('zz')));
const INNER6 = ipv6({ src: 'fd00::1', dst: 'fd00::2', hlim: 7 }, tcp({ sport: 5555, dport: 443 }));
const OUTER = { src: '198.51.100.1', dst: '198.51.100.2', ttl: 60 };

function expectInner4(p: Packet, depth = 1): void {
  expect(p.problem).toBe('');
  expect(p.ipVersion).toBe(4);
  expect(p.src[0]).toBe(ip4('172.16.0.1'));
  expect(p.dst[0]).toBe(ip4('172.16.0.2'));
  expect(p.ttl).toBe(9);
  expect(p.l4).toBe(L4.TCP);
  expect(p.srcPort).toBe(1234);
  expect(p.flags).toBe(RST);
  expect(p.payloadLen).toBe(2);
  expect(p.tunnelDepth).toBe(depth);
}

function expectInner6(p: Packet, depth = 1): void {
  expect(p.problem).toBe('');
  expect(p.ipVersion).toBe(6);
  expect([...p.src]).toEqual(ip6words('fd00::1'));
  expect(p.ttl).toBe(7);
  expect(p.l4).toBe(L4.TCP);
  expect(p.dstPort).toBe(443);
  expect(p.tunnelDepth).toBe(depth);
}

describe('tunnels (innermost IP header and TCP reported)', () => {
  it('IP-in-IP: 4 and 41 inside IPv4 and IPv6', () => {
    const dec = new Decoder();
    expectInner4(decode(eth(0x0800, ipv4({ ...OUTER, proto: 4 }, INNER4)), dec));
    expectInner6(decode(eth(0x0800, ipv4({ ...OUTER, proto: 41 }, INNER6)), dec));
    expectInner4(decode(eth(0x86dd, ipv6({ nh: 4 }, INNER4)), dec));
    expectInner6(decode(eth(0x86dd, ipv6({ nh: 41 }, INNER6)), dec));
    expect(dec.stats).toMatchObject({ tunneled: 4, ipv4: 3, ipv6: 3, tcp: 4 });
  });

  it('GRE version 0, with checksum, key and sequence, to IPv4 / IPv6 / Ethernet / MPLS', () => {
    expectInner4(decode(eth(0x0800, ipv4({ ...OUTER, proto: 47 }, gre(0x0800, INNER4)))));
    const opts = cat(u32(0), u32(0x1234), u32(99)); // checksum+reserved, key, sequence
    expectInner6(decode(eth(0x0800, ipv4({ ...OUTER, proto: 47 }, gre(0x86dd, INNER6, 0xb000, opts)))));
    expectInner4(decode(eth(0x0800, ipv4({ ...OUTER, proto: 47 }, gre(0x6558, eth(0x0800, INNER4), 0x2000, u32(7))))));
    expectInner4(decode(eth(0x0800, ipv4({ ...OUTER, proto: 47 }, gre(0x8847, cat(u32((16 << 12) | 0x100 | 64), INNER4))))));
  });

  it('PPTP enhanced GRE (version 1) carrying PPP, and PPP-in-GRE', () => {
    const key = cat(u16(0), u16(0x4000)); // payload length + call id
    const pptp = gre(0x880b, cat([0xff, 0x03], u16(0x0021), INNER4), 0x3001, cat(key, u32(5)));
    expectInner4(decode(eth(0x0800, ipv4({ ...OUTER, proto: 47 }, pptp))));
    expectInner6(decode(eth(0x0800, ipv4({ ...OUTER, proto: 47 }, gre(0x880b, cat(u16(0x0057), INNER6))))));
  });

  it('ERSPAN type II and Aruba WLAN in GRE', () => {
    const erspan = gre(0x88be, cat(Buffer.alloc(8), eth(0x0800, INNER4)), 0x1000, u32(1));
    expectInner4(decode(eth(0x0800, ipv4({ ...OUTER, proto: 47 }, erspan))));
    const wlan = cat([0x88, 0x01], u16(0), Buffer.alloc(18), u16(0), u16(0), [0xaa, 0xaa, 0x03, 0, 0, 0], u16(0x0800), INNER4);
    expectInner4(decode(eth(0x0800, ipv4({ ...OUTER, proto: 47 }, gre(0x8200, wlan)))));
  });

  it('VXLAN (UDP 4789) to Ethernet, Geneve (UDP 6081)', () => {
    const vx = udp(54321, 4789, cat([0x08, 0, 0, 0], u32(0x00123400), eth(0x8100, cat(u16(5), u16(0x0800), INNER4))));
    const dec = new Decoder();
    const p = decode(eth(0x0800, ipv4({ ...OUTER, proto: 17 }, vx)), dec);
    expectInner4(p);
    expect(dec.stats.udp).toBe(1);
    const gen = udp(40000, 6081, cat([0x01, 0], u16(0x6558), u32(0x00000100), Buffer.alloc(4), eth(0x0800, INNER4)));
    expectInner4(decode(eth(0x0800, ipv4({ ...OUTER, proto: 17 }, gen))));
  });

  it('Teredo (UDP 3544), plain and with origin / authentication indications', () => {
    expectInner6(decode(eth(0x0800, ipv4({ ...OUTER, proto: 17 }, udp(3544, 61000, INNER6)))));
    const origin = cat(u16(0), u16(0xffff), u32(0));
    expectInner6(decode(eth(0x0800, ipv4({ ...OUTER, proto: 17 }, udp(61000, 3544, cat(origin, INNER6))))));
    const auth = cat(u16(1), [0, 0], Buffer.alloc(8), [0]);
    expectInner6(decode(eth(0x0800, ipv4({ ...OUTER, proto: 17 }, udp(3544, 3544, cat(auth, origin, INNER6))))));
  });

  it('a UDP tunnel port is not followed when the other port is a lower well-known one', () => {
    const p = decode(eth(0x0800, ipv4({ ...OUTER, proto: 17 }, udp(53, 4789, Buffer.alloc(40)))));
    expect(p.l4).toBe(L4.UDP);
    expect(p.tunnelDepth).toBe(0);
  });

  it('GRE inside a fragmented outer datagram: reassembled, then the inner TCP', () => {
    const outerPayload = gre(0x0800, INNER4);
    const f1 = eth(0x0800, ipv4({ ...OUTER, proto: 47, id: 3, mf: true }, outerPayload.subarray(0, 24)));
    const f2 = eth(0x0800, ipv4({ ...OUTER, proto: 47, id: 3, fragOff: 24 }, outerPayload.subarray(24)));
    const dec = new Decoder();
    const pkt = newPacket();
    dec.decode(frame(1, f1), pkt);
    expect(pkt.l4).toBe(L4.None);
    dec.decode(frame(1, f2, { number: 2 }), pkt);
    expect(pkt.reassembled).toBe(true);
    expect(pkt.isFragment).toBe(true);
    expectInner4(pkt);
  });

  it('bounds the tunnel depth', () => {
    let p: Buffer = INNER4;
    for (let i = 0; i < 12; i++) p = ipv4({ ...OUTER, proto: 4 }, p);
    const dec = new Decoder();
    const pkt = decode(eth(0x0800, p), dec);
    expect(pkt.problem).toBe(P_TUNNEL_DEPTH);
    expect(pkt.tunnelDepth).toBe(8);
    expect(pkt.l4).toBe(L4.None);
    let q: Buffer = INNER4;
    for (let i = 0; i < 8; i++) q = ipv4({ ...OUTER, proto: 4 }, q);
    expectInner4(decode(eth(0x0800, q)), 8);
  });
});
