/**
 * `npm run bench`: pcap-reset against tshark, tcptrace, a raw read and the bare header
 * walker, on the same captures, in one run, alternating (see docs/performance.md).
 *
 *   npm run bench [-- OPTIONS]
 *     --file PATH             a capture to measure (repeatable); default: build the two lab
 *                             captures (keepalive.pcap ~1 GB, tiny.pcap ~300 MB; needs root)
 *     --captures DIR          where the captures are built (default $TMPDIR/pcap-reset-bench)
 *     --skip-build-captures   use DIR/keepalive.pcap and DIR/tiny.pcap as they are
 *     --keep                  keep built captures (default: deleted at the end)
 *     --out DIR               results (results.json, results.md; default .bench/results)
 *     --repeat N              rounds (default 3); each round runs every tool once per capture
 *     --tools a,b             subset of: pcap-reset,walker,raw-read,read,decode,start,tcptrace,tshark
 *     --no-jobs / --jobs-only the scan --jobs 1 vs 2 benchmark (src/scan/bench-jobs.ts)
 *     --no-render             skip the HTML report rendering benchmark
 *
 * Wall time is measured around each child; peak RSS comes from /usr/bin/time -v.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { budgets, evaluate, type CaptureResult, type ToolStat, renderMarkdown } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '../..');
const NODE = process.execPath;
const CLI = join(REPO, 'dist', 'cli.js');
const WALKER = join(here, 'walker.js');
const STAGES = join(here, 'stages.js');
const START_CAPTURE = join(REPO, 'captures', 'syn-dropped.pcap');

interface Tool {
  name: string;
  cmd: (file: string) => string[];
  okCodes: number[];
  /** Reads its own input, not FILE (MB/s and packets/s are not its). */
  ownInput?: boolean;
}

const TOOLS: Tool[] = [
  { name: 'pcap-reset', cmd: (f) => [NODE, CLI, 'analyze', f, '--json', '--no-progress'], okCodes: [0, 1] },
  { name: 'walker', cmd: (f) => [NODE, WALKER, f], okCodes: [0] },
  { name: 'raw-read', cmd: (f) => [NODE, WALKER, '--raw', f], okCodes: [0] },
  // pcap-reset's own floor (table.ts, "Time budgets"): its reader alone, reader and decoder,
  // and the CLI's start-up (a whole run on an 18-packet lab capture, whatever FILE is).
  { name: 'read', cmd: (f) => [NODE, STAGES, 'read', f], okCodes: [0] },
  { name: 'decode', cmd: (f) => [NODE, STAGES, 'decode', f], okCodes: [0] },
  { name: 'start', cmd: () => [NODE, CLI, 'analyze', START_CAPTURE, '--json', '--no-progress'], okCodes: [0, 1], ownInput: true },
  { name: 'tcptrace', cmd: (f) => ['tcptrace', '-n', '-l', f], okCodes: [0] },
  { name: 'tshark', cmd: (f) => ['tshark', '-q', '-n', '-r', f, '-z', 'conv,tcp'], okCodes: [0] },
];

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function opts(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => { if (a === name && process.argv[i + 1]) out.push(process.argv[i + 1]!); });
  return out;
}
const flag = (name: string) => process.argv.includes(name);

interface Sample { wallMs: number; rssKb: number }

/** Runs one command under /usr/bin/time -v; stdout goes to /dev/null. */
function measure(tool: Tool, file: string): Sample {
  const tfile = join(tmpdir(), `pcap-reset-bench-time-${process.pid}.txt`);
  const devnull = openSync('/dev/null', 'w');
  try {
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-v', '-o', tfile, ...tool.cmd(file)], {
      stdio: ['ignore', devnull, 'pipe'], maxBuffer: 64 * 1024 * 1024,
    });
    const wallMs = performance.now() - t0;
    const t = existsSync(tfile) ? readFileSync(tfile, 'utf8') : '';
    const status = Number(/Exit status: (\d+)/.exec(t)?.[1] ?? r.status ?? -1);
    if (!tool.okCodes.includes(status)) {
      throw new Error(`${tool.name} on ${file} exited ${status}: ${String(r.stderr).slice(-500)}${t.slice(0, 300)}`);
    }
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)?.[1] ?? NaN);
    return { wallMs, rssKb };
  } finally {
    closeSync(devnull);
    rmSync(tfile, { force: true });
  }
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The first `bytes` of a classic pcap, cut at a record boundary. */
function pcapPrefix(src: string, dst: string, bytes: number): void {
  const fd = openSync(src, 'r');
  const head = Buffer.alloc(24);
  readSync(fd, head, 0, 24, 0);
  const le = head.readUInt32LE(0) === 0xa1b2c3d4 || head.readUInt32LE(0) === 0xa1b23c4d;
  let pos = 24;
  const rec = Buffer.alloc(16);
  const size = statSync(src).size;
  while (pos + 16 <= size) {
    readSync(fd, rec, 0, 16, pos);
    const len = le ? rec.readUInt32LE(8) : rec.readUInt32BE(8);
    if (pos + 16 + len > bytes) break;
    pos += 16 + len;
  }
  const out = openSync(dst, 'w');
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  for (let at = 0; at < pos;) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, pos - at), at);
    writeSync(out, buf, 0, n);
    at += n;
  }
  closeSync(out);
  closeSync(fd);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function benchCapture(file: string, tools: Tool[], repeat: number): CaptureResult {
  const bytes = statSync(file).size;
  const walk = spawnSync(NODE, [WALKER, file], { encoding: 'utf8' }); // also warms the page cache
  const packets = walk.status === 0 ? (JSON.parse(walk.stdout) as { packets: number }).packets : NaN;
  const samples = new Map<string, Sample[]>(tools.map((t) => [t.name, []]));
  for (let r = 0; r < repeat; r++) {
    for (const tool of tools) {
      const s = measure(tool, file);
      samples.get(tool.name)!.push(s);
      console.error(`  round ${r + 1}/${repeat} ${basename(file)} ${tool.name}: ${(s.wallMs / 1000).toFixed(2)} s, ${(s.rssKb / 1024).toFixed(0)} MiB`);
    }
  }
  const stats: ToolStat[] = tools.map((t) => {
    const ss = samples.get(t.name)!;
    const best = Math.min(...ss.map((s) => s.wallMs));
    return {
      tool: t.name, bestMs: best, medianMs: median(ss.map((s) => s.wallMs)),
      mbPerS: t.ownInput ? null : bytes / 1e6 / (best / 1000), packetsPerS: t.ownInput ? null : packets / (best / 1000),
      peakRssMiB: Math.max(...ss.map((s) => s.rssKb)) / 1024,
    };
  });
  return { file, name: basename(file), bytes, packets, stats };
}

