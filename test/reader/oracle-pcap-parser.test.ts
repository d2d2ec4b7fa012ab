/**
 * Independent oracle: the `pcap-parser` package (a separate classic-pcap
 * implementation) must see exactly the records our reader delivers, for every
 * microsecond classic pcap (either byte order) in `captures/` and in the
 * shared corpus. pcap-parser cannot read nanosecond, "modified" or pcapng
 * files, nor gzip, so those are not compared.
 *
 * Compared per record: count, seconds, microseconds (ours: tsNsec / 1000),
 * caplen, wire length and the captured bytes. pcap-parser does not normalize a
 * microsecond fraction >= 1e6, so the total microseconds are compared then.
 *
 * pcap-parser buffers without bound on a corrupt length; where our reader
 * stops with a fatal error only the records before the error are compared.
 */
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { basename, relative } from 'node:path';
import pcapp from 'pcap-parser';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/reader/read.js';
import { CAPTURES_DIR, CORPUS_DIR, CORPUS_MISSING, REPO_ROOT, corpusFiles, filesUnder } from './corpus.js';

/** Files left out of the comparison, with the reason. Currently none needs to be. */
const EXCLUDED: Record<string, string> = {};

interface Rec {
  sec: number;
  usec: number;
  capLen: number;
  wireLen: number;
  data: Buffer;
}

function magic(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 ? b.readUInt32BE(0) : 0;
  } finally {
    closeSync(fd);
  }
}

/** Microsecond classic pcap, either byte order: the only kind pcap-parser reads. */
function isMicrosecondPcap(path: string): boolean {
  const m = magic(path);
  return m === 0xa1b2c3d4 || m === 0xd4c3b2a1;
}

function viaPcapParser(path: string): Promise<{ recs: Rec[]; error?: string }> {
  return new Promise((resolve) => {
    const recs: Rec[] = [];
    let error: string | undefined;
    const p = pcapp.parse(path);
    p.on('packet', (pk) => {
      recs.push({
        sec: pk.header.timestampSeconds,
        usec: pk.header.timestampMicroseconds,
        capLen: pk.header.capturedLength,
        wireLen: pk.header.originalLength,
        data: Buffer.from(pk.data),
      });
    });
    p.on('error', (e: Error) => {
      error ??= e.message;
    });
    p.on('end', () => resolve({ recs, error }));
  });
}

async function viaReader(path: string) {
  const recs: Rec[] = [];
  const info = await readCapture(path, basename(path), (f) => {
    recs.push({
      sec: f.tsSec,
      usec: f.tsNsec / 1000,
      capLen: f.capLen,
      wireLen: f.wireLen,
      data: Buffer.from(f.buf.subarray(f.off, f.off + f.capLen)),
    });
  });
  return { info, recs };
}

const candidates = [
  ...filesUnder(CAPTURES_DIR).map((p) => ({ path: p, corpus: false })),
  ...corpusFiles().map((f) => ({ path: `${CORPUS_DIR}/${f}`, corpus: true })),
].filter((c) => isMicrosecondPcap(c.path));

const label = (p: string) => (p.startsWith(CORPUS_DIR) ? `corpus/${basename(p)}` : relative(REPO_ROOT, p));

describe('reader vs pcap-parser (classic microsecond pcap)', () => {
  const compared: string[] = [];

  it.each(candidates.map((c) => [label(c.path), c.path] as const))('%s', async (name, path) => {
    if (EXCLUDED[name] !== undefined) return;
    const [ours, theirs] = await Promise.all([viaReader(path), viaPcapParser(path)]);
    if (theirs.error !== undefined) {
      expect.fail(`pcap-parser failed on ${name} (${theirs.error}): add it to EXCLUDED with the reason`);
    }
    let want = theirs.recs;
    if (ours.info.error !== undefined) {
      // compare only the records before our fatal error; pcap-parser must have read at least those
      expect(theirs.recs.length).toBeGreaterThanOrEqual(ours.recs.length);
      want = theirs.recs.slice(0, ours.recs.length);
    }
    expect(ours.recs.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      const a = ours.recs[i]!;
      const b = want[i]!;
      const at = `${name} record ${i + 1}`;
      if (b.usec < 1_000_000) {
        expect([a.sec, a.usec], at).toEqual([b.sec, b.usec]);
      } else {
        expect(a.sec * 1e6 + a.usec, `${at} (fraction >= 1 s)`).toBe(b.sec * 1e6 + b.usec);
      }
      expect([a.capLen, a.wireLen], at).toEqual([b.capLen, b.wireLen]);
      if (!a.data.equals(b.data)) expect.fail(`${at}: captured bytes differ`);
    }
    compared.push(name);
  });

  it('compared enough files', () => {
    if (!existsSync(CORPUS_DIR)) expect.fail(CORPUS_MISSING);
    const fromCorpus = compared.filter((n) => n.startsWith('corpus/'));
    expect(fromCorpus.length, `only ${fromCorpus.length} corpus files compared`).toBeGreaterThanOrEqual(40);
  });
});
