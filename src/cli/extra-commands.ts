/** Commands beyond `analyze` (scan, merge), registered here so cli.ts stays small. */
import { Command, InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';
import { parseShard } from '../scan/discover.js';
import { fileOutputProblem } from '../util/output-paths.js';
import { EXIT } from './exit-codes.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function shardArg(v: string): { k: number; n: number } {
  try {
    return parseShard(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

const EXIT_HELP = `
Exit status:
  0  every capture was read and nothing is wrong in it
  1  findings (errors or warnings) in at least one capture, every capture read
  2  at least one capture failed (corrupt, truncated, unreadable, or a PATH named on
     the command line that is missing or not a capture), no capture found at all,
     or bad usage; everything that could be read is still reported
  3  internal error
Ctrl-C stops the scan: the captures done so far are still reported and aggregated, the
others counted as not analyzed, exit status 130 (a second Ctrl-C quits at once).
Files found in folders that are not captures (by their magic bytes) are skipped,
listed with the reason on stderr and as "skipped" lines in --json; they do not
change the exit status.`;

export function scanCommand(): Command {
  return new Command('scan')
    .exitOverride() // usage errors reach cli.ts, which exits 2
    .showHelpAfterError('(run with --help for usage)')
    .description('analyze every capture under PATHs (folders, globs, files; rotated, gzip, pcapng) in parallel and aggregate per server')
    .argument('<paths...>', "folders (walked recursively), files, or quoted globs ('/data/**/*.pcap*')")
    .option('-j, --jobs <n>', `worker threads (default: ${availableParallelism()}, the available CPUs)`, positiveInt)
    .option('--json', 'NDJSON on stdout: one "file" or "skipped" line per file, then one "aggregate" line')
    .option('--html <file>', 'write an index page, and one HTML report per capture (or joined session) beside it')
    .option('--shard <K/N>', 'analyze only shard K of N (1-based): a stable subset by the hash of each path relative to PATH; rotated pieces stay together', shardArg)
    .option('--join', 'join rotated pieces detected by name even when their timestamps do not continue')
    .option('--no-join', 'never join rotated pieces: analyze every file on its own')
    .option('--max-packets <n>', 'read at most N packets of each file', positiveInt)
    .option('--max-flows <n>', 'open connections tracked at once per file (default 250000)', positiveInt)
    .option('--no-color', 'no ANSI colors (also: NO_COLOR=1)')
    .option('--no-progress', 'no progress bar on stderr (it only shows when stderr is a terminal)')
    .addHelpText(
      'after',
      `
Captures are recognized by their first bytes (pcap, pcap-ns, modified pcap, pcapng,
gzip of any of them), never by name. Rotated tcpdump output (-C / -G / -W: cap.pcap,
cap.pcap1, ...; cap-2026-11-20_10:00.pcap, ...) is joined: the pieces of one session
(same name but for the numbers, in one folder, timestamps continuing) are analyzed as
one capture, so a connection that spans a file boundary is one connection.

Examples:
  $ pcap-reset scan /var/captures/ --jobs 4 --html out/index.html
  $ pcap-reset scan '/data/**/*.pcap*' --json | jq -c 'select(.type=="file" and .findings>0) | {path, findings_by_kind}'
  $ pcap-reset scan /data --shard 3/8 --json > shard-3.ndjson     # on 8 machines
  $ pcap-reset merge shard-*.ndjson --html index.html
${EXIT_HELP}`,
    )
    .action(async (paths: string[], opts: {
      jobs?: number; json?: boolean; html?: string; shard?: { k: number; n: number }; join?: boolean;
      maxPackets?: number; maxFlows?: number; color?: boolean; progress?: boolean;
    }) => {
      if (badHtml(opts.html)) return;
      const { runScan } = await import('../scan/scan.js');
      process.exitCode = await runScan(paths, opts);
    });
}

export function mergeCommand(): Command {
  return new Command('merge')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .description('combine the --json outputs of `scan --shard K/N` runs into the aggregate and index of the whole archive')
    .argument('<outputs...>', "NDJSON files written by `pcap-reset scan --json` ('-' reads standard input)")
    .option('--json', 'NDJSON on stdout: every file and skipped line (sorted by path), then the aggregate line')
    .option('--html <file>', 'write the index page (linking the per-file reports the shards wrote)')
    .option('--no-color', 'no ANSI colors (also: NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Examples:
  $ parallel pcap-reset scan /data --shard {}/8 --json '>' shard-{}.ndjson ::: $(seq 1 8)
  $ pcap-reset merge shard-*.ndjson --html index.html

Exit status: as for scan (0 clean, 1 findings, 2 some files failed), and 2 when an
output is unreadable, malformed, or has no final aggregate line (a shard that did not finish).`,
    )
    .action(async (outputs: string[], opts: { json?: boolean; html?: string; color?: boolean }) => {
      if (badHtml(opts.html)) return;
      const { runMerge } = await import('../scan/merge.js');
      process.exitCode = await runMerge(outputs, opts);
    });
}

/** `--html FILE` cannot be written (said now, not after the scan): exit status 2. */
function badHtml(path: string | undefined): boolean {
  const problem = path === undefined ? undefined : fileOutputProblem('--html', path, 'index.html');
  if (problem === undefined) return false;
  process.stderr.write(`pcap-reset: ${problem}\n`);
  process.exitCode = EXIT.USAGE;
  return true;
}

export async function extraCommands(): Promise<Command[]> {
  return [scanCommand(), mergeCommand()];
}
