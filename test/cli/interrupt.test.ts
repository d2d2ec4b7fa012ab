/**
 * Ctrl-C on `tcpdump -w - | pcap-reset analyze -`: the first SIGINT reports what was read (as
 * tcpdump and tshark print their counts when interrupted), a second one quits at once.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { CAPTURES } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { inflate } from '../../src/bench/inflate.js';

const CAPTURE = join(CAPTURES, 'idle-race-gunicorn-pcapng.pcapng');

/**
 * The capture with an 8 MiB Custom Block (pcapng §4.8, type 0x00000BAD; readers skip it) after
 * its Section Header: more than a pipe or socket buffer holds, so once all of it is written the
 * CLI has read most of it and is past start-up, its Ctrl-C handler in place.
 */
function withPadding(cap: Buffer): Buffer {
  const shbLen = cap.readUInt32LE(4);
  const len = 12 + 4 + 8 * 1024 * 1024;
  const block = Buffer.alloc(len);
  block.writeUInt32LE(0x00000bad, 0);
  block.writeUInt32LE(len, 4);
  block.writeUInt32LE(32473, 8); // the example Private Enterprise Number (RFC 5612)
  block.writeUInt32LE(len, len - 4);
  return Buffer.concat([cap.subarray(0, shbLen), block, cap.subarray(shbLen)]);
}

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * The CLI as a child process, run to its end: `drive` gets it as it starts, `onStdout` its
 * output so far after each piece.
 */
function runChild(args: string[], hooks: { drive?: (child: ChildProcessWithoutNullStreams) => void; onStdout?: (stdout: string, child: ChildProcessWithoutNullStreams) => void; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      hooks.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), hooks.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
    hooks.drive?.(child);
  });
}

/** The CLI reading `bytes` from a pipe left open (a live capture), sent SIGINT `presses` times once all is written. */
function interrupted(args: string[], bytes: Buffer, presses: number): Promise<Run> {
  return runChild(args, {
    drive: (child) => {
      child.stdin.on('error', () => undefined); // the CLI closes its end when it stops reading
      child.stdin.write(bytes, () => {
        for (let i = 0; i < presses; i++) setTimeout(() => child.kill('SIGINT'), 100 * i);
      });
    },
  });
}

describe('Ctrl-C while reading a live pipe', () => {
  const bytes = withPadding(readFileSync(CAPTURE));

  it('reports everything read before it, says it was interrupted, and exits by the findings', async () => {
    const whole = runCli(['analyze', CAPTURE], { timeoutMs: 20_000 });
    expect(whole.status).toBe(1);
    const r = await interrupted(['analyze', '-'], bytes, 1);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pcap-reset: interrupted: reporting what was read so far (Ctrl-C again to quit now)');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/ROOT CAUSE \(idle-close-race/);
    expect(r.stdout).toContain('! Interrupted (Ctrl-C): what follows covers only the packets read before it.');
    expect(r.stdout).toContain(`warning: stdin: interrupted at offset ${bytes.length} after `);
    // Same findings as the whole file read to its end.
    const findings = (out: string) => out.split('\n').filter((l) => /^\s+(ERROR|WARN|info)\s/.test(l));
    expect(findings(r.stdout)).toEqual(findings(whole.stdout));
    expect(findings(r.stdout).length).toBeGreaterThan(0);
  }, 30_000);

  it('puts the interruption in the JSON warnings, with the same findings, and in the HTML report', async () => {
    const whole = JSON.parse(runCli(['analyze', CAPTURE, '--json'], { timeoutMs: 20_000 }).stdout);
    const html = join(tempDir(), 'report.html');
    const r = await interrupted(['analyze', '-', '--json', '--html', html], bytes, 1);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.captures[0].packets).toBe(whole.captures[0].packets);
    expect(j.captures[0].warnings).toContainEqual(expect.stringMatching(/^stdin: interrupted at offset \d+ after \d+ packets: the rest of the input was not read$/));
    expect(j.findings.map((f: { kind: string }) => f.kind)).toEqual(whole.findings.map((f: { kind: string }) => f.kind));
    expect(j).not.toHaveProperty('interrupted');
    expect(readFileSync(html, 'utf8')).toContain('<p class="read-error">Interrupted (Ctrl-C): what follows covers only the packets read before it.</p>');
  }, 30_000);

  it('quits at once with 130 on a second Ctrl-C, printing no report', async () => {
    const r = await interrupted(['analyze', '-'], bytes, 2);
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Ctrl-C again to quit now');
  }, 30_000);
});

