/**
 * The scan's worker (piscina, one per thread; compiled to dist/scan/worker.js). A task
 * is a lone capture or the rotated pieces of one session: it runs analyze() and
 * returns one compact FileRecord per file (never the flow timelines). A capture that
 * cannot be read becomes a record with `error`; nothing thrown here ends the scan.
 */
import { analyze, type AnalyzeInput, type AnalyzeOptions } from '../analyze/analyze.js';
import type { AnalysisResult } from '../analyze/result.js';
import { inTimeOrder, lastPacketTime } from '../analyze/rotation.js';
import { compactResult, type CompactPart } from './compact.js';
import type { FileRecord, ScanTask } from './types.js';

type TaskFile = ScanTask['files'][number];

function emptyPart(error: string): CompactPart {
  return {
    format: '', gzip: false, linktypes: [], packets: 0, bytes: 0, first: null, last: null, flows: 0, states: {},
    findings: 0, findings_by_kind: {}, severity: 'ok', verdict: null, error, warnings: 0, findings_top: [], servers: [],
  };
}

/**
 * analyze() on `files`: joined (`true`), apart (`false`), or joined as far as they follow on
 * and stopped before the first that does not (`{ after }`: the last packet before them).
 */
async function run(files: Array<TaskFile & { first?: number }>, task: ScanTask, join: boolean | { after?: number }, onProgress: AnalyzeOptions['onProgress']): Promise<AnalysisResult> {
  // (`first`: the time of its first packet, when inTimeOrder read it already)
  const inputs: AnalyzeInput[] = files.map((f) => ({ path: f.path, first: f.first }));
  const auto = typeof join === 'object';
  return analyze(inputs, {
    join: auto ? 'auto' : join && files.length > 1,
    ...(auto ? { untilBreak: join } : {}),
    maxPackets: task.maxPackets,
    maxFlows: task.maxFlows,
    allFlows: true,
    maxTimelines: task.report ? undefined : 0,
    onProgress,
  });
}

export default async function scanWorker(task: ScanTask): Promise<FileRecord[]> {
  const t0 = performance.now();
  const port = task.progress;
  let lastSent = 0;
  const progressFor = (files: TaskFile[]) => {
    if (!port) return undefined;
    return (file: number, bytes: number) => {
      const now = performance.now();
      if (now - lastSent < 200) return;
      lastSent = now;
      port.postMessage({ path: files[file]?.path, bytes });
    };
  };
  let files = task.files;
  let group = task.group;
  const runs: Array<{ files: TaskFile[]; parts: CompactPart[]; joined: boolean; report: string | null }> = [];
  let reportError: string | undefined;
  const reported = (x: string | null | { error: string }): string | null => {
    if (x !== null && typeof x === 'object') {
      reportError = x.error;
      return null;
    }
    return x;
  };
  try {
    if (files.length > 1 && task.join !== 'never') {
      // Rotated pieces: in the order of their first packets (a -W ring buffer wraps its numbers).
      files = await inTimeOrder(files);
      if (task.join === 'force') {
        const r = await run(files, task, true, progressFor(files));
        const report = reported(await writeReport(r, task, 0));
        runs.push({ files, parts: compactResult(r), joined: true, report });
      } else {
        // Names look rotated: each run of pieces that follow on in time is analyzed as one, and
        // where one does not follow on, the next run starts (read once: see analyze's untilBreak).
        let after: number | undefined;
        for (let start = 0; start < files.length; ) {
          const rest = files.slice(start);
          const r = await run(rest, task, { after }, progressFor(rest));
          const piece = rest.slice(0, Math.max(1, r.captures.length));
          const report = reported(await writeReport(r, task, runs.length));
          runs.push({ files: piece, parts: compactResult(r), joined: piece.length > 1, report });
          after = lastPacketTime(r.captures, after);
          start += piece.length;
        }
        if (runs.every((x) => !x.joined)) group = null;
      }
    } else {
      for (const f of files) {
        const r = await run([f], task, false, progressFor([f]));
        const report = reported(await writeReport(r, task, runs.length));
        runs.push({ files: [f], parts: compactResult(r), joined: false, report });
      }
    }
  } catch (e) {
    // A bug in a decoder or detector: report it against the file(s), go on with the others.
    const msg = e instanceof Error ? e.message : String(e);
    runs.length = 0;
    runs.push({ files, parts: files.map(() => emptyPart(`internal error while analyzing: ${msg.split('\n')[0]}`)), joined: false, report: null });
  }
  const ms = Math.round(performance.now() - t0);
  const out: FileRecord[] = [];
  for (const run of runs) {
    run.files.forEach((f, i) => {
      out.push({
        type: 'file', path: f.path, rel: f.rel, size: f.size, ...run.parts[i]!,
        group: group !== null && task.files.length > 1 ? { id: group, index: i, files: run.files.length, joined: run.joined } : null,
        report: run.report,
        ...(reportError && i === 0 ? { report_error: reportError } : {}),
        duration_ms: ms,
      });
    });
  }
  return out;
}

/** Writes the HTML report of one analysis (run k > 0 of a split group gets "-<k+1>" before ".html"). */
async function writeReport(r: AnalysisResult, task: ScanTask, k: number): Promise<string | null | { error: string }> {
  if (!task.report || !task.htmlWriter) return null;
  if (r.captures.every((c) => c.packets === 0)) return null;
  const path = k === 0 ? task.report : task.report.replace(/(\.html?)?$/i, `-${k + 1}$1`);
  try {
    const mod = (await import(task.htmlWriter)) as { writeHtmlReport(r: AnalysisResult, path: string): Promise<void> };
    await mod.writeHtmlReport(r, path);
    return path;
  } catch (e) {
    return { error: `HTML report not written: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}
