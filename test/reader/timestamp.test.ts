import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/reader/frame.js';
import { setFrameTime, tsUnit } from '../../src/reader/timestamp.js';

function frame(): Frame {
  return { number: 0, tsSec: 0, tsNsec: 0, time: 0, capLen: 0, wireLen: 0, linkType: 0, interfaceId: 0, direction: 0, buf: Buffer.alloc(0), off: 0, recordOffset: 0 };
}

/** BigInt reference: units of 10^-exp or 2^-exp seconds to [sec, ns] (ns truncated). */
function reference(t: bigint, tsresol: number): [number, number] {
  const per = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  return [Number(t / per), Number(((t % per) * 1_000_000_000n) / per)];
}

// deterministic pseudo-random 32-bit values
let seed = 12345;
function rnd32(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed ^ (seed >>> 16)) >>> 0;
}

describe('pcapng timestamp conversion', () => {
  const resols = [6, 9, 0, 1, 3, 7, 8, 12, 15, 0x80, 0x80 | 10, 0x80 | 20, 0x80 | 32, 0x80 | 40];
  for (const r of resols) {
    it(`matches BigInt arithmetic for if_tsresol 0x${r.toString(16)}`, () => {
      const u = tsUnit(r);
      const f = frame();
      const his = [0, 1, 0x1fffff, 0x200000, 0x179a2f, 0x17d78400, 0x7fffffff, 0xffffffff];
      for (let k = 0; k < 400; k++) {
        const hi = k < his.length * 4 ? his[k % his.length]! : rnd32() >>> (k % 24);
        const lo = k % 5 === 0 ? [0, 0xffffffff, 999_999, 1_000_000, 999_999_999][k % 5]! : rnd32();
        const t = (BigInt(hi) << 32n) | BigInt(lo);
        const [sec, ns] = reference(t, r);
        if (sec > Number.MAX_SAFE_INTEGER) continue;
        setFrameTime(f, hi, lo, u, 0);
        expect([f.tsSec, f.tsNsec], `t=${t}`).toEqual([sec, ns]);
        expect(f.time).toBe(sec + ns / 1e9);
      }
    });
  }

  it('adds if_tsoffset seconds', () => {
    const f = frame();
    setFrameTime(f, 0, 1_500_000, tsUnit(6), -10);
    expect([f.tsSec, f.tsNsec]).toEqual([-9, 500_000_000]);
  });
});
