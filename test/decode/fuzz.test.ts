/** Random and mutated frames never make the decoder throw, and its output stays consistent. */
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/decode/decoder.js';
import { L4, newPacket } from '../../src/decode/packet.js';
import { cat, eth, ext6, frag6, frame, gre, ipv4, ipv6, tcp, u16, u32, udp, vlanTag } from './build.js';

/** mulberry32: small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEG = tcp({ options: cat([2, 4], u16(1460), [1, 3, 3, 7], [8, 10], u32(1), u32(2), [1, 1]) }, Buffer.from('payload!'));
const ICMP_Q = cat([3, 4], u16(0), u16(0), u16(1400), ipv4({}, SEG).subarray(0, 28));
const TEMPLATES: [number, Buffer][] = [
  [1, eth(0x0800, ipv4({}, SEG))],
  [1, eth(0x86dd, ipv6({ nh: 0 }, cat(ext6(60, 8), ext6(44, 8), frag6(6, 0, false, 1), SEG)))],
  [1, eth(0x8100, cat(vlanTag(1, 0x88a8), vlanTag(2, 0x0800), ipv4({}, SEG)))],
  [1, eth(0x8864, cat([0x11, 0], u16(1), u16(SEG.length + 22), u16(0x0021), ipv4({}, SEG)))],
  [1, eth(0x0800, ipv4({ proto: 47 }, gre(0x6558, eth(0x0800, ipv4({ proto: 4 }, ipv4({}, SEG))), 0x3000, cat(u32(1), u32(2)))))],
  [1, eth(0x0800, ipv4({ proto: 17 }, udp(1, 4789, cat(Buffer.alloc(8), eth(0x0800, ipv4({}, SEG))))))],
  [1, eth(0x0800, ipv4({ proto: 17 }, udp(3544, 9999, cat(u16(0), Buffer.alloc(6), ipv6({}, SEG)))))],
  [1, eth(0x0800, ipv4({ proto: 1 }, ICMP_Q))],
  [1, eth(0x86dd, ipv6({ nh: 58 }, cat([2, 0], u16(0), u32(1280), ipv6({ nh: 44 }, cat(frag6(6, 0, true, 5), SEG)))))],
  [1, eth(0x0800, ipv4({ id: 5, mf: true }, SEG.subarray(0, 16)))],
  [1, eth(0x0800, ipv4({ id: 5, fragOff: 16 }, SEG.subarray(16)))],
  [1, eth(0x8847, cat(u32(0x00010140), ipv4({}, SEG)))],
  [113, cat(u16(4), u16(1), u16(6), Buffer.alloc(8), u16(0x0800), ipv4({}, SEG))],
  [276, cat(u16(0x86dd), u16(0), u32(1), u16(1), [0, 6], Buffer.alloc(8), ipv6({}, SEG))],
  [0, cat([2, 0, 0, 0], ipv4({}, SEG))],
  [108, cat(u32(30), ipv6({}, SEG))],
  [101, ipv4({}, SEG)],
  [228, ipv4({}, SEG)],
  [229, ipv6({}, SEG)],
  [9, cat([0xff, 3], u16(0x21), ipv4({}, SEG))],
  [104, cat([0x0f, 0], u16(0x0800), ipv4({}, SEG))],
  [239, cat([2, 0, 0, 0], Buffer.from([8, 0, 1, 0, 0, 0, 0, 0]), u16(0), ipv4({}, SEG))],
  [258, cat(Buffer.from([12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]), eth(0x0800, ipv4({}, SEG)))],
  [127, cat([0, 0, 8, 0], u32(0), [0x88, 0x01], Buffer.alloc(24), [0xaa, 0xaa, 3, 0, 0, 0], u16(0x0800), ipv4({}, SEG))],
];
const LINK_TYPES = [0, 1, 9, 12, 14, 50, 101, 104, 105, 108, 113, 127, 228, 229, 239, 258, 276, 147];

describe('robustness', () => {
  it('never throws on random or mutated frames (seeded)', () => {
    const rand = rng(Number(process.env.DECODE_FUZZ_SEED ?? 0x5eed));
    const int = (n: number) => Math.floor(rand() * n);
    const dec = new Decoder({ maxFragmentBytes: 256 * 1024 });
    const pkt = newPacket();
    const N = Number(process.env.DECODE_FUZZ_N ?? 6000);
    for (let i = 0; i < N; i++) {
      let lt: number;
      let bytes: Buffer;
      const mode = int(4);
      if (mode === 0) { // pure random bytes
        lt = LINK_TYPES[int(LINK_TYPES.length)]!;
        bytes = Buffer.alloc(int(200));
        for (let j = 0; j < bytes.length; j++) bytes[j] = int(256);
      } else { // mutated template: flips, overwrites with interesting values, truncation
        const t = TEMPLATES[int(TEMPLATES.length)]!;
        lt = mode === 3 && rand() < 0.2 ? LINK_TYPES[int(LINK_TYPES.length)]! : t[0];
        bytes = Buffer.from(t[1]);
        const edits = 1 + int(6);
        for (let e = 0; e < edits; e++) {
          const at = int(bytes.length);
          const r = int(4);
          if (r === 0) bytes[at] = bytes[at]! ^ (1 << int(8));
          else if (r === 1) bytes[at] = [0, 0xff, 0x7f, 0x80, 1, 4, 5, 6, 0x40, 0x45, 0x60, 44, 47][int(13)]!;
          else if (r === 2) bytes[at] = int(256);
          else bytes = bytes.subarray(0, at);
        }
      }
      const wire = rand() < 0.3 ? bytes.length + int(3000) : bytes.length;
      const f = frame(lt, bytes, { number: i + 1, time: 1000 + i * 0.01, wireLen: wire, off: int(5) });
      if (rand() < 0.02) f.capLen = bytes.length + 50; // a capLen past the buffer must not be trusted
      expect(() => dec.decode(f, pkt)).not.toThrow();
      // Output invariants.
      expect(pkt.payloadLen).toBeGreaterThanOrEqual(0);
      expect(pkt.payloadCaptured).toBeGreaterThanOrEqual(0);
      expect(pkt.payloadCaptured, `frame ${i + 1} lt ${lt} ${bytes.toString("hex")} wire ${wire} l4 ${pkt.l4}`).toBeLessThanOrEqual(pkt.payloadLen);
      if (pkt.l4 === L4.TCP) {
        expect(pkt.tcpHeaderLen).toBeGreaterThanOrEqual(20);
        expect(pkt.payloadOff + pkt.payloadCaptured, `frame ${i + 1} lt ${lt} ${bytes.toString("hex")} wire ${wire} R ${pkt.reassembled} off ${f.off} cap ${f.capLen}`).toBeLessThanOrEqual(pkt.l4Buf.length);
        expect(pkt.seq).toBeGreaterThanOrEqual(0);
        expect(pkt.ack).toBeGreaterThanOrEqual(0);
      }
      expect(pkt.tunnelDepth).toBeLessThanOrEqual(8);
      expect(typeof pkt.problem).toBe('string');
      expect(dec.drainWarnings().length).toBeLessThanOrEqual(100);
    }
    expect(dec.stats.internalErrors).toBe(0);
    expect(dec.stats.frames).toBe(N);
    expect(dec.stats.tcp).toBeGreaterThan(N / 10); // mutations leave plenty of decodable frames
    expect(dec.stats.fragmentBytesHeld).toBeLessThanOrEqual(256 * 1024);
  });

  it('caps and rate-limits warnings', () => {
    const dec = new Decoder();
    const pkt = newPacket();
    for (let i = 0; i < 500; i++) dec.decode(frame(1, eth(0x0800, ipv4({ ihl: 2 }, Buffer.alloc(20))), { number: i + 1 }), pkt);
    const w = dec.drainWarnings();
    expect(w.length).toBe(11);
    expect(w[10]).toBe('frame 11 (offset 0): further "IPv4 header length < 20" warnings suppressed');
    expect(dec.stats.warningsDropped).toBe(490);
    expect(dec.drainWarnings()).toEqual([]);
  });
});
