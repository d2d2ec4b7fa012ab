import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/decode/decoder.js';
import { L4, PSH, ACK, newPacket, type Packet } from '../../src/decode/packet.js';
import { cat, eth, frag6, frame, ipv4, ipv6, tcp, udp } from './build.js';

/** Split an L4 datagram into IPv4 fragments of `size` payload bytes (multiple of 8). */
function v4frags(l4: Buffer, size: number, o: { id?: number; proto?: number; src?: string } = {}): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < l4.length; off += size) {
    const part = l4.subarray(off, off + size);
    out.push(eth(0x0800, ipv4({ id: o.id ?? 77, proto: o.proto ?? 6, src: o.src, fragOff: off, mf: off + size < l4.length }, part)));
  }
  return out;
}

function v6frags(l4: Buffer, size: number, nh: number, id: number): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < l4.length; off += size) {
    const part = l4.subarray(off, off + size);
    out.push(eth(0x86dd, ipv6({ nh: 44 }, cat(frag6(nh, off, off + size < l4.length, id), part))));
  }
  return out;
}

function run(dec: Decoder, frames: Buffer[], times?: number[]): Packet[] {
  return frames.map((b, i) => {
    const pkt = newPacket();
    dec.decode(frame(1, b, { number: i + 1, time: times?.[i] ?? 1000 + i * 0.001 }), pkt);
    return { ...pkt, src: pkt.src.slice(), dst: pkt.dst.slice() };
  });
}

const SEGMENT = tcp({ sport: 1025, dport: 80, seq: 5000, flags: PSH | ACK }, Buffer.from('x'.repeat(100) + 'THE END'));

describe('IPv4 fragments', () => {
  it('reassembles out-of-order fragments into one TCP segment, in the completing frame', () => {
    const fr = v4frags(SEGMENT, 40); // 127 bytes: 4 fragments
    expect(fr.length).toBe(4);
    const dec = new Decoder();
    const order = [2, 0, 3, 1];
    const pkts = run(dec, order.map((i) => fr[i]!));
    for (const p of pkts.slice(0, 3)) {
      expect(p.isFragment).toBe(true);
      expect(p.reassembled).toBe(false);
      expect(p.l4).toBe(L4.None);
      expect(p.proto).toBe(6);
    }
    const last = pkts[3]!;
    expect(last.isFragment).toBe(true);
    expect(last.reassembled).toBe(true);
    expect(last.fragmentCount).toBe(4);
    expect(last.reassembledLen).toBe(20 + SEGMENT.length);
    expect(last.l4).toBe(L4.TCP);
    expect(last.srcPort).toBe(1025);
    expect(last.seq).toBe(5000);
    expect(last.payloadLen).toBe(107);
    expect(last.payloadCaptured).toBe(107);
    expect(last.l4Buf.subarray(last.payloadOff + 100, last.payloadOff + 107).toString()).toBe('THE END');
    expect(dec.stats).toMatchObject({ ipv4Fragments: 4, reassembled: 1, tcp: 1, fragmentBytesHeld: 0 });
    expect(dec.pendingDatagrams).toBe(0);
  });

  it('keeps datagrams of different ids / sources apart', () => {
    const a = v4frags(SEGMENT, 64, { id: 1 });
    const b = v4frags(SEGMENT, 64, { id: 2 });
    const c = v4frags(SEGMENT, 64, { id: 1, src: '10.9.9.9' });
    const dec = new Decoder();
    const pkts = run(dec, [a[0]!, b[0]!, c[1]!, b[1]!, a[1]!, c[0]!]);
    expect(pkts.map((p) => p.reassembled)).toEqual([false, false, false, true, true, true]);
    expect(dec.stats.reassembled).toBe(3);
  });

  it('overlapping fragments: the first copy of each byte is kept', () => {
    const data = Buffer.alloc(48, 0x41);
    const l4 = udp(1000, 2000, data);
    const first = eth(0x0800, ipv4({ proto: 17, id: 9, mf: true }, l4.subarray(0, 32)));
    // Overlaps bytes 24..31 with different content, then completes the datagram.
    const evil = Buffer.from(l4.subarray(24, 56));
    evil.fill(0x42, 0, 8);
    const second = eth(0x0800, ipv4({ proto: 17, id: 9, fragOff: 24 }, evil));
    const dec = new Decoder();
    const [, p] = run(dec, [first, second]);
    expect(p!.reassembled).toBe(true);
    expect(p!.l4).toBe(L4.UDP);
    expect(p!.payloadLen).toBe(48);
    expect(p!.l4Buf.subarray(p!.payloadOff, p!.payloadOff + 48).every((b) => b === 0x41)).toBe(true);
    expect(dec.stats.fragmentOverlaps).toBe(1);
    expect(dec.drainWarnings().some((w) => /overlaps/.test(w))).toBe(true);
  });

  it('bounds memory: never-completed fragments stay under the cap', () => {
    const cap = 64 * 1024;
    const dec = new Decoder({ maxFragmentBytes: cap });
    let peak = 0;
    const pkt = newPacket();
    for (let i = 0; i < 2000; i++) {
      // First fragments only (MF set, offset 0): never complete.
      const b = eth(0x0800, ipv4({ id: i & 0xffff, proto: 17, mf: true, src: `10.0.${i >> 8}.${i & 255}` }, Buffer.alloc(1000)));
      dec.decode(frame(1, b, { number: i + 1, time: 1000 + i * 0.001 }), pkt);
      peak = Math.max(peak, dec.stats.fragmentBytesHeld);
    }
    expect(peak).toBeLessThanOrEqual(cap);
    expect(dec.stats.fragmentBytesPeak).toBeLessThanOrEqual(cap + 1020); // may exceed by one fragment before eviction
    expect(dec.stats.fragmentsDropped).toBeGreaterThan(1900);
    expect(dec.stats.ipv4Fragments).toBe(2000);
    expect(dec.pendingDatagrams).toBeLessThanOrEqual(64);
  });

  it('drops a datagram longer than 65535 bytes', () => {
    const dec = new Decoder();
    const b = eth(0x0800, ipv4({ proto: 17, fragOff: 65528, mf: false }, Buffer.alloc(16)));
    const [p] = run(dec, [b]);
    expect(p!.isFragment).toBe(true);
    expect(p!.reassembled).toBe(false);
    expect(dec.stats.fragmentsDropped).toBe(1);
  });

  it('expires datagrams 30 s (capture time) after their first fragment', () => {
    const fr = v4frags(SEGMENT, 64);
    const dec = new Decoder();
    const pkts = run(dec, [fr[0]!, fr[1]!], [1000, 1031]);
    expect(pkts[1]!.reassembled).toBe(false);
    expect(dec.stats.fragmentsTimedOut).toBe(1);
    expect(dec.pendingDatagrams).toBe(1); // the second fragment started a new datagram

    const dec2 = new Decoder({ fragmentTimeoutS: 60 });
    expect(run(dec2, [fr[0]!, fr[1]!], [1000, 1031])[1]!.reassembled).toBe(true);
  });

  it('a fragment cut by the snap length is not reassembled', () => {
    const fr = v4frags(SEGMENT, 64);
    const dec = new Decoder();
    const pkt = newPacket();
    dec.decode(frame(1, fr[0]!.subarray(0, 60), { wireLen: fr[0]!.length }), pkt);
    expect(pkt.isFragment).toBe(true);
    expect(pkt.truncated).toBe(true);
    dec.decode(frame(1, fr[1]!, { number: 2 }), pkt);
    expect(pkt.reassembled).toBe(false);
    expect(dec.stats.fragmentsDropped).toBe(1);
  });
});

