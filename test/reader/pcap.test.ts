import { describe, expect, it } from 'vitest';
import { pcapFile, pcapHeader, pcapRecord, payload, readBytes, type PcapKind, type PcapRecord } from './build.js';

const kinds: PcapKind[] = ['us', 'ns', 'modified'];

function records(kind: PcapKind, n: number): PcapRecord[] {
  const out: PcapRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      sec: 1_700_000_000 + i,
      frac: kind === 'ns' ? 123_456_789 + i : 654_321 + i,
      data: payload(i),
      wire: payload(i).length + 100,
      pktType: i % 2 === 0 ? 0 : 4,
    });
  }
  return out;
}

describe('classic pcap', () => {
  for (const kind of kinds) {
    for (const le of [true, false]) {
      it(`reads ${kind} pcap, ${le ? 'little' : 'big'}-endian`, async () => {
        const recs = records(kind, 5);
        const { info, recs: got } = await readBytes(pcapFile(le, kind, recs, { snaplen: 1500, network: 113 }));
        expect(info.error).toBeUndefined();
        expect(info.warnings).toEqual([]);
        expect(info.format).toBe(kind === 'ns' ? 'pcap-ns' : 'pcap');
        expect(info.gzip).toBe(false);
        expect(info.packets).toBe(5);
        expect(info.linktypes).toEqual([113]);
        expect(info.snaplen).toBe(1500);
        expect(got).toHaveLength(5);
        // Each record's byte offset: the 24-byte file header, then 16 (24 modified) + caplen per record.
        const hl = kind === 'modified' ? 24 : 16;
        let at = 24;
        got.forEach((r, i) => {
          expect(r.recordOffset).toBe(at);
          at += hl + recs[i]!.data.length;
          const w = recs[i]!;
          expect(r.number).toBe(i + 1);
          expect(r.tsSec).toBe(w.sec);
          expect(r.tsNsec).toBe(kind === 'ns' ? w.frac : w.frac * 1000);
          expect(r.time).toBe(r.tsSec + r.tsNsec / 1e9);
          expect(r.capLen).toBe(w.data.length);
          expect(r.wireLen).toBe(w.wire);
          expect(r.linkType).toBe(113);
          expect(r.interfaceId).toBe(0);
          expect(r.direction).toBe(kind === 'modified' ? (i % 2 === 0 ? 1 : 2) : 0);
          expect(r.data.equals(w.data)).toBe(true);
        });
        expect(info.first).toBe(got[0]!.time);
        expect(info.last).toBe(got[4]!.time);
        expect(info.bytes).toBe(pcapFile(le, kind, recs, { snaplen: 1500, network: 113 }).length);
      });
    }
  }

  it('takes the link type from the low 16 bits of the network field', async () => {
    const { info, recs } = await readBytes(pcapFile(true, 'us', records('us', 1), { network: 0x30000001 }));
    expect(info.linktypes).toEqual([1]);
    expect(recs[0]!.linkType).toBe(1);
  });

  it('delivers caplen > snaplen (within 256 KiB) with a warning', async () => {
    const { info, recs } = await readBytes(
      pcapFile(true, 'us', [{ sec: 1, frac: 0, data: payload(0, 100) }, { sec: 2, frac: 0, data: payload(1, 50) }], {
        snaplen: 64,
      }),
    );
    expect(info.error).toBeUndefined();
    expect(info.packets).toBe(2);
    expect(recs[0]!.capLen).toBe(100);
    expect(info.warnings).toEqual(['offset 24: record 1: caplen 100 above snaplen 64']);
  });

  it('warns about wire length below caplen and keeps the record', async () => {
    const { info, recs } = await readBytes(pcapFile(false, 'us', [{ sec: 1, frac: 0, data: payload(0, 40), wire: 30 }]));
    expect(info.packets).toBe(1);
    expect(recs[0]!.wireLen).toBe(30);
    expect(info.warnings).toEqual(['offset 24: record 1: original length 30 below caplen 40']);
  });

  it('normalizes a timestamp fraction >= 1 s with a warning', async () => {
    const us = await readBytes(pcapFile(true, 'us', [{ sec: 10, frac: 2_500_000, data: payload(0) }]));
    expect(us.recs[0]!.tsSec).toBe(12);
    expect(us.recs[0]!.tsNsec).toBe(500_000_000);
    expect(us.info.warnings[0]).toMatch(/^offset 24: record 1: timestamp fraction 2500000/);
    const ns = await readBytes(pcapFile(true, 'ns', [{ sec: 10, frac: 4_000_000_001, data: payload(0) }]));
    expect(ns.recs[0]!.tsSec).toBe(14);
    expect(ns.recs[0]!.tsNsec).toBe(1);
    expect(ns.info.warnings).toHaveLength(1);
  });

  it('stops with a fatal error at a corrupt huge caplen, after delivering earlier records', async () => {
    const good = pcapRecord(true, 'us', { sec: 1, frac: 0, data: payload(0, 60) });
    const bad = pcapRecord(true, 'us', { sec: 2, frac: 0, data: payload(1, 10), caplen: 300_000 });
    const bytes = Buffer.concat([pcapHeader(true, 'us'), good, good, bad, good]);
    const { info, recs } = await readBytes(bytes);
    expect(recs).toHaveLength(2);
    expect(info.packets).toBe(2);
    const off = 24 + 2 * good.length;
    expect(info.errorOffset).toBe(off);
    expect(info.error).toBe(`test.pcap: offset ${off}: corrupt record: caplen 300000 above the maximum 262144 (snaplen 65535)`);
  });

  it('accepts caplen above 256 KiB when the snaplen allows it', async () => {
    const big = payload(3, 300_000);
    const { info, recs } = await readBytes(pcapFile(true, 'us', [{ sec: 1, frac: 0, data: big }], { snaplen: 400_000 }), {
      chunkSize: 65536,
    });
    expect(info.error).toBeUndefined();
    expect(recs[0]!.data.equals(big)).toBe(true);
  });

  it('reports a truncated last record and delivers the ones before it', async () => {
    const full = pcapFile(true, 'us', records('us', 3));
    // cut inside the data of record 3
    const cut = full.subarray(0, full.length - 5);
    const r1 = await readBytes(cut);
    expect(r1.recs).toHaveLength(2);
    const off3 = full.length - (16 + payload(2).length);
    expect(r1.info.error).toBe(`test.pcap: offset ${off3}: truncated record: ${16 + payload(2).length - 5} of ${16 + payload(2).length} bytes`);
    expect(r1.info.errorOffset).toBe(off3);
    // cut inside the record header
    const r2 = await readBytes(full.subarray(0, off3 + 10));
    expect(r2.recs).toHaveLength(2);
    expect(r2.info.error).toBe(`test.pcap: offset ${off3}: truncated record: 10 of 16 bytes`);
  });

  it('reports a truncated file header', async () => {
    const { info, recs } = await readBytes(pcapHeader(true, 'us').subarray(0, 10));
    expect(recs).toHaveLength(0);
    expect(info.error).toBe('test.pcap: offset 0: truncated pcap file header: 10 of 24 bytes');
  });

  it('reads a header-only file as zero packets without error', async () => {
    const { info } = await readBytes(pcapHeader(false, 'ns'));
    expect(info.error).toBeUndefined();
    expect(info.packets).toBe(0);
    expect(info.format).toBe('pcap-ns');
    expect(info.first).toBe(0);
  });

  it('caps the warnings list with a counter line', async () => {
    const recs: PcapRecord[] = [];
    for (let i = 0; i < 150; i++) recs.push({ sec: i, frac: 0, data: payload(i, 10), wire: 5 });
    const { info } = await readBytes(pcapFile(true, 'us', recs));
    expect(info.packets).toBe(150);
    expect(info.warnings).toHaveLength(101);
    expect(info.warnings[100]).toBe('50 more warnings not listed');
  });
});
