import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/decode/decoder.js';
import { L4, newPacket, type Packet } from '../../src/decode/packet.js';
import { cat, eth, frame, ip4, ip6words, ipv4, ipv6, tcp, u16, u32, vlanTag } from './build.js';

function decode(linkType: number, bytes: Buffer, o: Parameters<typeof frame>[2] = {}, dec = new Decoder()): Packet {
  const pkt = newPacket();
  dec.decode(frame(linkType, bytes, o), pkt);
  return pkt;
}

const V4 = ipv4({ src: '1.2.3.4', dst: '5.6.7.8' }, tcp({ sport: 1111, dport: 2222 }, Buffer.from('abc')));
const V6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }, tcp({ sport: 3333, dport: 4444 }, Buffer.from('abcd')));

function expectV4(p: Packet): void {
  expect(p.problem).toBe('');
  expect(p.ipVersion).toBe(4);
  expect(p.src[0]).toBe(ip4('1.2.3.4'));
  expect(p.dst[0]).toBe(ip4('5.6.7.8'));
  expect(p.l4).toBe(L4.TCP);
  expect(p.srcPort).toBe(1111);
  expect(p.dstPort).toBe(2222);
  expect(p.payloadLen).toBe(3);
}

function expectV6(p: Packet): void {
  expect(p.problem).toBe('');
  expect(p.ipVersion).toBe(6);
  expect([...p.src]).toEqual(ip6words('2001:db8::1'));
  expect(p.l4).toBe(L4.TCP);
  expect(p.srcPort).toBe(3333);
  expect(p.payloadLen).toBe(4);
}

