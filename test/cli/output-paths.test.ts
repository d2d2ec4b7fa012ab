/**
 * Report destinations are checked before the analysis (which can take minutes): a bad path is a
 * usage error said at once (exit 2, one line), never an "internal error" after the work; missing
 * folders are created like `mkdir -p`. And `analyze` refuses a folder (that is scan's work) and
 * `analyze -` a terminal as its input.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, STACK } from '../helpers/cli.js';
import { CAPTURES } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { makeFolders } from '../../src/util/output-paths.js';

const RACE = join(CAPTURES, 'idle-race-gunicorn.pcap');
const T = { timeoutMs: 20_000 };

/** A fresh folder under the test temp dir, and a plain file in it. */
function place(name: string): { dir: string; file: string } {
  const dir = join(tempDir(), name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'not a folder\n');
  return { dir, file };
}

function refused(args: string[], line: string): void {
  const r = runCli(args, T);
  expect(r.status).toBe(2);
  expect(r.stderr.trim()).toBe(`pcap-reset: ${line}`);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stdout).toBe(''); // said before analyzing, not after
}

describe('report destinations', () => {
  it('refuses --html naming a folder, with a file name to use instead', () => {
    const { dir } = place('html-dir');
    refused(['analyze', RACE, '--html', dir], `--html ${dir}: is a folder; give a file name, e.g. ${join(dir, 'report.html')}`);
  });

  it('refuses --html inside something that is not a folder', () => {
    const { file } = place('html-under-file');
    const target = join(file, 'sub', 'report.html');
    refused(['analyze', RACE, '--html', target], `--html ${target}: ${file} is not a folder`);
  });

  it('refuses --svg naming a file', () => {
    const { file } = place('svg-file');
    refused(['analyze', RACE, '--svg', file], `--svg ${file}: exists and is not a folder`);
  });

  it('creates missing folders for --html and --svg, and the exit status is the analysis one', () => {
    const { dir } = place('made');
    const html = join(dir, 'a', 'b', 'report.html');
    const svg = join(dir, 'c', 'd');
    const r = runCli(['analyze', RACE, '--html', html, '--svg', svg], T);
    expect(r.status).toBe(1);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    expect(existsSync(join(svg, 'overview.svg'))).toBe(true);
    expect(r.stderr).toContain(`pcap-reset: wrote ${html}`);
  });

  it('scan and merge check --html the same way', () => {
    const { dir, file } = place('scan-html');
    refused(['scan', CAPTURES, '--html', dir], `--html ${dir}: is a folder; give a file name, e.g. ${join(dir, 'index.html')}`);
    const target = join(file, 'index.html');
    refused(['merge', '-', '--html', target], `--html ${target}: ${file} is not a folder`);
  });
});

describe('a file system that refuses folders with ENOENT (procfs)', () => {
  // Node 20's recursive mkdir retries such an ENOENT forever: the run hung at 100% CPU.
  const W = { timeoutMs: 15_000 };
  // As root, /proc passes the check made before the analysis (root may write in it) and the
  // mkdir itself fails; as another user, the check refuses it first.
  const refusal = process.getuid?.() === 0 ? 'could not write: ENOENT (mkdir)' : 'cannot write in /proc (permission denied)';
  it('fails the write in one line, exit 2, for analyze --html and --svg, scan and merge', () => {
    for (const [args, opt, path] of [
      [['analyze', RACE, '--html', '/proc/pcap-reset-test/r.html'], '--html', '/proc/pcap-reset-test/r.html'],
      [['analyze', RACE, '--svg', '/proc/pcap-reset-test/svg'], '--svg', '/proc/pcap-reset-test/svg'],
      [['scan', RACE, '--html', '/proc/pcap-reset-test/index.html'], '--html', '/proc/pcap-reset-test/index.html'],
    ] as const) {
      const r = runCli([...args], W);
      expect(r.error, args.join(' ')).toBeUndefined(); // (a timeout: the hang)
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`pcap-reset: ${opt} ${path}: ${refusal}`);
      expect(r.stderr).not.toMatch(STACK);
    }
    const shard = join(tempDir(), 'one-shard.ndjson');
    writeFileSync(shard, runCli(['scan', RACE, '--json'], T).stdout);
    const m = runCli(['merge', shard, '--html', '/proc/pcap-reset-test/m.html'], W);
    expect(m.error).toBeUndefined();
    expect(m.status).toBe(2);
    expect(m.stderr).toContain(`pcap-reset: --html /proc/pcap-reset-test/m.html: ${refusal}`);
  }, 60_000);
});

describe('makeFolders', () => {
  it('makes every missing level, accepts one that exists, and fails under a plain file', async () => {
    const { dir, file } = place('make-folders');
    const deep = join(dir, 'a', 'b', 'c');
    await makeFolders(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await makeFolders(deep); // there already: nothing to do
    await expect(makeFolders(join(file, 'x'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('analyze on a folder', () => {
  it('points to scan, before reading anything (exit 2)', () => {
    refused(['analyze', CAPTURES], `${CAPTURES} is a folder: analyze reads capture files; for every capture in it, run pcap-reset scan ${CAPTURES}`);
  });
});

describe('analyze - on a terminal', () => {
  it('refuses to wait for a capture typed on a terminal (as gzip does), exit 2', () => {
    // `script` runs the command on a pseudo-terminal: its standard input is a terminal.
    const out = execFileSync('script', ['-qec', `${process.execPath} ${CLI} analyze -; echo "status=$?"`, '/dev/null'], {
      encoding: 'utf8', timeout: 20_000, input: '', env: { ...process.env, NO_COLOR: '1' },
    });
    expect(out).toContain('pcap-reset: standard input is a terminal, not a capture: pipe one in (tcpdump -w - | pcap-reset analyze -) or name a file');
    expect(out).toContain('status=2');
  });
});
