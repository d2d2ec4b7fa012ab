/**
 * Joined rotated pieces (analyze join mode): while reading, packets are numbered on across
 * the files; `base[i]` is the number of packets before file i. Findings and flow summaries
 * are given back per-file numbers (as Wireshark numbers each file); the connection models
 * kept for drawing keep the running numbers, and the drawings convert them with this.
 */
export function locatePacket(base: readonly number[], n: number): [file: number, packet: number] {
  let i = base.length - 1;
  while (i > 0 && n <= base[i]!) i--;
  return [i, n - (base[i] ?? 0)];
}
