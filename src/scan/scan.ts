/**
 * `pcap-reset scan PATH...`: every capture of an archive, analyzed in parallel on
 * worker threads (piscina), one NDJSON line (or text line) per file as it is done,
 * an aggregate per server at the end, optionally an index HTML page.
 */
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type cliProgress from 'cli-progress';
import { loadCliProgress } from '../cli/progress.js';
import { onInterrupt } from '../cli/interrupt.js';
import { EXIT } from '../cli/exit-codes.js';
import { Piscina } from 'piscina';
import { colorWanted, safeText } from '../report/color.js';
import { aggregate } from './aggregate.js';
import { groupRotated, shardOf, sniff, walk, type Found, type Group } from './discover.js';
import { mapLimit } from '../util/map-limit.js';
import { makeFolders, writeFailure } from '../util/output-paths.js';
import { writeIndex } from './index-html.js';
import { aggregateText, fileLine, stderrSummary } from './text.js';
import type { FileRecord, ScanTask, SkippedRecord } from './types.js';

export interface ScanOptions {
  jobs?: number;
  json?: boolean;
  html?: string;
  shard?: { k: number; n: number };
  /** undefined: by name and continuing timestamps; true: by name only; false: never. */
  join?: boolean;
  progress?: boolean;
  color?: boolean;
  maxPackets?: number;
  maxFlows?: number;
}

export const WORKER_URL = new URL('./worker.js', import.meta.url);
const HTML_WRITER_URL = new URL('../report/html/write.js', import.meta.url);

/** A file record for a file that never reached a worker (unreadable, missing). */
export function failedRecord(path: string, rel: string, size: number, error: string): FileRecord {
  return {
    type: 'file', path, rel, size, format: '', gzip: false, linktypes: [], packets: 0, bytes: 0, first: null, last: null,
    flows: 0, states: {}, findings: 0, findings_by_kind: {}, severity: 'ok', verdict: null, error, warnings: 0,
    group: null, report: null, findings_top: [], servers: [], duration_ms: 0,
  };
}