describe('IPv6 fragments', () => {
  it('reassembles into a TCP segment', () => {
    const fr = v6frags(SEGMENT, 48, 6, 0xabcdef01);
    const dec = new Decoder();
    const pkts = run(dec, [fr[1]!, fr[2]!, fr[0]!]);
    expect(pkts[0]!.isFragment).toBe(true);
    expect(pkts[0]!.l4).toBe(L4.None);
    expect(pkts[0]!.proto).toBe(6);
    const p = pkts[2]!;
    expect(p.reassembled).toBe(true);
    expect(p.fragmentCount).toBe(3);
    expect(p.reassembledLen).toBe(40 + SEGMENT.length);
    expect(p.l4).toBe(L4.TCP);
    expect(p.dstPort).toBe(80);
    expect(p.payloadLen).toBe(107);
    expect(dec.stats).toMatchObject({ ipv6FragmentHeaders: 3, ipv6AtomicFragments: 0, reassembled: 1, tcp: 1 });
  });

  it('keeps extension headers before the Fragment header (unfragmentable part) and after it', () => {
    // hop-by-hop | fragment | (fragmentable: destination options | UDP)
    const hbh = Buffer.from([44, 0, 1, 4, 0, 0, 0, 0]);
    const dopt = Buffer.from([17, 0, 1, 4, 0, 0, 0, 0]);
    const l4 = cat(dopt, udp(53, 5353, Buffer.alloc(60, 7)));
    const parts = [l4.subarray(0, 40), l4.subarray(40)];
    const mk = (i: number) => eth(0x86dd, ipv6({ nh: 0 }, cat(hbh, frag6(60, i * 40, i === 0, 5), parts[i]!)));
    const dec = new Decoder();
    const [a, b] = run(dec, [mk(0), mk(1)]);
    expect(a!.proto).toBe(60);
    expect(b!.reassembled).toBe(true);
    expect(b!.reassembledLen).toBe(40 + 8 + l4.length);
    expect(b!.proto).toBe(17);
    expect(b!.l4).toBe(L4.UDP);
    expect(b!.srcPort).toBe(53);
    expect(b!.payloadLen).toBe(60);
  });

  it('an atomic fragment is decoded straight through but counted', () => {
    const b = eth(0x86dd, ipv6({ nh: 44 }, cat(frag6(6, 0, false, 99), SEGMENT)));
    const dec = new Decoder();
    const [p] = run(dec, [b]);
    expect(p!.isFragment).toBe(false);
    expect(p!.reassembled).toBe(false);
    expect(p!.l4).toBe(L4.TCP);
    expect(p!.ipHeaderLen).toBe(48);
    expect(p!.payloadLen).toBe(107);
    expect(dec.stats).toMatchObject({ ipv6FragmentHeaders: 1, ipv6AtomicFragments: 1, reassembled: 0 });
    expect(dec.pendingDatagrams).toBe(0);
  });
});
