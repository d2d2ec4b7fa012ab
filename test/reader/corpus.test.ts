/**
 * Every capture of the shared corpus against its tshark/capinfos oracle
 * (`<file>.oracle.json`, see the corpus README): the reader must resolve
 * quickly and never throw; where tshark read the file, packet counts, formats,
 * link types and the stream first/last frame timestamps must agree exactly.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../src/reader/frame.js';
import { readCapture } from '../../src/reader/read.js';
import { CORPUS_DIR, CORPUS_MISSING, corpusFiles, oracle, type Oracle } from './corpus.js';

const files = corpusFiles();

/**
 * Files tshark could not read, and what the reader does with each. Rule for any
 * other such file: `info.error` is set, or the packet count matches.
 */
const TSHARK_FAILED: Record<string, { error: RegExp | null; packets: number; warns?: boolean; why: string }> = {
  'gopacket__le__test901.pcapng': {
    error: /offset 480: unsupported pcapng version 2\.0$/,
    packets: 1,
    why: 'third section has SHB version 2.0: error, after the 1 packet tshark also read',
  },
  'libpcap__pcapng-invalid-vers-1.pcapng': {
    error: /offset 0: unsupported pcapng version 0\.1$/,
    packets: 0,
    why: 'SHB version 0.1: error before any packet',
  },
  'libpcap__shb-option-too-long.pcapng': {
    error: null,
    packets: 1,
    why:
      'COUNT DIFFERS (1 vs tshark 0): an SHB option longer than its block and wrong trailing lengths are ' +
      'warnings for this reader (block framing by the leading lengths is intact), while tshark gives up; ' +
      'the one EPB is delivered, with warnings',
    warns: true,
  },
  'suricata__bug-1450-04__tls_DER-incomplete-header.pcap': {
    error: /offset 5035: corrupt record: caplen 4325376 above the maximum 262144/,
    packets: 6,
    why: 'record 7 claims 4 MB: error, count matches',
  },
  'suricata__smtp-to-comma.pcap': {
    error: /offset 3695: corrupt record: caplen 3925868813 above the maximum 262144/,
    packets: 18,
    why: 'record 19 caplen implausible: error, count matches',
  },
  'tcpdump__kday6.pcap': {
    error: null,
    packets: 1,
    why:
      'tshark rejects link type 182, the file itself is sound: the reader delivers its 1 record ' +
      '(= header.records); tshark counted 0',
  },
};

function tsharkOk(o: Oracle): boolean {
  return o.tshark.ok === true || o.tshark.exit_code === 0;
}

/** "1418145369.924505488" -> [sec, ns]; null for what tshark cannot print faithfully (negative, > 9 digits). */
function parseTs(s: string): [number, number] | null {
  const m = /^(\d+)\.(\d{1,9})$/.exec(s);
  if (m === null) return null;
  return [Number(m[1]), Number(m[2]!.padEnd(9, '0'))];
}

function expectedFormat(o: Oracle): string {
  const h = o.header;
  if (h.format === 'pcapng') return 'pcapng';
  if (h.format === 'pcap' && h.ts_resolution === 'ns') return 'pcap-ns';
  return 'pcap';
}

async function readWithin(path: string, name: string, wanted: Set<number>, ms: number) {
  const times = new Map<number, [number, number]>();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`readCapture did not resolve within ${ms} ms`)), ms);
  });
  try {
    const info: CaptureInfo = await Promise.race([
      readCapture(path, name, (f) => {
        if (wanted.has(f.number)) times.set(f.number, [f.tsSec, f.tsNsec]);
      }),
      timeout,
    ]);
    return { info, times };
  } finally {
    clearTimeout(timer);
  }
}

describe('shared corpus vs tshark oracle', () => {
  it('the corpus is present', () => {
    if (!existsSync(CORPUS_DIR)) expect.fail(CORPUS_MISSING);
    expect(files.length, `only ${files.length} captures with oracles in ${CORPUS_DIR}`).toBeGreaterThanOrEqual(100);
  });

  it.each(files)('%s', async (file) => {
    const o = oracle(file);
    const wanted = new Map<number, string>();
    for (const s of o.streams ?? []) {
      wanted.set(s.first_frame, s.first_ts);
      wanted.set(s.last_frame, s.last_ts);
    }
    const { info, times } = await readWithin(join(CORPUS_DIR, file), file, new Set(wanted.keys()), 5000);
    expect(info.path).toBe(join(CORPUS_DIR, file));
    expect(info.gzip).toBe(o.header.container === 'gzip');
    if (info.error !== undefined) {
      expect(info.error.startsWith(`${file}: offset `)).toBe(true);
      expect(info.error).not.toContain('\n');
    }

    if (tsharkOk(o)) {
      expect(info.error).toBeUndefined();
      expect(info.packets).toBe(o.packets);
      if (o.header.records !== undefined) expect(info.packets).toBe(o.header.records);
      expect(info.format).toBe(expectedFormat(o));
      if (o.header.linktypes) expect([...info.linktypes].sort((a, b) => a - b)).toEqual([...o.header.linktypes].sort((a, b) => a - b));
      let compared = 0;
      for (const [frame, ts] of wanted) {
        const want = parseTs(ts);
        if (want === null) continue; // e.g. tshark prints "-1418145370.2147483648" for a fraction >= 1e9
        expect(times.get(frame), `frame ${frame} time`).toEqual(want);
        compared++;
      }
      if (wanted.size > 0) expect(compared).toBeGreaterThan(0);
    } else {
      const known = TSHARK_FAILED[file];
      if (known !== undefined) {
        expect(info.packets, known.why).toBe(known.packets);
        if (known.warns) expect(info.warnings.length, known.why).toBeGreaterThan(0);
        if (known.error === null) {
          expect(info.error, known.why).toBeUndefined();
        } else {
          expect(info.error, known.why).toMatch(known.error);
        }
      } else {
        // not listed: a fatal error must be reported, or the count must match tshark's
        const countMatches = info.packets === o.packets || info.packets === o.header.records;
        expect(info.error !== undefined || countMatches, `tshark failed (${o.tshark.stderr}); reader: ${info.packets} packets, error ${info.error}`).toBe(true);
      }
    }
  }, 10_000);
});