/** Report file names next to the index: the capture's relative path made safe, unique. */
function reportNames(tasks: Array<{ files: Found[] }>, indexPath: string): string[] {
  const dir = dirname(resolve(indexPath));
  const index = basename(indexPath);
  const used = new Set<string>([index.toLowerCase()]);
  return tasks.map((t) => {
    const stem = t.files[0]!.rel.replace(/[/\\]/g, '__').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 150);
    let name = `${stem}.html`;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${stem}-${i}.html`;
    used.add(name.toLowerCase());
    return join(dir, name);
  });
}

type Slot =
  | { kind: 'task'; first: string; task: ScanTask; records?: FileRecord[] }
  | { kind: 'done'; first: string; records: Array<FileRecord | SkippedRecord> };

export async function runScan(paths: string[], opts: ScanOptions): Promise<number> {
  const t0 = performance.now();
  const jobs = opts.jobs ?? availableParallelism();
  const color = colorWanted(process.stdout, opts.color);
  const shard = opts.shard;
  const inShard = (key: string) => !shard || shard.n === 1 || shardOf(key, shard.n) === shard.k;

  // 1. Walk, group rotated pieces by name, keep this shard's share.
  const walked = await walk(paths);
  const groups: Group[] = groupRotated(walked.found, opts.join !== false).filter((g) => inShard(g.key));
  const slots: Slot[] = [];
  for (const p of walked.problems) if (inShard(p.rel)) slots.push({ kind: 'done', first: p.path, records: [failedRecord(p.path, p.rel, 0, p.reason)] });
  for (const p of walked.special) if (inShard(p.rel)) slots.push({ kind: 'done', first: p.path, records: [{ type: 'skipped', path: p.path, rel: p.rel, reason: p.reason }] });

  // 2. Captures by magic bytes; the rest is skipped (or failed, when named on the command line).
  const files = groups.flatMap((g) => g.files);
  const sniffed = await mapLimit(files, 16, (f) => sniff(f.path));
  const verdict = new Map(files.map((f, i) => [f, sniffed[i]!]));
  const tasks: Array<{ group: Group; files: Found[] }> = [];
  for (const g of groups) {
    const captures: Found[] = [];
    for (const f of g.files) {
      const s = verdict.get(f)!;
      if (s.capture) captures.push(f);
      else if (s.failed || f.explicit) slots.push({ kind: 'done', first: f.path, records: [failedRecord(f.path, f.rel, f.size, s.reason)] });
      else slots.push({ kind: 'done', first: f.path, records: [{ type: 'skipped', path: f.path, rel: f.rel, reason: s.reason }] });
    }
    if (captures.length) tasks.push({ group: g, files: captures });
  }
  const htmlWriter = opts.html && existsSync(fileURLToPath(HTML_WRITER_URL)) ? HTML_WRITER_URL.href : undefined;
  const reports = opts.html && htmlWriter ? reportNames(tasks, opts.html) : [];
  if (opts.html) {
    try {
      await makeFolders(dirname(resolve(opts.html)));
    } catch (e) {
      process.stderr.write(`pcap-reset: ${writeFailure('--html', opts.html, e)}\n`);
      return EXIT.OUTPUT;
    }
  }
  tasks.forEach((t, i) => {
    const task: ScanTask = {
      files: t.files.map((f) => ({ path: f.path, rel: f.rel, size: f.size })),
      group: t.files.length > 1 ? t.group.key : null,
      join: opts.join === true ? 'force' : opts.join === false ? 'never' : 'auto',
      report: reports[i],
      htmlWriter,
      maxPackets: opts.maxPackets,
      maxFlows: opts.maxFlows,
    };
    slots.push({ kind: 'task', first: t.files[0]!.path, task });
  });
  slots.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));

  // 3. Progress on stderr, only on a terminal.
  const totalBytes = tasks.reduce((n, t) => n + t.files.reduce((m, f) => m + f.size, 0), 0);
  const totalFiles = tasks.reduce((n, t) => n + t.files.length, 0);
  const showBar = opts.progress !== false && Boolean(process.stderr.isTTY) && totalFiles > 0;
  let multi: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  const kb = (b: number) => Math.round(b / 1024);
  if (showBar) {
    const cliProgress = loadCliProgress();
    multi = new cliProgress.MultiBar(
      {
        stream: process.stderr,
        format: '{bar} {percentage}% | {files}/{nfiles} files | {mb}/{nmb} MB | {findings} findings | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar = multi.create(Math.max(1, kb(totalBytes)), 0, { files: 0, nfiles: totalFiles, mb: 0, nmb: (totalBytes / 1048576).toFixed(0), findings: 0 });
  }
  /** Remove the bar, first writing the lines it still holds (stop() alone drops them). */
  const stopBar = () => {
    if (!multi) return;
    multi.update();
    multi.stop();
    multi = undefined;
    bar = undefined;
  };
  let doneFiles = 0, doneBytes = 0, foundSoFar = 0;
  const partial = new Map<string, number>();
  const redraw = () => {
    if (!bar) return;
    let b = doneBytes;
    for (const v of partial.values()) b += v;
    bar.update(kb(b), { files: doneFiles, mb: (b / 1048576).toFixed(0), findings: foundSoFar });
  };

  // 4. Output in discovery order, each line as soon as it and everything before it is done.
  const fileRecords: FileRecord[] = [];
  const skipped: SkippedRecord[] = [];
  const out = (s: string) => {
    // With the bar on the same terminal, lines go through it (drawn above the bar); once it is
    // gone, straight out (cli-progress drops lines logged after stop()).
    if (multi && process.stdout.isTTY) multi.log(s);
    else process.stdout.write(s);
  };
  let next = 0;
  const flush = () => {
    while (next < slots.length) {
      const s = slots[next]!;
      const recs = s.kind === 'done' ? s.records : s.records;
      if (!recs) break;
      for (const r of recs) {
        if (r.type === 'file') fileRecords.push(r);
        else skipped.push(r);
        if (opts.json) out(JSON.stringify(r) + '\n');
        else if (r.type === 'file') out(fileLine(r, color));
      }
      next++;
    }
  };
  flush();

  // 5. The workers.
  // Largest first (LPT scheduling): a big file left for the end would run alone on one core
  // while the others idle. Output order is unaffected (lines go out in discovery order, step 4).
  const bytesOf = (t: ScanTask) => t.files.reduce((n, f) => n + f.size, 0);
  const taskSlots = slots
    .filter((s): s is Extract<Slot, { kind: 'task' }> => s.kind === 'task')
    .sort((a, b) => bytesOf(b.task) - bytesOf(a.task));
  // Ctrl-C: the captures analyzed so far are reported and aggregated, the rest are not
  // analyzed (running workers are stopped); a second Ctrl-C quits at once.
  let notAnalyzed = 0;
  const interrupt = onInterrupt({
    graceMs: 0,
    say: (line) => {
      stopBar();
      process.stderr.write(line + '\n');
    },
    quit: (code) => process.exit(code),
  });
  if (taskSlots.length) {
    const threads = Math.max(1, Math.min(jobs, taskSlots.length));
    const pool = new Piscina({ filename: WORKER_URL.href, minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
    const signal = interrupt.signal;
    // Every queued task listens on it (piscina): more than Node's default 10 is expected.
    setMaxListeners(taskSlots.length + 10, signal);
    try {
      await Promise.all(taskSlots.map(async (slot) => {
        const t = slot.task;
        let channel: MessageChannel | undefined;
        let records: FileRecord[];
        try {
          if (bar) {
            channel = new MessageChannel();
            channel.port1.on('message', (m: { path: string; bytes: number }) => { partial.set(m.path, m.bytes); redraw(); });
            channel.port1.unref();
            records = (await pool.run({ ...t, progress: channel.port2 }, { transferList: [channel.port2], signal })) as FileRecord[];
          } else {
            records = (await pool.run(t, { signal })) as FileRecord[];
          }
        } catch (e) {
          if (signal.aborted) {
            // Interrupted before it finished: not analyzed, not failed (no line for it).
            records = [];
            notAnalyzed += t.files.length;
          } else {
            // The worker died (out of memory, a crash): the files fail, the scan goes on.
            const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
            records = t.files.map((f) => failedRecord(f.path, f.rel, f.size, `worker failed: ${msg}`));
          }
        } finally {
          channel?.port1.close();
        }
        for (const f of t.files) partial.delete(f.path);
        doneFiles += t.files.length;
        doneBytes += t.files.reduce((n, f) => n + f.size, 0);
        foundSoFar += records.reduce((n, r) => n + r.findings, 0);
        redraw();
        for (const r of records) if (r.report_error) process.stderr.write(`pcap-reset: ${safeText(r.path)}: ${safeText(r.report_error)}\n`);
        slot.records = records;
        flush();
      }));
    } finally {
      await pool.destroy();
    }
  }
  interrupt.analysisDone();
  flush();
  stopBar();

  // 6. The aggregate, the index, the summary.
  const agg = aggregate(fileRecords, skipped);
  if (notAnalyzed > 0) agg.interrupted = notAnalyzed;
  if (opts.json) out(JSON.stringify(agg) + '\n');
  else out(aggregateText(agg, color));
  const indexFailure = opts.html ? await writeIndex(fileRecords, skipped, agg, opts.html) : undefined;
  if (indexFailure !== undefined) process.stderr.write(`pcap-reset: ${indexFailure}\n`);
  else if (opts.html) {
    const nReports = fileRecords.filter((f) => f.report).length;
    process.stderr.write(`pcap-reset: wrote ${opts.html}${nReports ? ` and ${nReports} per-file report(s) beside it` : !htmlWriter ? ' (per-file reports need the HTML report writer, not in this build)' : ''}\n`);
  }
  const indexFailed = indexFailure !== undefined;
  process.stderr.write(stderrSummary(fileRecords, skipped, (performance.now() - t0) / 1000));
  interrupt.dispose();
  if (notAnalyzed > 0) {
    process.stderr.write(`pcap-reset: interrupted: ${notAnalyzed} of ${totalFiles} capture file(s) not analyzed; the lines and the aggregate above cover the others\n`);
    return 130;
  }
  if (fileRecords.length === 0) {
    process.stderr.write(`pcap-reset: no capture found in ${paths.map((p) => JSON.stringify(p)).join(' ')}${shard ? ` (shard ${shard.k}/${shard.n})` : ''}\n`);
    // An empty shard is normal; an empty archive is bad input.
    return shard && shard.n > 1 && walked.found.length > 0 && !indexFailed ? agg.exit_code : EXIT.INPUT;
  }
  return indexFailed ? EXIT.OUTPUT : agg.exit_code;
}