describe('link layers', () => {
  it('802.1Q', () => {
    expectV4(decode(1, eth(0x8100, cat(vlanTag(100, 0x0800), V4))));
  });

  it('QinQ (802.1ad outer, 802.1Q inner) and 0x9100 stacks', () => {
    expectV4(decode(1, eth(0x88a8, cat(vlanTag(10, 0x8100), vlanTag(20, 0x0800), V4))));
    expectV6(decode(1, eth(0x9100, cat(vlanTag(10, 0x9100), vlanTag(20, 0x8100), vlanTag(30, 0x86dd), V6))));
  });

  it('PPPoE session (2-byte and compressed PPP protocol)', () => {
    const pppoe = (proto: Buffer, ip: Buffer) => cat([0x11, 0x00], u16(0x1234), u16(proto.length + ip.length), proto, ip);
    expectV4(decode(1, eth(0x8864, pppoe(u16(0x0021), V4))));
    expectV6(decode(1, eth(0x8864, pppoe(u16(0x0057), V6))));
    expectV4(decode(1, eth(0x8864, pppoe(Buffer.from([0x21]), V4))));
    // Padding after the PPPoE payload is not IP payload.
    const p = decode(1, cat(eth(0x8864, pppoe(u16(0x0021), ipv4({ totalLen: 0 }, tcp({})))), Buffer.alloc(10)));
    expect(p.l4).toBe(L4.TCP);
    expect(p.payloadLen).toBe(0);
  });

  it('MPLS label stack, payload guessed by the first nibble', () => {
    const label = (l: number, bos: boolean) => u32((l << 12) | (bos ? 0x100 : 0) | 64);
    expectV4(decode(1, eth(0x8847, cat(label(100, false), label(200, true), V4))));
    expectV6(decode(1, eth(0x8847, cat(label(300, true), V6))));
  });

  it('LLC/SNAP in an 802.3 frame', () => {
    const snap = cat([0xaa, 0xaa, 0x03, 0, 0, 0], u16(0x0800), V4);
    expectV4(decode(1, eth(snap.length, snap)));
  });

  it('Linux cooked capture (SLL): direction from the packet type', () => {
    const sll = (pkttype: number, proto: number, ip: Buffer) => cat(u16(pkttype), u16(1), u16(6), [1, 2, 3, 4, 5, 6, 0, 0], u16(proto), ip);
    const inb = decode(113, sll(0, 0x0800, V4), { direction: 0 });
    expectV4(inb);
    expect(inb.direction).toBe(1);
    const out = decode(113, sll(4, 0x86dd, V6));
    expectV6(out);
    expect(out.direction).toBe(2);
    expect(decode(113, sll(3, 0x0800, V4)).direction).toBe(1); // other host: still inbound
  });

  it('Linux cooked capture v2 (SLL2)', () => {
    const sll2 = (pkttype: number, proto: number, ip: Buffer) =>
      cat(u16(proto), u16(0), u32(2), u16(1), [pkttype, 6], [1, 2, 3, 4, 5, 6, 0, 0], ip);
    const p = decode(276, sll2(4, 0x0800, V4));
    expectV4(p);
    expect(p.direction).toBe(2);
    const q = decode(276, sll2(0, 0x86dd, V6));
    expectV6(q);
    expect(q.direction).toBe(1);
  });

  it('keeps the pcapng direction when the link layer has none', () => {
    expect(decode(1, eth(0x0800, V4), { direction: 1 }).direction).toBe(1);
  });

  it('NULL in both byte orders, all IPv6 families', () => {
    const le = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
    expectV4(decode(0, cat(le(2), V4)));
    expectV4(decode(0, cat(u32(2), V4)));
    for (const fam of [10, 24, 28, 30]) {
      expectV6(decode(0, cat(le(fam), V6)));
      expectV6(decode(0, cat(u32(fam), V6)));
    }
  });

  it('LOOP (network byte order)', () => {
    expectV4(decode(108, cat(u32(2), V4)));
    expectV6(decode(108, cat(u32(30), V6)));
  });

  it('raw IP: 101, 12, 14 by version; 228 IPv4; 229 IPv6', () => {
    for (const lt of [101, 12, 14]) {
      expectV4(decode(lt, V4));
      expectV6(decode(lt, V6));
    }
    expectV4(decode(228, V4));
    expectV6(decode(229, V6));
    expectV6(decode(228, V6)); // an IPv6 packet under LINKTYPE_IPV4 is decoded as IPv6, as tshark does
  });

  it('PPP (9) and PPP in HDLC framing (50), with or without address/control', () => {
    expectV4(decode(9, cat([0xff, 0x03], u16(0x0021), V4)));
    expectV6(decode(9, cat(u16(0x0057), V6)));
    expectV4(decode(50, cat([0xff, 0x03], u16(0x0021), V4)));
    expectV4(decode(50, cat([0x21], V4)));
  });

  it('Cisco HDLC (104)', () => {
    expectV4(decode(104, cat([0x0f, 0x00], u16(0x0800), V4)));
    expectV6(decode(104, cat([0x8f, 0x00], u16(0x86dd), V6)));
  });

  it('NFLOG (239): TLVs to NFULA_PAYLOAD', () => {
    const tlv = (type: number, value: Buffer) => {
      const h = Buffer.alloc(4);
      h.writeUInt16LE(4 + value.length, 0);
      h.writeUInt16LE(type, 2);
      const pad = Buffer.alloc((4 - (value.length % 4)) % 4);
      return cat(h, value, pad);
    };
    expectV4(decode(239, cat([2, 0], u16(0), tlv(1, Buffer.alloc(4)), tlv(10, Buffer.from('pfx')), tlv(9, V4))));
    expectV6(decode(239, cat([10, 0], u16(0), tlv(9, V6))));
  });

  it('PKTAP (258): header length, then the inner DLT', () => {
    const hdr = Buffer.alloc(108);
    hdr.writeUInt32LE(108, 0);
    hdr.writeUInt32LE(1, 4);
    expectV4(decode(258, cat(hdr, eth(0x0800, V4))));
  });

  it('802.11 data frames with LLC/SNAP (105) and radiotap (127)', () => {
    const wlan = cat([0x88, 0x01], u16(0), Buffer.alloc(18), u16(0), u16(0) /* QoS */, [0xaa, 0xaa, 0x03, 0, 0, 0], u16(0x0800), V4);
    expectV4(decode(105, wlan));
    const rt = cat([0, 0], [8, 0], u32(0), wlan);
    expectV4(decode(127, rt));
  });

  it('unknown link type: counted, ipVersion 0, one warning per link type', () => {
    const dec = new Decoder();
    const p = decode(147, V4, {}, dec);
    decode(147, V4, { number: 2 }, dec);
    decode(148, V4, { number: 3 }, dec);
    expect(p.ipVersion).toBe(0);
    expect(dec.stats.unknownLinkType).toBe(3);
    expect(dec.stats.undecodable).toBe(0);
    expect(dec.drainWarnings()).toEqual([
      'frame 1 (offset 0): link type 147 not supported: its frames are not decoded',
      'frame 3 (offset 0): link type 148 not supported: its frames are not decoded',
    ]);
  });

  it('a cut Ethernet header is a problem', () => {
    const dec = new Decoder();
    const p = decode(1, Buffer.alloc(10), {}, dec);
    expect(p.problem).not.toBe('');
    expect(p.ipVersion).toBe(0);
    expect(dec.stats.undecodable).toBe(1);
  });
});
