/**
 * Rotated pieces of one capture (tcpdump -C / -G / -W): put in the order of their first
 * packets (a -W ring buffer wraps its file numbers), each checked on its first packet to
 * continue the ones before it in time (analyze's join 'auto'), so that two captures taken side
 * by side (host1.pcap, host2.pcap) are not taken for one. Used by `analyze` and by the scan's workers.
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
 * `items` sorted by the first packet time of their `path`, each with that time (`first`: analyze
 * need not read it again). A few files at a time: a long rotation has hundreds of pieces, and
 * each read holds a file and a buffer.
 */
export async function inTimeOrder<T extends { path: string }>(items: T[]): Promise<Array<T & { first: number }>> {
  const t = await mapLimit(items, 16, (f) => firstTime(f.path));
  return items.map((f, i) => ({ ...f, first: t[i]! })).sort((a, b) => a.first - b.first);
}

/**
 * Whether a piece whose first packet is at `first` (Infinity: none) follows on from the pieces
 * before it, read already: it starts at most MAX_JOIN_GAP_S after their last packet, and not
 * before it (but for OVERLAP_SLACK_S). Empty pieces are neutral. `after`: the last packet of
 * pieces before those (analyzed apart), if any.
 */
export function continuesAfter(before: AnalysisResult['captures'], first: number, after?: number): boolean {
  if (first === Infinity) return true;
  const prevLast = lastPacketTime(before, after);
  return prevLast === undefined || (first >= prevLast - OVERLAP_SLACK_S && first - prevLast <= MAX_JOIN_GAP_S);
}

/** The last packet time of `caps` (those with packets), or of `after` when later; undefined when neither has one. */
export function lastPacketTime(caps: AnalysisResult['captures'], after?: number): number | undefined {
  let last = after;
  for (const c of caps) if (c.packets > 0) last = last === undefined ? c.last : Math.max(last, c.last);
  return last;
}
