/**
 * `pcap-reset analyze FILE...`: one capture (or several) → verdict, findings, counts.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { statSync } from 'node:fs';
import { analyze } from '../analyze/analyze.js';
import { writeJson } from '../report/json.js';
import { renderText } from '../report/text.js';
import { colorWanted } from '../report/color.js';
import { exitCodeFor, EXIT } from './exit-codes.js';
import { progressReporter } from './progress.js';
import { parseTimeRange } from './time-range.js';
import { outputProblem, writeOutputs } from './outputs.js';
import { onInterrupt, STDIN_GRACE_MS } from './interrupt.js';
import type { AnalysisResult } from '../analyze/result.js';
import { joinPlan } from './join-plan.js';

export interface AnalyzeCliOptions {
  json?: boolean;
  html?: string;
  svg?: string;
  maxPackets?: number;
  timeRange?: string;
  color?: boolean;
  verbose?: boolean;
  progress?: boolean;
  brokenOnly?: boolean;
  maxFlows?: number;
  /** true: join the files as one rotated capture; false: never; undefined: when their names and times say so. */
  join?: boolean;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('rebuild every TCP connection in the capture(s) and say which broke, who broke them, why, and the fix')
    .exitOverride() // subcommands don't inherit it: usage errors must reach cli.ts, which exits 2
    .showHelpAfterError('(run with --help for usage)')
    .argument('<files...>', "capture files (pcap, pcapng, gzip-compressed either); '-' reads standard input")
    .option('--json', 'write the machine-readable result to stdout: tool, verdict, captures, flows, findings, summary')
    .option('--html <file>', 'write a self-contained HTML incident report (opens offline)')
    .option('--svg <dir>', 'write one SVG timeline per flagged connection plus overview.svg into DIR')
    .option('--max-packets <n>', 'read at most N packets of each file', positiveInt)
    .option('--time-range <start,end>', 'analyze only packets in [start,end): epoch seconds or ISO 8601 times, either side may be empty')
    .option('--join', 'the files are pieces of one capture (tcpdump -C/-G rotation): join them even when their names do not say so')
    .option('--no-join', 'never join files: analyze each on its own')
    .option('--broken-only', 'in --json, list only connections that did not close cleanly')
    .option('--max-flows <n>', 'open connections tracked at once before the least recently active are finalized (default: 250000, fewer when the heap limit is small)', positiveInt)
    .option('--no-color', 'no ANSI colors (also: NO_COLOR=1); colors are only used on a terminal anyway')
    .option('--no-progress', 'no progress on stderr (shown only on a terminal: a bar for inputs over 64 MiB, a status line while reading stdin)')
    .option('-v, --verbose', 'list every warning')
    .addOption(new Option('--format <fmt>', 'same as --json when "json"').choices(['text', 'json']).hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  $ pcap-reset analyze capture.pcap
  $ pcap-reset analyze capture.pcapng.gz --html report.html
  $ pcap-reset analyze capture.pcap --json | jq '.findings[] | {kind, summary}'
  $ tcpdump -i any -U -w - port 8080 | pcap-reset analyze -
  $ pcap-reset analyze /var/tmp/cap.pcap*     # tcpdump -C/-G pieces: read as one capture
  $ pcap-reset analyze big.pcap --time-range 2026-11-20T10:00:00Z,2026-11-20T10:05:00Z

Ctrl-C stops reading and reports what was read so far (a second Ctrl-C quits at once).

Exit status: 0 no problem found, 1 findings (errors or warnings), 2 bad usage, an
unreadable/corrupt input (what was read before the damage is still reported) or an output
that could not be written, 3 internal error (PCAP_RESET_DEBUG=1 prints its stack trace).`,
    )
    .action(async (files: string[], opts: AnalyzeCliOptions & { format?: string }) => {
      const code = await runAnalyze(files, { ...opts, json: opts.json || opts.format === 'json' });
      process.exitCode = code;
    });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing or unreadable: the reader says so, naming the file
  }
}

/** What is wrong with the command line, said before any reading (exit 2), or undefined. */
function usageProblem(files: string[], opts: AnalyzeCliOptions): string | undefined {
  if (files.filter((f) => f === '-').length > 1) return "'-' (standard input) can be given only once";
  // Like gzip, which will not read compressed data from a terminal: nobody types a capture.
  if (files.includes('-') && process.stdin.isTTY) return 'standard input is a terminal, not a capture: pipe one in (tcpdump -w - | pcap-reset analyze -) or name a file';
  const folder = files.find((f) => f !== '-' && isFolder(f));
  if (folder !== undefined) return `${folder} is a folder: analyze reads capture files; for every capture in it, run pcap-reset scan ${folder}`;
  return outputProblem({ html: opts.html, svg: opts.svg });
}

export async function runAnalyze(files: string[], opts: AnalyzeCliOptions): Promise<number> {
  let range: { start?: number; end?: number } = {};
  if (opts.timeRange) {
    try {
      range = parseTimeRange(opts.timeRange);
    } catch (e) {
      process.stderr.write(`pcap-reset: --time-range: ${(e as Error).message}\n`);
      return EXIT.USAGE;
    }
  }
  const problem = usageProblem(files, opts);
  if (problem !== undefined) {
    process.stderr.write(`pcap-reset: ${problem}\n`);
    return EXIT.USAGE;
  }
  // Rotated pieces of one capture are read as one (see join-plan.ts), other files apart.
  const plan = await joinPlan(files, opts.join);
  const inputs = plan.inputs;
  files = inputs.map((i) => i.path);
  const sizes = files.map((f) => {
    if (f === '-') return 0;
    try { return statSync(f).size; } catch { return 0; }
  });
  const progress = progressReporter(opts.progress !== false, sizes, files);
  const interrupt = onInterrupt({
    graceMs: files.includes('-') ? STDIN_GRACE_MS : 0,
    say: (line) => {
      progress.stop();
      process.stderr.write(line + '\n');
    },
    quit: (code) => process.exit(code),
  });
  try {
    const result = await analyze(inputs, {
      maxPackets: opts.maxPackets,
      timeStart: range.start,
      timeEnd: range.end,
      allFlows: !opts.brokenOnly,
      maxFlows: opts.maxFlows,
      join: plan.join,
      signal: interrupt.signal,
      onProgress: progress.update,
    });
    interrupt.analysisDone();
    progress.stop();
    return await report(result, opts);
  } finally {
    interrupt.dispose();
  }
}

async function report(result: AnalysisResult, opts: AnalyzeCliOptions): Promise<number> {
  for (const cap of result.captures) if (cap.error) process.stderr.write(`pcap-reset: ${cap.error}\n`);

  if (opts.json) {
    writeJson(result, (piece) => process.stdout.write(piece));
  } else {
    process.stdout.write(renderText(result, { color: colorWanted(process.stdout, opts.color), verbose: opts.verbose }));
  }
  const out = await writeOutputs(result, { html: opts.html, svg: opts.svg });
  for (const w of out.wrote) process.stderr.write(`pcap-reset: wrote ${w}\n`);
  if (out.error !== undefined) {
    process.stderr.write(`pcap-reset: ${out.error}\n`);
    return EXIT.OUTPUT;
  }
  return exitCodeFor(result);
}
