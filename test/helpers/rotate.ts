/** Classic pcap cut in two at a record boundary, as `tcpdump -C` rotates a capture. */

/** Offsets of the records of a classic pcap. */
export function pcapRecords(buf: Buffer): number[] {
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const offs: number[] = [];
  for (let o = 24; o + 16 <= buf.length;) {
    offs.push(o);
    o += 16 + (le ? buf.readUInt32LE(o + 8) : buf.readUInt32BE(o + 8));
  }
  return offs;
}

/** Records [0, cut) and [cut, end) as two captures, each with the file header (0-based record index). */
export function rotateAt(buf: Buffer, cut: number): [Buffer, Buffer] {
  const at = pcapRecords(buf)[cut]!;
  return [buf.subarray(0, at), Buffer.concat([buf.subarray(0, 24), buf.subarray(at)])];
}

/** The capture cut after every `k` records: as many pieces as tcpdump -C with a tiny size gives. */
export function rotateEvery(buf: Buffer, k: number): Buffer[] {
  const offs = pcapRecords(buf);
  const out: Buffer[] = [];
  for (let i = 0; i < offs.length; i += k) {
    const end = i + k < offs.length ? offs[i + k]! : buf.length;
    out.push(Buffer.concat([buf.subarray(0, 24), buf.subarray(offs[i]!, end)]));
  }
  return out;
}
