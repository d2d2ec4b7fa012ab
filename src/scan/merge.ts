/**
 * `pcap-reset merge OUT...`: the NDJSON outputs of `scan --shard K/N` (one per shard,
 * from any machine) → the same aggregate, lines and index one unsharded scan gives.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { colorWanted, safeText } from '../report/color.js';
import { aggregate } from './aggregate.js';
import { writeIndex } from './index-html.js';
import { EXIT } from '../cli/exit-codes.js';
import { aggregateText, fileLine } from './text.js';
import type { AggregateRecord, FileRecord, SkippedRecord } from './types.js';

export interface MergeOptions {
  json?: boolean;
  html?: string;
  color?: boolean;
}

export interface Merged {
  files: FileRecord[];
  skipped: SkippedRecord[];
  /** Problems with the inputs themselves (unreadable, malformed, unfinished shard). */
  problems: string[];
}

const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export async function readShards(inputs: string[]): Promise<Merged> {
  const files = new Map<string, FileRecord>();
  const skipped = new Map<string, SkippedRecord>();
  const problems: string[] = [];
  for (const input of inputs) {
    const name = input === '-' ? 'stdin' : input;
    let agg: AggregateRecord | undefined;
    let nFiles = 0, nSkipped = 0, lineNo = 0, bad = 0;
    try {
      const stream = input === '-' ? process.stdin : createReadStream(input);
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      for await (const line of rl) {
        lineNo++;
        if (!line.trim()) continue;
        let r: { type?: unknown; path?: unknown };
        try {
          r = JSON.parse(line) as typeof r;
        } catch {
          if (bad++ === 0) problems.push(`${name}: line ${lineNo}: not JSON`);
          continue;
        }
        if (r.type === 'file' && typeof r.path === 'string') {
          nFiles++;
          if (files.has(r.path)) problems.push(`${name}: line ${lineNo}: ${r.path} is in more than one input (shards overlap?); kept the first`);
          else files.set(r.path, r as FileRecord);
        } else if (r.type === 'skipped' && typeof r.path === 'string') {
          nSkipped++;
          if (!skipped.has(r.path)) skipped.set(r.path, r as SkippedRecord);
        } else if (r.type === 'aggregate') {
          agg = r as AggregateRecord;
        } else if (bad++ === 0) {
          problems.push(`${name}: line ${lineNo}: not a pcap-reset scan record`);
        }
      }
    } catch (e) {
      problems.push(`${name}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    if (bad > 1) problems.push(`${name}: ${bad} bad lines in all`);
    if (!agg) problems.push(`${name}: no aggregate line at the end: that scan did not finish`);
    else if (agg.interrupted) problems.push(`${name}: that scan was interrupted: ${agg.interrupted} capture file(s) not analyzed`);
    else if (agg.files !== nFiles || agg.skipped !== nSkipped) {
      problems.push(`${name}: ${nFiles} file and ${nSkipped} skipped lines, but its aggregate counts ${agg.files} and ${agg.skipped}`);
    }
  }
  return { files: [...files.values()].sort(byPath), skipped: [...skipped.values()].sort(byPath), problems };
}

export async function runMerge(inputs: string[], opts: MergeOptions): Promise<number> {
  if (inputs.filter((f) => f === '-').length > 1) {
    process.stderr.write("pcap-reset: '-' (standard input) can be given only once\n");
    return 2;
  }
  const m = await readShards(inputs);
  const agg = aggregate(m.files, m.skipped, m.problems.length);
  const color = colorWanted(process.stdout, opts.color);
  if (opts.json) {
    let s = '';
    for (const r of [...m.files, ...m.skipped].sort(byPath)) s += JSON.stringify(r) + '\n';
    process.stdout.write(s + JSON.stringify(agg) + '\n');
  } else {
    for (const f of m.files) process.stdout.write(fileLine(f, color));
    process.stdout.write(aggregateText(agg, color));
  }
  const indexFailure = opts.html ? await writeIndex(m.files, m.skipped, agg, opts.html) : undefined;
  if (indexFailure !== undefined) process.stderr.write(`pcap-reset: ${indexFailure}\n`);
  else if (opts.html) process.stderr.write(`pcap-reset: wrote ${opts.html}\n`);
  for (const p of m.problems) process.stderr.write(`pcap-reset: ${safeText(p)}\n`);
  process.stderr.write(`pcap-reset: merged ${inputs.length} scan output(s): ${m.files.length} capture file(s), ${agg.failed} failed, ${m.skipped.length} skipped\n`);
  return indexFailure !== undefined ? EXIT.OUTPUT : agg.exit_code;
}
