/**
 * Robustness: damaged inputs (flipped bytes, cuts, spliced garbage) must never
 * make readCapture throw or hang, and problems must be reported as one line.
 * Also: a file and the same bytes as a stream give the same outcome.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { epb, idb, pcapFile, payload, readAll, readBytes, shb, spb, trickle, tsresol, pb, flags } from './build.js';
import { CORPUS_DIR, corpusFiles } from './corpus.js';
import type { CaptureInfo } from '../../src/reader/frame.js';

/** Override with READER_FUZZ_SEED / READER_FUZZ_RUNS for a longer local run. */
let seed = Number(process.env.READER_FUZZ_SEED ?? 0x2545f491) | 0 || 1;
const RUNS = Number(process.env.READER_FUZZ_RUNS ?? 400);
function rnd(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

function mutate(src: Buffer): Buffer {
  const b = Buffer.from(src);
  switch (rnd(4)) {
    case 0: {
      const k = 1 + rnd(8);
      for (let i = 0; i < k; i++) b[rnd(b.length)] = rnd(256);
      return b;
    }
    case 1:
      return b.subarray(0, rnd(b.length));
    case 2: {
      // overwrite a 32-bit field with an extreme value
      const at = rnd(Math.max(1, b.length - 4)) & ~3;
      b.writeUInt32LE([0, 0xffffffff, 0x7fffffff, 13, 0x01000000][rnd(5)]!, at);
      return b;
    }
    default: {
      const at = rnd(b.length);
      return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + rnd(40) }, () => rnd(256))), b.subarray(at)]);
    }
  }
}

const built: Buffer[] = [
  pcapFile(true, 'us', Array.from({ length: 12 }, (_, i) => ({ sec: i, frac: i, data: payload(i) }))),
  pcapFile(false, 'ns', Array.from({ length: 12 }, (_, i) => ({ sec: i, frac: i, data: payload(i) }))),
  pcapFile(true, 'modified', Array.from({ length: 12 }, (_, i) => ({ sec: i, frac: i, data: payload(i) }))),
  Buffer.concat([
    shb(true),
    idb(true, 1, 0, [tsresol(0x80 | 20)]),
    ...Array.from({ length: 10 }, (_, i) => epb(true, 0, BigInt(i) << 20n, payload(i), [flags(true, 1)])),
    spb(true, payload(50)),
    pb(true, 0, 5n, payload(51)),
    shb(false),
    idb(false, 113),
    epb(false, 0, 1n, payload(60)),
  ]),
];

/** Fail (instead of hanging) when reading takes too long; the input is shown as hex. */
async function within<T>(p: Promise<T>, input: Buffer, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => {
          writeFileSync(join(tmpdir(), 'pcap-reset-reader-hang.bin'), input);
          rej(new Error(`readCapture hung on a ${input.length}-byte input (saved to ${tmpdir()}/pcap-reset-reader-hang.bin)`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('damaged inputs', () => {
  it('never throw, never hang, report one line', async () => {
    const samples = [...built];
    for (const f of corpusFiles().slice(0, 200)) {
      const b = readFileSync(join(CORPUS_DIR, f));
      if (b.length < 20_000) samples.push(b);
    }
    let runs = 0;
    for (let i = 0; i < RUNS; i++) {
      const base = samples[rnd(samples.length)]!;
      let bad = mutate(base);
      if (rnd(10) === 0) bad = gzipSync(bad);
      if (rnd(12) === 0) bad = gzipSync(base).subarray(0, rnd(gzipSync(base).length));
      const r = await within(readBytes(bad, { chunkSize: 4096 + rnd(3) * 4096 }), bad);
      if (r.info.error !== undefined) {
        expect(r.info.error).toMatch(/^test\.pcap: offset \d+: /);
        expect(r.info.error).not.toMatch(/\n/);
        expect(r.info.errorOffset).toBeGreaterThanOrEqual(0);
      }
      expect(r.info.packets).toBe(r.recs.length);
      expect(r.info.warnings.length).toBeLessThanOrEqual(101);
      if (i % 8 === 0) {
        const s = await within(readAll(trickle(bad, 1 + rnd(300))), bad);
        // After a zlib error, how much output came before it depends on how the input was chunked
        // (zlib drops the output of the call that fails), so broken gzip is compared loosely.
        // For gzip, how much compressed input had been read when reading stopped depends on the chunking.
        if (r.info.gzip && [r.info.error, s.info.error].some((e) => e?.includes('broken gzip stream'))) {
          expect(s.info.error).toMatch(/^test\.pcap: offset \d+: /);
        } else {
          expect(s.recs.length).toBe(r.recs.length);
          const norm = (i: CaptureInfo) => ({ ...i, path: '', bytes: i.gzip && i.error !== undefined ? 0 : i.bytes });
          expect(norm(s.info)).toEqual(norm(r.info));
        }
      }
      runs++;
    }
    expect(runs).toBe(RUNS);
  }, 600_000);
});