async function main(): Promise<void> {
  const outDir = resolve(opt('--out') ?? join(REPO, '.bench', 'results'));
  const repeat = Number(opt('--repeat') ?? 3);
  const wanted = opt('--tools')?.split(',');
  const tools = TOOLS.filter((t) => (!wanted || wanted.includes(t.name)) && (t.cmd('x')[0] === NODE || have(t.cmd('x')[0]!)));
  const missing = TOOLS.filter((t) => !tools.includes(t) && (!wanted || wanted.includes(t.name))).map((t) => t.name);
  if (missing.length) console.error(`bench: not installed, skipped: ${missing.join(', ')}`);
  const jobsOnly = flag('--jobs-only');
  mkdirSync(outDir, { recursive: true });
  const started = new Date().toISOString();
  const load0 = loadavg();
  console.error(`bench: ${started}; load average ${load0.map((x) => x.toFixed(2)).join(' ')}`);

  let files = opts('--file').map((f) => resolve(f));
  const capDir = resolve(opt('--captures') ?? join(tmpdir(), 'pcap-reset-bench'));
  let built = false;
  if (!jobsOnly && files.length === 0) {
    const want = [join(capDir, 'keepalive.pcap'), join(capDir, 'tiny.pcap')];
    if (!flag('--skip-build-captures') || !want.every((f) => existsSync(f))) {
      if (flag('--skip-build-captures')) throw new Error(`--skip-build-captures: ${want.join(' and ')} not there`);
      if (process.getuid?.() !== 0) throw new Error('building the captures needs root (network namespaces); or pass --file');
      console.error(`bench: building captures in ${capDir} (about a minute)`);
      const r = spawnSync('bash', [join(REPO, 'src', 'bench', 'make-captures.sh'), capDir, 'both'], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('make-captures.sh failed');
      built = true;
    }
    files = want;
  }

  const results: CaptureResult[] = [];
  let flat: { prefixBytes: number; prefixRssMiB: number; wholeRssMiB: number } | undefined;
  let render: unknown;
  let jobs: { ratio: number; output: string } | undefined;
  try {
    for (const f of jobsOnly ? [] : files) {
      console.error(`bench: ${basename(f)} (${(statSync(f).size / 1e6).toFixed(0)} MB), ${repeat} rounds`);
      const res = benchCapture(f, tools, repeat);
      results.push(res);
      // Flat memory: a 100 MB prefix of the keep-alive capture against the whole file.
      if (/keepalive/.test(basename(f)) && tools.some((t) => t.name === 'pcap-reset')) {
        const prefix = join(tmpdir(), `pcap-reset-bench-prefix-${process.pid}.pcap`);
        try {
          pcapPrefix(f, prefix, 100 * 1024 * 1024);
          const tool = tools.find((t) => t.name === 'pcap-reset')!;
          const rss = Math.max(...Array.from({ length: Math.min(repeat, 2) }, () => measure(tool, prefix).rssKb)) / 1024;
          flat = {
            prefixBytes: statSync(prefix).size, prefixRssMiB: rss,
            wholeRssMiB: res.stats.find((s) => s.tool === 'pcap-reset')!.peakRssMiB,
          };
        } finally {
          rmSync(prefix, { force: true });
        }
      }
    }
    if (!jobsOnly && !flag('--no-render')) {
      const r = spawnSync(NODE, [join(here, 'render.js')], { encoding: 'utf8' });
      if (r.status === 0) render = JSON.parse(r.stdout);
      else console.error(`bench: render benchmark failed: ${r.stderr.slice(-300)}`);
    }
    if (!flag('--no-jobs')) {
      console.error('bench: scan --jobs 1 vs --jobs 2 (src/scan/bench-jobs.ts)');
      const r = spawnSync(NODE, [join(REPO, 'dist', 'scan', 'bench-jobs.js')], { encoding: 'utf8' });
      const ratio = Number(/ratio jobs2\/jobs1: ([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
      jobs = { ratio, output: r.stdout.trim() };
    }
  } finally {
    if (built && !flag('--keep')) rmSync(capDir, { recursive: true, force: true });
    else if (built) console.error(`bench: kept captures in ${capDir}`);
  }

  const report = {
    started, loadBefore: load0, loadAfter: loadavg(), node: process.version, repeat,
    captures: results.map((r) => ({ ...r, checks: evaluate(r), budgets: budgets(r) })), flat, render, jobs,
  };
  const md = renderMarkdown(report);
  writeFileSync(join(outDir, 'results.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(outDir, 'results.md'), md);
  process.stdout.write(md);
  console.error(`bench: wrote ${join(outDir, 'results.json')} and results.md`);
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
