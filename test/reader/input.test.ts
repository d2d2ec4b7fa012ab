import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/reader/read.js';
import {
  epb,
  idb,
  pcapFile,
  payload,
  readAll,
  readBytes,
  shb,
  spb,
  trickle,
  tsresol,
  type PcapRecord,
  type Rec,
} from './build.js';
import { tempFile } from '../helpers/temp.js';

function pcapRecs(n: number, size = (i: number) => 20 + ((i * 37) % 300)): PcapRecord[] {
  const out: PcapRecord[] = [];
  for (let i = 0; i < n; i++) out.push({ sec: 1_600_000_000 + i, frac: i * 1000, data: payload(i, size(i)) });
  return out;
}

const samples: Record<string, Buffer> = {
  'pcap us le': pcapFile(true, 'us', pcapRecs(40)),
  'pcap us be': pcapFile(false, 'us', pcapRecs(40)),
  'pcap ns be': pcapFile(false, 'ns', pcapRecs(30)),
  'pcap modified le': pcapFile(true, 'modified', pcapRecs(30)),
  pcapng: Buffer.concat([
    shb(true),
    idb(true, 1, 0, [tsresol(9)]),
    idb(true, 113),
    ...pcapRecs(40).map((r, i) => epb(true, i % 2, BigInt(r.sec) * 1_000_000_000n + BigInt(i), r.data)),
    spb(true, payload(99, 33)),
    shb(false),
    idb(false, 101),
    epb(false, 0, 5_000_000n, payload(100, 77)),
  ]),
};

function same(a: Rec[], b: Rec[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const { data: da, ...ra } = a[i]!;
    const { data: db, ...rb } = b[i]!;
    expect(ra).toEqual(rb);
    if (!da.equals(db)) expect.fail(`record ${i + 1}: bytes differ`);
  }
}

const fifoDir = mkdtempSync(join(tmpdir(), 'pcap-reset-reader-fifo-'));
afterAll(() => rmSync(fifoDir, { recursive: true, force: true }));