describe('Ctrl-C during a scan', () => {
  const N = 24;
  it('reports and aggregates the captures done, marks the aggregate interrupted, exits 130; merge refuses it as complete', async () => {
    const dir = join(tempDir(), 'archive-to-interrupt');
    mkdirSync(dir, { recursive: true });
    // 24 captures of about 9 MB (hard links to one file): about a second of work after the first.
    const first = join(dir, 'cap-00.pcap');
    writeFileSync(first, inflate(readFileSync(join(CAPTURES, 'healthy-keepalive.pcap')), 400));
    for (let i = 1; i < N; i++) linkSync(first, join(dir, `cap-${String(i).padStart(2, '0')}.pcap`));
    // --no-join: the names differ only in numbers, so they would be one rotated group, one task.
    let pressed = false;
    const r = await runChild(['scan', dir, '--jobs', '1', '--no-join', '--json'], {
      timeoutMs: 60_000,
      onStdout: (stdout, child) => {
        // The first capture's line is out: press Ctrl-C while the others are still to do.
        if (!pressed && stdout.includes('"type":"file"')) {
          pressed = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; files?: number; interrupted?: number });
    const files = lines.filter((l) => l.type === 'file');
    const agg = lines[lines.length - 1]!;
    expect(agg.type).toBe('aggregate');
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(agg.files).toBe(files.length);
    expect(agg.interrupted).toBe(N - files.length);
    expect(r.stderr).toContain('pcap-reset: interrupted: reporting what was read so far (Ctrl-C again to quit now)');
    expect(r.stderr).toContain(`pcap-reset: interrupted: ${N - files.length} of ${N} capture file(s) not analyzed`);
    const shard = join(dir, '..', 'interrupted.ndjson');
    writeFileSync(shard, r.stdout);
    const m = runCli(['merge', shard], { timeoutMs: 20_000 });
    expect(m.status).toBe(2);
    expect(m.stderr).toContain(`${shard}: that scan was interrupted: ${N - files.length} capture file(s) not analyzed`);
  }, 90_000);
});

describe('reading a live pipe on a terminal', () => {
  // `script` gives the command a terminal; its stdin is still the pipe from the subshell.
  const onTerminal = (args: string): { terminal: string; report: string } => {
    const out = join(tempDir(), `ticker-${Math.random().toString(36).slice(2)}.txt`);
    const terminal = execFileSync('script', ['-qfc', `(cat ${CAPTURE}; sleep 1.6) | ${process.execPath} ${CLI} analyze - ${args} > ${out}`, '/dev/null'], {
      encoding: 'utf8', timeout: 20_000, input: '', env: { ...process.env, NO_COLOR: '1' },
    });
    return { terminal, report: readFileSync(out, 'utf8') };
  };

  it('says on stderr that stdin is being read and that Ctrl-C gives the report, then clears the line', () => {
    const r = onTerminal('');
    expect(r.terminal).toContain(`\rpcap-reset: reading stdin: ${Math.round(readFileSync(CAPTURE).length / 1024)} KB so far; Ctrl-C stops and reports\x1b[K`);
    expect(r.terminal.endsWith('\r\x1b[K')).toBe(true);
    expect(r.report.split('\n')[0]).toMatch(/ROOT CAUSE \(idle-close-race/);
  });

  it('not with --no-progress', () => {
    const r = onTerminal('--no-progress');
    expect(r.terminal).toBe('');
    expect(r.report.split('\n')[0]).toMatch(/ROOT CAUSE \(idle-close-race/);
  });
});
