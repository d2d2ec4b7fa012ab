import { describe, expect, it } from 'vitest';
import {
  block,
  epb,
  flags,
  idb,
  options,
  payload,
  pb,
  readAll,
  readBytes,
  shb,
  spb,
  trickle,
  tsoffset,
  tsresol,
  u16,
  u32,
} from './build.js';

const T0 = 1_700_000_000n;

describe('pcapng', () => {
  for (const le of [true, false]) {
    it(`reads SHB + IDB + EPBs, ${le ? 'little' : 'big'}-endian`, async () => {
      const pk = [payload(0), payload(1, 61), payload(2, 1)];
      const head = [
        shb(le, [{ code: 4, value: Buffer.from('test app') }]),
        idb(le, 1, 65535, [{ code: 2, value: Buffer.from('eth0') }]),
      ];
      const blocks = pk.map((d, i) => epb(le, 0, (T0 + BigInt(i)) * 1_000_000n + 123_456n, d, [], d.length + 7));
      const bytes = Buffer.concat([...head, ...blocks]);
      const { info, recs } = await readBytes(bytes);
      // Each packet names the byte offset of its block (for warnings and errors).
      let at = head[0]!.length + head[1]!.length;
      recs.forEach((r, i) => {
        expect(r.recordOffset).toBe(at);
        at += blocks[i]!.length;
      });
      expect(info.error).toBeUndefined();
      expect(info.warnings).toEqual([]);
      expect(info.format).toBe('pcapng');
      expect(info.packets).toBe(3);
      expect(info.linktypes).toEqual([1]);
      expect(info.snaplen).toBe(65535);
      expect(info.bytes).toBe(bytes.length);
      recs.forEach((r, i) => {
        expect(r.number).toBe(i + 1);
        expect(r.tsSec).toBe(Number(T0) + i);
        expect(r.tsNsec).toBe(123_456_000);
        expect(r.capLen).toBe(pk[i]!.length);
        expect(r.wireLen).toBe(pk[i]!.length + 7);
        expect(r.direction).toBe(0);
        expect(r.data.equals(pk[i]!)).toBe(true);
      });
      expect(info.first).toBe(recs[0]!.time);
      expect(info.last).toBe(recs[2]!.time);
    });
  }

  it('resets the interface table at each section; sections may differ in byte order', async () => {
    const bytes = Buffer.concat([
      shb(true),
      idb(true, 1, 1500),
      idb(true, 113, 0, [tsresol(9)]),
      epb(true, 0, T0 * 1_000_000n, payload(0)),
      epb(true, 1, T0 * 1_000_000_000n + 5n, payload(1)),
      shb(false),
      idb(false, 228, 0, [tsresol(9)]),
      epb(false, 0, (T0 + 1n) * 1_000_000_000n + 7n, payload(2)),
      epb(false, 1, T0 * 1_000_000n, payload(3)), // interface 1 is gone in this section
      epb(false, 0, (T0 + 2n) * 1_000_000_000n, payload(4)),
    ]);
    const { info, recs } = await readBytes(bytes);
    expect(info.error).toBeUndefined();
    expect(info.linktypes).toEqual([1, 113, 228]);
    expect(info.snaplen).toBe(1500);
    expect(recs.map((r) => [r.linkType, r.interfaceId])).toEqual([
      [1, 0],
      [113, 1],
      [228, 0],
      [228, 0],
    ]);
    expect(recs.map((r) => r.tsNsec)).toEqual([0, 5, 7, 0]);
    expect(recs.map((r) => r.data.equals(payload([0, 1, 2, 4][recs.indexOf(r)]!)))).toEqual([true, true, true, true]);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0]).toMatch(/^offset \d+: packet for undefined interface 1, skipped$/);
    expect(info.packets).toBe(4);
  });

  it('honours if_tsresol 10^-9 and 2^-20 and if_tsoffset', async () => {
    const ns = T0 * 1_000_000_000n + 999_999_999n;
    const bin = (T0 << 20n) + (1n << 19n) + 1n; // T0 + 0.5 s + 2^-20 s
    const bytes = Buffer.concat([
      shb(true),
      idb(true, 1, 0, [tsresol(9)]),
      idb(true, 1, 0, [tsresol(0x80 | 20), tsoffset(true, 100)]),
      idb(true, 1, 0, [tsoffset(true, -3600)]),
      idb(true, 1, 0, [tsresol(3)]),
      epb(true, 0, ns, payload(0)),
      epb(true, 1, bin, payload(1)),
      epb(true, 2, T0 * 1_000_000n + 1n, payload(2)),
      epb(true, 3, T0 * 1000n + 999n, payload(3)),
    ]);
    const { info, recs } = await readBytes(bytes);
    expect(info.error).toBeUndefined();
    expect([recs[0]!.tsSec, recs[0]!.tsNsec]).toEqual([Number(T0), 999_999_999]);
    // 2^-20: 0.5 s + 1 unit = 500000000 + 953.67... ns, truncated
    expect([recs[1]!.tsSec, recs[1]!.tsNsec]).toEqual([Number(T0) + 100, 500_000_953]);
    expect([recs[2]!.tsSec, recs[2]!.tsNsec]).toEqual([Number(T0) - 3600, 1000]);
    expect([recs[3]!.tsSec, recs[3]!.tsNsec]).toEqual([Number(T0), 999_000_000]);
    expect(recs[0]!.time).toBe(Number(T0) + 999_999_999 / 1e9);
  });

  it('reads SPB (previous time, caplen limited by snaplen) and the obsolete PB', async () => {
    const bytes = Buffer.concat([
      shb(false),
      idb(false, 1, 30),
      spb(false, payload(0, 20), 20), // no earlier record: time 0
      pb(false, 0, T0 * 1_000_000n + 250_000n, payload(1, 24), [flags(false, 2)]),
      spb(false, payload(2, 30), 1000), // snaplen 30 < origlen 1000
      spb(false, payload(3, 12), 8), // origlen 8 < 12 bytes of body
    ]);
    const { info, recs } = await readBytes(bytes);
    expect(info.error).toBeUndefined();
    expect(info.warnings).toEqual([]);
    expect(info.packets).toBe(4);
    expect(recs[0]).toMatchObject({ tsSec: 0, tsNsec: 0, capLen: 20, wireLen: 20, interfaceId: 0 });
    expect(recs[1]).toMatchObject({ tsSec: Number(T0), tsNsec: 250_000_000, capLen: 24, direction: 2 });
    expect(recs[2]).toMatchObject({ tsSec: Number(T0), tsNsec: 250_000_000, capLen: 30, wireLen: 1000 });
    expect(recs[3]).toMatchObject({ capLen: 8, wireLen: 8 });
    expect(recs[3]!.data.equals(payload(3, 12).subarray(0, 8))).toBe(true);
    expect(info.first).toBe(0);
  });

  it('maps epb_flags bits 0-1 to the direction', async () => {
    const bytes = Buffer.concat([
      shb(true),
      idb(true, 1),
      epb(true, 0, 1n, payload(0), [flags(true, 1)]),
      epb(true, 0, 2n, payload(1), [{ code: 1, value: Buffer.from('a comment') }, flags(true, 0x0102)]),
      epb(true, 0, 3n, payload(2), [flags(true, 0)]),
      epb(true, 0, 4n, payload(3)),
    ]);
    const { recs, info } = await readBytes(bytes);
    expect(info.warnings).toEqual([]);
    expect(recs.map((r) => r.direction)).toEqual([1, 2, 0, 0]);
  });

  it('skips ISB, NRB, DSB, custom and unknown blocks', async () => {
    const le = true;
    const bytes = Buffer.concat([
      shb(le),
      block(le, 4, Buffer.concat([u16(le, 1), u16(le, 4), Buffer.from([10, 0, 0, 1]), Buffer.from('a\0\0\0'), u32(le, 0)])),
      idb(le, 1),
      block(le, 0x0a, Buffer.alloc(24, 0x41)),
      epb(le, 0, 10n, payload(0)),
      block(le, 5, Buffer.alloc(12)),
      block(le, 0x00000bad, Buffer.alloc(40, 0xee)),
      block(le, 0x40000bad, Buffer.alloc(8, 0xee)),
      block(le, 0x12345678, Buffer.alloc(0)),
      epb(le, 0, 20n, payload(1)),
    ]);
    const { info, recs } = await readBytes(bytes);
    expect(info.error).toBeUndefined();
    expect(info.warnings).toEqual([]);
    expect(recs.map((r) => r.data.equals(payload(r.number - 1)))).toEqual([true, true]);
  });

  it('skips a block bigger than the buffer without buffering it (file and stream)', async () => {
    const bytes = Buffer.concat([
      shb(true),
      idb(true, 1),
      epb(true, 0, 10n, payload(0)),
      block(true, 0x0bad, Buffer.alloc(50_000, 0x55)),
      epb(true, 0, 20n, payload(1)),
    ]);
    for (const r of [await readBytes(bytes, { chunkSize: 4096 }), await readAll(trickle(bytes, 1000), { chunkSize: 4096 })]) {
      expect(r.info.error).toBeUndefined();
      expect(r.info.warnings).toEqual([]);
      expect(r.recs).toHaveLength(2);
      expect(r.recs[1]!.data.equals(payload(1))).toBe(true);
    }
  });

  it('reads a packet block bigger than the buffer', async () => {
    const big = payload(9, 200_000);
    const bytes = Buffer.concat([shb(true), idb(true, 1), epb(true, 0, 1n, payload(0)), epb(true, 0, 2n, big), epb(true, 0, 3n, payload(1))]);
    const { info, recs } = await readBytes(bytes, { chunkSize: 4096 });
    expect(info.error).toBeUndefined();
    expect(recs).toHaveLength(3);
    expect(recs[1]!.data.equals(big)).toBe(true);
  });

  it('stops at a bad block length with the offset', async () => {
    const head = Buffer.concat([shb(true), idb(true, 1), epb(true, 0, 1n, payload(0))]);
    const tail = epb(true, 0, 2n, payload(1));
    const cases: [Buffer, string][] = [
      [block(true, 6, Buffer.alloc(20), 30), 'bad block length 30 (enhanced packet block)'],
      [block(true, 6, Buffer.alloc(20), 8), 'bad block length 8 (enhanced packet block)'],
      [block(true, 0x99, Buffer.alloc(20), 20 * 1024 * 1024), 'bad block length 20971520 (block type 0x00000099)'],
      [block(true, 6, Buffer.alloc(20), 4000), `truncated enhanced packet block: ${32 + tail.length} of 4000 bytes`],
    ];
    for (const [bad, what] of cases) {
      const bytes = Buffer.concat([head, bad, tail]);
      const { info, recs } = await readBytes(bytes);
      expect(recs).toHaveLength(1);
      expect(info.error).toBe(`test.pcap: offset ${head.length}: ${what}`);
      expect(info.errorOffset).toBe(head.length);
    }
  });

  it('reports a block cut by the end of the input (file and stream)', async () => {
    const head = Buffer.concat([shb(true), idb(true, 1), epb(true, 0, 1n, payload(0))]);
    const cut = Buffer.concat([head, epb(true, 0, 2n, payload(1, 40)).subarray(0, 30)]);
    for (const r of [await readBytes(cut), await readAll(trickle(cut, 7))]) {
      expect(r.recs).toHaveLength(1);
      expect(r.info.error).toBe(`test.pcap: offset ${head.length}: truncated enhanced packet block: 30 of 72 bytes`);
    }
    const r2 = await readBytes(Buffer.concat([head, Buffer.from([6, 0, 0, 0, 72])]));
    expect(r2.info.error).toBe(`test.pcap: offset ${head.length}: truncated block header: 5 of 12 bytes`);
  });

  it('warns about an option running past its block and ignores the rest', async () => {
    const le = true;
    // IDB whose first option claims 200 bytes: if_tsresol after it must be ignored (microseconds stay).
    const badOpts = Buffer.concat([u16(le, 2), u16(le, 200), Buffer.from('eth0'), options(le, [tsresol(9)])]);
    const badIdb = block(le, 1, Buffer.concat([u16(le, 1), u16(le, 0), u32(le, 0), badOpts]));
    const bytes = Buffer.concat([shb(le), badIdb, epb(le, 0, T0 * 1_000_000n + 5n, payload(0))]);
    const { info, recs } = await readBytes(bytes);
    expect(info.error).toBeUndefined();
    expect(recs).toHaveLength(1);
    expect(recs[0]!.tsNsec).toBe(5000);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0]).toBe(
      `offset ${shb(le).length + 16}: option 2 (length 200) runs past the end of its block; remaining options ignored`,
    );
  });

  it('warns about a trailing length mismatch and goes on', async () => {
    const le = false;
    const body = Buffer.concat([u16(le, 1), u16(le, 0), u32(le, 0)]);
    const bytes = Buffer.concat([shb(le), block(le, 1, body, undefined, 99), epb(le, 0, 1n, payload(0))]);
    const { info, recs } = await readBytes(bytes);
    expect(info.error).toBeUndefined();
    expect(recs).toHaveLength(1);
    expect(info.warnings).toEqual([`offset 28: interface description block: trailing block length 99 differs from 20`]);
  });

  it('warns about and skips a packet whose caplen runs past its block', async () => {
    const good = epb(true, 0, 2n, payload(1));
    const bad = Buffer.from(epb(true, 0, 1n, payload(0, 8)));
    bad.writeUInt32LE(500, 20);
    const bytes = Buffer.concat([shb(true), idb(true, 1), bad, good]);
    const { info, recs } = await readBytes(bytes);
    expect(recs).toHaveLength(1);
    expect(info.warnings[0]).toMatch(/enhanced packet block: caplen 500 runs past the block, skipped/);
  });

  it('rejects a section of version 2 and a bad byte-order magic', async () => {
    const first = Buffer.concat([shb(true), idb(true, 1), epb(true, 0, 1n, payload(0))]);
    const v2 = await readBytes(Buffer.concat([first, shb(true, [], 2, 0), idb(true, 1), epb(true, 0, 1n, payload(0))]));
    expect(v2.recs).toHaveLength(1);
    expect(v2.info.error).toBe(`test.pcap: offset ${first.length}: unsupported pcapng version 2.0`);
    const badBom = Buffer.from(shb(true));
    badBom.writeUInt32LE(0x11223344, 8);
    const b = await readBytes(badBom);
    expect(b.info.format).toBe('pcapng');
    expect(b.info.error).toBe('test.pcap: offset 0: bad pcapng byte-order magic 0x11223344');
  });

  it('reads an SHB-only file as zero packets', async () => {
    const { info } = await readBytes(shb(true));
    expect(info.error).toBeUndefined();
    expect(info.packets).toBe(0);
    expect(info.linktypes).toEqual([]);
  });
});
