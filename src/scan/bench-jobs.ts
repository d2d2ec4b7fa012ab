/**
 * Benchmark (not a unit test): `scan --jobs 1` vs `--jobs 2` over a folder of captures.
 *
 *   npm run build && node dist/scan/bench-jobs.js [FOLDER] [--files 20] [--mb 8] [--repeat 3] [--keep]
 *
 * Without FOLDER, builds one in a temp dir: 20 captures made of the lab captures
 * (captures/*.pcap), each repeated with shifted timestamps to a few MB so the work
 * dominates thread start-up. Prints the best wall time of each and the ratio
 * (target: 2 jobs <= 0.65 of 1 job on a machine with 2 free cores).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflate } from '../bench/inflate.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '../..');
const CLI = join(REPO, 'dist', 'cli.js');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

/** CPU seconds used by waited-for children so far (Linux /proc; NaN elsewhere). */
function childCpu(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime, USER_HZ = 100
  } catch {
    return NaN;
  }
}

const cpu: Record<number, number[]> = { 1: [], 2: [] };

function run(dir: string, jobs: number): number {
  const c0 = childCpu();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'scan', dir, '--json', '--no-progress', '--jobs', String(jobs)], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - t0;
  (cpu[jobs] ??= []).push(childCpu() - c0);
  if (r.status !== 0 && r.status !== 1) throw new Error(`scan --jobs ${jobs} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return ms;
}

const nFiles = arg('--files', 20);
const repeat = arg('--repeat', 3);
const targetBytes = arg('--mb', 8) * 1024 * 1024;
let dir = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '';
let made = false;
if (!dir) {
  dir = mkdtempSync(join(tmpdir(), 'pcap-reset-bench-'));
  made = true;
  const labs = readdirSync(join(REPO, 'captures')).filter((f) => f.endsWith('.pcap')).sort();
  if (!labs.length) throw new Error('no captures/*.pcap to build the bench folder from');
  for (let i = 0; i < nFiles; i++) {
    const src = readFileSync(join(REPO, 'captures', labs[i % labs.length]!));
    writeFileSync(join(dir, `bench-${String.fromCharCode(97 + (i % 26))}-${labs[i % labs.length]}`),
      inflate(src, Math.max(1, Math.round(targetBytes / src.length))));
  }
}
try {
  const files = readdirSync(dir).length;
  console.log(`bench: ${files} files in ${dir}; ${availableParallelism()} CPUs available; best of ${repeat}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  run(dir, 1); // warm the page cache
  cpu[1] = [];
  const best = (jobs: number) => Math.min(...Array.from({ length: repeat }, () => run(dir, jobs)));
  const one = best(1);
  const two = best(2);
  const minCpu = (j: number) => Math.min(...cpu[j]!);
  const c = (j: number) => minCpu(j).toFixed(2);
  console.log(`--jobs 1: ${(one / 1000).toFixed(2)} s wall (${c(1)} s CPU)`);
  console.log(`--jobs 2: ${(two / 1000).toFixed(2)} s wall (${c(2)} s CPU)`);
  console.log(`ratio jobs2/jobs1: ${(two / one).toFixed(3)} (target <= 0.65); load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  // The best ratio two cores allow: the CPU the two jobs need, spread perfectly over both, against
  // one job's wall time. One job already keeps more than one core busy (V8 compiles and collects
  // on background threads, the libuv pool reads ahead), and every worker compiles the analysis
  // again, so this floor is above 0.5.
  console.log(`floor on ${availableParallelism()} cores: ${(minCpu(2) / availableParallelism() / (one / 1000)).toFixed(3)} ` +
    `(--jobs 2 CPU / cores / --jobs 1 wall); --jobs 1 kept ${(minCpu(1) / (one / 1000)).toFixed(2)} cores busy`);
} finally {
  if (made && !process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  else if (made) console.log(`kept ${dir}`);
}
