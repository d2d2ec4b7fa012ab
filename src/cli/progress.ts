/**
 * Progress on stderr for long work: only on a terminal, only for inputs big enough
 * to wait for (over 64 MiB) or standard input, and never mixed into stdout.
 */
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';

/** cli-progress, loaded only when a bar is shown: loading it costs ~15 ms of every run's start-up. */
export function loadCliProgress(): typeof CliProgress {
  return createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
}

export interface Progress {
  update: ((file: number, bytes: number) => void) | undefined;
  stop(): void;
}

const MIN_BYTES = 64 * 1024 * 1024;

export function progressReporter(enabled: boolean, sizes: number[], names: string[]): Progress {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (enabled && process.stderr.isTTY && names.includes('-')) return stdinTicker(names.indexOf('-'));
  if (!enabled || !process.stderr.isTTY || total < MIN_BYTES) return { update: undefined, stop() {} };
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {percentage}% | {value}/{total} MB | ETA {eta_formatted} | {file}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (b: number) => Math.round(b / 1048576);
  bar.start(mb(total), 0, { file: names[0] ?? '' });
  const before = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  let stopped = false;
  return {
    update(file, bytes) {
      // (Reading may still report a chunk after a Ctrl-C stopped the bar: it stays gone.)
      if (!stopped) bar.update(mb(before[file]! + bytes), { file: names[file] ?? '' });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/**
 * Standard input has no size, and a live capture (tcpdump -w - | pcap-reset analyze -) runs
 * until it is stopped: a status line, redrawn each second, says that it is being read and
 * that Ctrl-C gives the report.
 */
function stdinTicker(index: number): Progress {
  let bytes = 0;
  let shown = false;
  const draw = () => {
    shown = true;
    const size = bytes < 1048576 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
    process.stderr.write(`\rpcap-reset: reading stdin: ${size} so far; Ctrl-C stops and reports\x1b[K`);
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  let stopped = false;
  return {
    update(file, b) {
      if (file === index) bytes = b;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