describe('input sources', () => {
  for (const [name, bytes] of Object.entries(samples)) {
    it(`${name}: file, gzip file, 1-byte stream, gzip 1-byte stream and small chunks agree`, async () => {
      const ref = await readBytes(bytes);
      expect(ref.info.error).toBeUndefined();
      expect(ref.info.warnings).toEqual([]);
      expect(ref.info.packets).toBeGreaterThan(20);

      const gz = gzipSync(bytes);
      const g = await readBytes(gz);
      expect(g.info.gzip).toBe(true);
      expect(g.info.error).toBeUndefined();
      expect(g.info.format).toBe(ref.info.format);
      expect(g.info.bytes).toBe(gz.length);
      same(g.recs, ref.recs);

      const s = await readAll(trickle(bytes, 1));
      expect({ ...s.info, path: '' }).toEqual({ ...ref.info, path: '' });
      same(s.recs, ref.recs);

      const gs = await readAll(trickle(gz, 1));
      expect(gs.info.error).toBeUndefined();
      expect(gs.info.gzip).toBe(true);
      same(gs.recs, ref.recs);

      for (const chunkSize of [4096, 4099, 10_000]) {
        const c = await readBytes(bytes, { chunkSize });
        expect(c.info).toEqual({ ...ref.info, path: c.info.path });
        same(c.recs, ref.recs);
      }
      for (const piece of [3, 17, 1000]) same((await readAll(trickle(bytes, piece))).recs, ref.recs);
    });
  }

  it('many records straddling chunk boundaries, with read-ahead', async () => {
    const bytes = pcapFile(true, 'us', pcapRecs(3000, (i) => (i * 7919) % 1600));
    const ref = await readAll(Readable.from([bytes]));
    expect(ref.info.packets).toBe(3000);
    for (const chunkSize of [4096, 4097, 65536, 1 << 20]) same((await readBytes(bytes, { chunkSize })).recs, ref.recs);
  });

  it('a broken gzip stream is a fatal error with the offset reached', async () => {
    const bytes = pcapFile(true, 'us', pcapRecs(2000));
    const gz = gzipSync(bytes);
    const cut = await readBytes(gz.subarray(0, Math.floor(gz.length * 0.6)));
    expect(cut.info.gzip).toBe(true);
    expect(cut.info.error).toMatch(/^test\.pcap: offset \d+: broken gzip stream after \d+ compressed bytes: unexpected end of file$/);
    expect(cut.info.errorOffset).toBeGreaterThan(0);
    expect(cut.info.packets).toBeGreaterThan(0);
    expect(cut.info.packets).toBeLessThan(2000);
    const garbled = Buffer.from(gz);
    for (let i = 200; i < 260; i++) garbled[i] = 0xff ^ garbled[i]!;
    const g = await readBytes(garbled);
    expect(g.info.error).toMatch(/^test\.pcap: offset \d+: broken gzip stream after \d+ compressed bytes: /);
    const tiny = await readBytes(Buffer.from([0x1f, 0x8b]));
    expect(tiny.info.error).toMatch(/^test\.pcap: offset 0: broken gzip stream/);
  });

  it('gzip of something else is not a capture', async () => {
    const { info } = await readBytes(gzipSync(Buffer.from('hello, world\n')));
    expect(info.gzip).toBe(true);
    expect(info.error).toBe('test.pcap: offset 0: not a pcap or pcapng capture (magic 68 65 6c 6c)');
  });

  it('an empty file, a text file and a 3-byte file are fatal errors, not exceptions', async () => {
    expect((await readBytes(Buffer.alloc(0))).info.error).toBe('test.pcap: offset 0: empty input: not a pcap or pcapng capture');
    const text = await readBytes(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(text.info.error).toBe('test.pcap: offset 0: not a pcap or pcapng capture (magic 47 45 54 20)');
    expect(text.info.format).toBe('unknown');
    expect(text.info.packets).toBe(0);
    expect((await readBytes(Buffer.from([0xd4, 0xc3, 0xb2]))).info.error).toBe(
      'test.pcap: offset 0: not a pcap or pcapng capture (input is only 3 bytes: d4 c3 b2)',
    );
    expect((await readAll(Readable.from([]))).info.error).toBe('test.pcap: offset 0: empty input: not a pcap or pcapng capture');
  });

  it('a missing file or a directory is reported, not thrown', async () => {
    const missing = await readCapture('/nonexistent/x.pcap', 'x.pcap', () => undefined);
    expect(missing.error).toMatch(/^x\.pcap: offset 0: cannot open: ENOENT/);
    const dir = await readCapture(tmpdir(), 'tmp', () => undefined);
    expect(dir.error).toMatch(/^tmp: offset 0: cannot open: EISDIR/);
  });

  it('a stream error is reported, not thrown', async () => {
    const bytes = samples['pcap us le']!;
    const s = new Readable({ read() {} });
    s.push(bytes.subarray(0, 300));
    setImmediate(() => s.destroy(new Error('boom')));
    const { info, recs } = await readAll(s);
    expect(recs.length).toBeGreaterThan(0);
    expect(info.error).toMatch(/^test\.pcap: offset 300: read error: boom$/);
  });

  it("reads stdin for '-'", async () => {
    const bytes = samples.pcapng!;
    const ref = await readBytes(bytes);
    const desc = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    Object.defineProperty(process, 'stdin', { value: trickle(bytes, 5), configurable: true });
    try {
      const r = await readAll('-');
      expect(r.info.path).toBe('-');
      same(r.recs, ref.recs);
    } finally {
      Object.defineProperty(process, 'stdin', desc);
    }
  });

  it('reads a live pipe where data arrives slowly, delivering records as they come', async () => {
    // Like `tcpdump -U -w - | pcap-reset analyze -`: a writer process sends one record at a time.
    const recs = pcapRecs(6);
    const bytes = pcapFile(true, 'us', recs);
    const hex = bytes.toString('hex');
    // write the header, then one record per tick, record 2 split in two
    const cuts = [0, 24];
    for (const r of recs) cuts.push(cuts[cuts.length - 1]! + 16 + r.data.length);
    cuts.splice(3, 0, cuts[2]! + 5);
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const b = Buffer.from(process.argv[1], 'hex'); let i = 0;
         const cuts = JSON.parse(process.argv[2]);
         const t = setInterval(() => { if (++i >= cuts.length) { clearInterval(t); return; }
           process.stdout.write(b.subarray(cuts[i - 1], cuts[i])); }, 100);`,
        hex,
        JSON.stringify(cuts),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const arrival: number[] = [];
    const t0 = Date.now();
    const r = await readCapture(child.stdout, 'pipe', () => arrival.push(Date.now() - t0));
    expect(r.error).toBeUndefined();
    expect(r.packets).toBe(6);
    // each record was delivered as it arrived, not at the end of the input
    expect(arrival[0]!).toBeLessThan(arrival[5]! - 150); // ideally 400 ms apart
    expect(arrival[4]!).toBeLessThan(arrival[5]! - 30);
  });

  it('reads a FIFO by path', async () => {
    const fifo = join(fifoDir, 'cap.fifo');
    execFileSync('mkfifo', [fifo]);
    const bytes = samples['pcap ns be']!;
    const ref = await readBytes(bytes);
    const w = createWriteStream(fifo);
    w.write(bytes.subarray(0, 100));
    setTimeout(() => w.end(bytes.subarray(100)), 50);
    const r = await readAll(fifo);
    expect(r.info.error).toBeUndefined();
    same(r.recs, ref.recs);
  });

  it('maxPackets, shouldStop and onProgress', async () => {
    const bytes = pcapFile(true, 'us', pcapRecs(5000));
    const path = tempFile(bytes);
    const m = await readAll(path, { maxPackets: 7 });
    expect(m.info.packets).toBe(7);
    expect(m.recs).toHaveLength(7);
    expect(m.info.error).toBeUndefined();
    expect(m.info.bytes).toBe(24 + pcapRecs(7).reduce((s, r) => s + 16 + r.data.length, 0));
    const ms = await readAll(trickle(bytes, 999), { maxPackets: 3 });
    expect(ms.recs).toHaveLength(3);
    for (const sample of [bytes, samples.pcapng!]) {
      const z = await readBytes(sample, { maxPackets: 0 });
      expect(z.recs).toHaveLength(0);
      expect(z.info.error).toBeUndefined();
      expect(z.info.format).not.toBe('unknown');
    }
    expect((await readBytes(samples.pcapng!, { maxPackets: 41 })).recs).toHaveLength(41);

    const progress: number[] = [];
    const p = await readAll(path, { chunkSize: 65536, onProgress: (b) => progress.push(b) });
    expect(p.info.packets).toBe(5000);
    // about once per chunk (the first read also fills the read-ahead head room)
    expect(progress.length).toBeGreaterThan(bytes.length / (65536 + 262144) - 1);
    expect(progress.length).toBeLessThan(bytes.length / 65536 + 5);
    expect(progress[progress.length - 1]).toBe(bytes.length);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);

    let calls = 0;
    const s = await readAll(path, { chunkSize: 65536, shouldStop: () => ++calls >= 2 });
    expect(s.info.packets).toBeGreaterThan(0);
    expect(s.info.packets).toBeLessThan(5000);
    expect(s.info.error).toBeUndefined();
  });

  it('throws only on programmer error', async () => {
    const path = tempFile(samples['pcap us le']!);
    await expect(readCapture(path, 'x', undefined as never)).rejects.toThrow(TypeError);
    await expect(
      readCapture(path, 'x', () => {
        throw new Error('sink bug');
      }),
    ).rejects.toThrow('sink bug');
  });

  it('reuses one Frame object', async () => {
    const seen = new Set<object>();
    await readCapture(tempFile(samples.pcapng!), 'x', (f) => seen.add(f));
    expect(seen.size).toBe(1);
  });
});

describe('readCapture with an abort signal (Ctrl-C)', () => {
  const bytes = pcapFile(true, 'us', pcapRecs(40));

  /** `sent` pushed to a stream never ended (a capture still running), reading aborted after 50 ms. */
  async function abortedLivePipe(sent: Buffer) {
    const ref = await readBytes(bytes);
    const s = new Readable({ read() {} });
    s.push(sent);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const r = await readAll(s, { signal: stop.signal });
    same(r.recs, ref.recs);
    expect(r.info.interrupted).toBe(true);
    expect(r.info.error).toBeUndefined();
    return { r, s };
  }

  it('gives up a read waiting on a quiet live pipe: every record so far delivered, no error', async () => {
    const { r, s } = await abortedLivePipe(bytes);
    expect(r.info.bytes).toBe(bytes.length);
    expect(s.destroyed).toBe(true);
  });

  it('does so behind gzip too', async () => {
    await abortedLivePipe(gzipSync(bytes).subarray(0, -8)); // no gzip trailer yet: the writer is still going
  });

  it('stops a file between chunks, at the record boundary it reports', async () => {
    const big = pcapFile(true, 'us', pcapRecs(4000)); // larger than the first read (256 KiB + a chunk)
    const stop = new AbortController();
    let n = 0;
    const info = await readCapture(tempFile(big), 'f.pcap', () => { if (++n === 5) stop.abort(); }, { signal: stop.signal, chunkSize: 4096 });
    expect(info.interrupted).toBe(true);
    expect(info.packets).toBe(n);
    expect(n).toBeGreaterThanOrEqual(5);
    expect(n).toBeLessThan(4000);
    // `bytes` is the offset right after the last record delivered.
    const ref = (await readBytes(big)).recs;
    expect(info.bytes).toBe(ref[n]!.recordOffset);
    expect(info.error).toBeUndefined();
  });

  it('reads to the end, not interrupted, when the signal is never aborted', async () => {
    const r = await readAll(trickle(bytes, 100), { signal: new AbortController().signal });
    expect(r.recs.length).toBe(40);
    expect(r.info.interrupted).toBeUndefined();
  });
});
