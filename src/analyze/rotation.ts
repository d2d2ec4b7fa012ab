/**
 * Rotated pieces of one capture (tcpdump -C / -G / -W): put in the order of their first
 * packets (a -W ring buffer wraps its file numbers), and checked to continue each other in
 * time once read, so that two captures taken side by side (host1.pcap, host2.pcap) are not
 * taken for one. Used by `analyze` and by the scan's workers.
 */
import type { AnalysisResult } from './result.js';
import { readCapture } from '../reader/read.js';
import { mapLimit } from '../util/map-limit.js';

/** Largest gap between rotated pieces still treated as one session (seconds). */
export const MAX_JOIN_GAP_S = 900;
/** Pieces may overlap this much (reordered packets at the rotation point). */
const OVERLAP_SLACK_S = 1;

/** Time of the first packet (cheap: reads the first record only); Infinity when none. */
export async function firstTime(path: string): Promise<number> {
  try {
    const info = await readCapture(path, path, () => undefined, { maxPackets: 1, chunkSize: 65536 });
    return info.packets > 0 ? info.first : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * `items` sorted by the first packet time of their `path`. A few files at a time: a long
 * rotation has hundreds of pieces, and each read holds a file and a buffer.
 */
export async function inTimeOrder<T extends { path: string }>(items: T[]): Promise<T[]> {
  const t = await mapLimit(items, 16, (f) => firstTime(f.path));
  return items.map((f, i) => ({ f, t: t[i]! })).sort((a, b) => a.t - b.t).map((x) => x.f);
}

/** Whether the pieces (in order) continue each other in time, like one capture rotated. */
export function continues(caps: AnalysisResult['captures']): boolean[] {
  // ok[i]: piece i+1 continues piece i (empty pieces are neutral).
  const ok: boolean[] = [];
  for (let i = 1; i < caps.length; i++) {
    const c = caps[i]!;
    ok.push(c.packets === 0 || continuesAfter(caps.slice(0, i), c.first));
  }
  return ok;
}

/**
 * Whether a piece whose first packet is at `first` (Infinity: none) follows on from the pieces
 * before it, read already: it starts at most MAX_JOIN_GAP_S after their last packet, and not
 * before it (but for OVERLAP_SLACK_S). Empty pieces are neutral.
 */
export function continuesAfter(before: AnalysisResult['captures'], first: number): boolean {
  if (first === Infinity) return true;
  let prevLast: number | undefined;
  for (const c of before) if (c.packets > 0) prevLast = prevLast === undefined ? c.last : Math.max(prevLast, c.last);
  return prevLast === undefined || (first >= prevLast - OVERLAP_SLACK_S && first - prevLast <= MAX_JOIN_GAP_S);
}
