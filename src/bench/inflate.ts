/** Bigger captures for benchmarks and tests, made from a lab capture. */

/** A pcap of `copies` back-to-back repetitions of `src` (timestamps shifted, so flows do not collide). */
export function inflate(src: Buffer, copies: number): Buffer {
  const le = src.readUInt32LE(0) === 0xa1b2c3d4 || src.readUInt32LE(0) === 0xa1b23c4d;
  const rd = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const wr = (b: Buffer, v: number, o: number) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  const recs: Buffer[] = [];
  for (let o = 24; o + 16 <= src.length;) {
    const len = rd(src, o + 8);
    if (o + 16 + len > src.length) break;
    recs.push(src.subarray(o, o + 16 + len));
    o += 16 + len;
  }
  const first = recs.length ? rd(recs[0]!, 0) : 0;
  const last = recs.length ? rd(recs[recs.length - 1]!, 0) : 0;
  const span = last - first + 60;
  const parts: Buffer[] = [src.subarray(0, 24)];
  for (let c = 0; c < copies; c++) {
    for (const r of recs) {
      const x = Buffer.from(r);
      wr(x, rd(r, 0) + c * span, 0);
      parts.push(x);
    }
  }
  return Buffer.concat(parts);
}
