import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/decode/decoder.js';
import { L4, RST, newPacket } from '../../src/decode/packet.js';
import { cat, eth, frame, ip4, ip6words, ipv4, ipv6, tcp, u16, u32, udp } from './build.js';

describe('ICMP errors', () => {
  it('frag-needed: MTU and the quoted TCP tuple; not reported as TCP', () => {
    const quotedDatagram = ipv4({ src: '10.0.0.1', dst: '198.51.100.7', df: true, totalLen: 1500 },
      tcp({ sport: 40001, dport: 443, seq: 0xcafebabe }, Buffer.alloc(100)));
    const quote = quotedDatagram.subarray(0, 20 + 8); // routers quote the header + 8 bytes
    const icmp = cat([3, 4], u16(0), u16(0), u16(1400), quote);
    const dec = new Decoder();
    const pkt = newPacket();
    dec.decode(frame(1, eth(0x0800, ipv4({ src: '192.0.2.1', dst: '10.0.0.1', proto: 1, ttl: 250 }, icmp))), pkt);
    expect(pkt.l4).toBe(L4.ICMP);
    expect(pkt.proto).toBe(1);
    expect(pkt.src[0]).toBe(ip4('192.0.2.1'));
    expect(pkt.ttl).toBe(250);
    expect(pkt.icmpType).toBe(3);
    expect(pkt.icmpCode).toBe(4);
    expect(pkt.icmpMtu).toBe(1400);
    expect(pkt.srcPort).toBe(0);
    expect(pkt.quoted.ipVersion).toBe(4);
    expect(pkt.quoted.src[0]).toBe(ip4('10.0.0.1'));
    expect(pkt.quoted.dst[0]).toBe(ip4('198.51.100.7'));
    expect(pkt.quoted.proto).toBe(6);
    expect(pkt.quoted.srcPort).toBe(40001);
    expect(pkt.quoted.dstPort).toBe(443);
    expect(pkt.quoted.seq).toBe(0xcafebabe);
    expect(pkt.quoted.ipTotalLen).toBe(1500);
    expect(pkt.problem).toBe('');
    expect(dec.stats).toMatchObject({ icmp: 1, icmpFragNeeded: 1, tcp: 0, ipv4: 1 });
  });

  it('port unreachable quoting UDP; echo is not an error', () => {
    const q = ipv4({ proto: 17, src: '10.0.0.1', dst: '10.0.0.9' }, udp(5353, 53, Buffer.alloc(20))).subarray(0, 28);
    const dec = new Decoder();
    const pkt = newPacket();
    dec.decode(frame(1, eth(0x0800, ipv4({ proto: 1 }, cat([3, 3], u16(0), u32(0), q)))), pkt);
    expect(pkt.icmpType).toBe(3);
    expect(pkt.icmpMtu).toBe(-1);
    expect(pkt.quoted.proto).toBe(17);
    expect(pkt.quoted.dstPort).toBe(53);
    expect(pkt.quoted.seq).toBe(0);
    dec.decode(frame(1, eth(0x0800, ipv4({ proto: 1 }, cat([8, 0], u16(0), u32(1), Buffer.alloc(32))))), pkt);
    expect(pkt.l4).toBe(L4.ICMP);
    expect(pkt.icmpType).toBe(8);
    expect(pkt.quoted.ipVersion).toBe(0);
    expect(dec.stats.icmpFragNeeded).toBe(0);
  });

  it('time exceeded and redirect quote too', () => {
    const q = ipv4({ src: '10.9.9.9' }, tcp({ flags: RST })).subarray(0, 28);
    for (const type of [11, 5]) {
      const pkt = newPacket();
      new Decoder().decode(frame(1, eth(0x0800, ipv4({ proto: 1 }, cat([type, 0], u16(0), u32(0), q)))), pkt);
      expect(pkt.icmpType).toBe(type);
      expect(pkt.quoted.src[0]).toBe(ip4('10.9.9.9'));
    }
  });

  it('ICMPv6 packet too big: 32-bit MTU and the quoted IPv6/TCP header', () => {
    const q = ipv6({ src: '2001:db8::10', dst: '2001:db8::20', plen: 1440 }, tcp({ sport: 443, dport: 50000, seq: 7 }, Buffer.alloc(64)));
    const msg = cat([2, 0], u16(0), u32(1280), q.subarray(0, 1232 > q.length ? q.length : 1232));
    const dec = new Decoder();
    const pkt = newPacket();
    dec.decode(frame(1, eth(0x86dd, ipv6({ src: '2001:db8::ff', nh: 58 }, msg))), pkt);
    expect(pkt.l4).toBe(L4.ICMPv6);
    expect(pkt.icmpType).toBe(2);
    expect(pkt.icmpCode).toBe(0);
    expect(pkt.icmpMtu).toBe(1280);
    expect([...pkt.src]).toEqual(ip6words('2001:db8::ff'));
    expect(pkt.quoted.ipVersion).toBe(6);
    expect([...pkt.quoted.src]).toEqual(ip6words('2001:db8::10'));
    expect([...pkt.quoted.dst]).toEqual(ip6words('2001:db8::20'));
    expect(pkt.quoted.proto).toBe(6);
    expect(pkt.quoted.srcPort).toBe(443);
    expect(pkt.quoted.dstPort).toBe(50000);
    expect(pkt.quoted.seq).toBe(7);
    expect(pkt.quoted.ipTotalLen).toBe(1480);
    expect(dec.stats).toMatchObject({ icmpv6: 1, icmpv6TooBig: 1, tcp: 0 });
  });

  it('a quote cut short is fine (no problem), as much as is there is decoded', () => {
    const q = ipv4({ src: '10.0.0.1' }, tcp({ sport: 1, dport: 2 })).subarray(0, 22);
    const pkt = newPacket();
    new Decoder().decode(frame(1, eth(0x0800, ipv4({ proto: 1 }, cat([3, 4], u16(0), u16(0), u16(576), q)))), pkt);
    expect(pkt.problem).toBe('');
    expect(pkt.icmpMtu).toBe(576);
    expect(pkt.quoted.ipVersion).toBe(4);
    expect(pkt.quoted.srcPort).toBe(0);
  });

  it('a cut ICMP header is a problem but still counted', () => {
    const dec = new Decoder();
    const pkt = newPacket();
    dec.decode(frame(1, eth(0x0800, ipv4({ proto: 1 }, Buffer.from([3, 4, 0])))), pkt);
    expect(pkt.l4).toBe(L4.None);
    expect(pkt.icmpType).toBe(3);
    expect(pkt.problem).toMatch(/ICMP header cut/);
    expect(dec.stats.icmpFragNeeded).toBe(1);
  });
});
