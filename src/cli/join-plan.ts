/**
 * Which of the files given to `analyze` are read as one capture. Rotated pieces of one
 * capture (cap.pcap0 cap.pcap1 ..., tcpdump -C/-G) are joined, in the order of their first
 * packets, so a connection crossing a file boundary stays one connection; any other file
 * given with them (`analyze web.pcap* db.pcap`) is a capture of its own. Names decide as in
 * `scan` (groupRotated); times then decide piece by piece, as the files are read (analyze's
 * join 'auto').
 */
import type { AnalyzeInput, AnalyzeOptions } from '../analyze/analyze.js';
import { inTimeOrder } from '../analyze/rotation.js';
import { groupRotated } from '../scan/discover.js';

export interface JoinPlan {
  /** In the order they are read. */
  inputs: AnalyzeInput[];
  join: AnalyzeOptions['join'];
}

/** `join`: --join (true), --no-join (false), or neither (undefined: names and times decide). */
export async function joinPlan(files: string[], join: boolean | undefined): Promise<JoinPlan> {
  const apart = (): JoinPlan => ({ inputs: files.map((path) => ({ path })), join: false });
  if (join === false || files.length < 2 || files.includes('-')) return apart();
  if (join === true) {
    const ordered = await inTimeOrder(files.map((path) => ({ path })));
    return { inputs: ordered.map((f) => ({ path: f.path, first: f.first })), join: true };
  }
  const groups = groupRotated(files.map((path) => ({ path, rel: path, size: 0, explicit: true })), true);
  if (!groups.some((g) => g.rotated)) return apart();
  // Each group where its first file was named on the command line; a group's pieces in time order.
  const at = new Map<string, number>();
  files.forEach((f, i) => { if (!at.has(f)) at.set(f, i); });
  const firstAt = (g: (typeof groups)[number]) => Math.min(...g.files.map((f) => at.get(f.path)!));
  groups.sort((a, b) => firstAt(a) - firstAt(b));
  const inputs: AnalyzeInput[] = [];
  for (const g of groups) {
    const pieces = g.rotated ? await inTimeOrder(g.files.map((f) => ({ path: f.path }))) : [{ path: g.files[0]!.path, first: undefined }];
    pieces.forEach((f, i) => {
      inputs.push({ path: f.path, first: f.first, ...(i === 0 && inputs.length > 0 ? { newCapture: true } : {}) });
    });
  }
  return { inputs, join: 'auto' };
}
