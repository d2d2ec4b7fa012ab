/**
 * `pcap-reset analyze` as a user runs it: exit codes (0 clean, 1 findings, 2 bad usage or
 * input), machine output on stdout only, stdin, colors only when wanted, --help that teaches.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, STACK } from '../helpers/cli.js';
import { CAPTURES, requireCorpus } from '../helpers/paths.js';
import { tempDir, tempFile } from '../helpers/temp.js';

const RACE = join(CAPTURES, 'idle-race-gunicorn.pcap');
const HEALTHY = join(CAPTURES, 'healthy-keepalive.pcap');
const T = { timeoutMs: 20_000 };

describe('pcap-reset analyze', () => {
  it('exits 1 with the verdict first when it finds a broken connection', () => {
    const r = runCli(['analyze', RACE], T);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/ROOT CAUSE \(idle-close-race/);
    expect(r.stdout).toContain('10.0.3.2:8000');
    expect(r.stdout).not.toMatch(/\x1b\[/); // not a terminal: no colors
  });

  it('exits 0 on the healthy control', () => {
    const r = runCli(['analyze', HEALTHY], T);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/No broken connections found/);
  });

  it('--json writes only JSON to stdout, with the fixed top-level fields', () => {
    const r = runCli(['analyze', '--json', RACE], T);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    for (const k of ['tool', 'captures', 'summary', 'verdict', 'findings', 'flows']) expect(j).toHaveProperty(k);
    expect(j.findings.some((f: { kind: string }) => f.kind === 'idle-close-race')).toBe(true);
  });

  it("reads standard input with '-' (tcpdump -w - | pcap-reset analyze -)", () => {
    const fromFile = JSON.parse(runCli(['analyze', '--json', RACE], T).stdout);
    const r = runCli(['analyze', '--json', '-'], { ...T, input: readFileSync(RACE) });
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.findings.map((f: { kind: string }) => f.kind)).toEqual(fromFile.findings.map((f: { kind: string }) => f.kind));
    expect(j.summary.packets ?? j.captures[0].packets).toBe(fromFile.summary.packets ?? fromFile.captures[0].packets);
    // The reports name it "stdin" (the JSON keeps the argument, '-').
    expect(j.captures[0].path).toBe('-');
    const text = runCli(['analyze', '-'], { ...T, input: readFileSync(RACE) }).stdout;
    expect(text).toMatch(/^ {2}stdin: pcap, link 1, 240 packets, /m);
  });

  it('colors only when forced on a non-terminal, never with NO_COLOR', () => {
    const forced = runCli(['analyze', RACE], { ...T, env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stdout).toMatch(/\x1b\[/);
    const off = runCli(['analyze', RACE], { ...T, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(off.stdout).not.toMatch(/\x1b\[/);
  });

  it.each([
    [['analyze'], /missing required argument/],
    [['analyze', '--bogus', RACE], /unknown option '--bogus'/],
    [['analyze', '--max-packets', '0', RACE], /positive whole number/],
    [['analyze', '--time-range', 'yesterday', RACE], /--time-range/],
    [['nonsense'], /unknown command/],
  ])('bad usage %j exits 2 with a one-line reason', (args, msg) => {
    const r = runCli(args as string[], T);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a missing file exits 2 naming the file and the offset', () => {
    const r = runCli(['analyze', '/nonexistent/cap.pcap'], T);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/\/nonexistent\/cap\.pcap: offset 0: cannot open/);
  });

  it('says "nothing analyzed", not a clean verdict, when no capture could be read', () => {
    const r = runCli(['analyze', '/nonexistent/cap.pcap'], T);
    expect(r.stdout.split('\n')[0]).toBe('✗ Nothing analyzed: the capture could not be read (the error is under Capture).');
    expect(r.stdout).not.toMatch(/No broken connections/);
    const json = runCli(['analyze', '--json', '/nonexistent/cap.pcap'], T);
    expect(JSON.parse(json.stdout).verdict).toMatchObject({ cause: 'Nothing analyzed: no capture could be read.', kind: '' });
    const html = join(tempDir(), 'none.html');
    expect(runCli(['analyze', '/nonexistent/cap.pcap', '--html', html], T).status).toBe(2);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Nothing analyzed');
    expect(page).not.toContain('No connection problem found');
  });

  it('a clean verdict of a capture cut short says it covers only what was read', () => {
    const bytes = readFileSync(HEALTHY);
    const cut = tempFile(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.pcap');
    const r = runCli(['analyze', cut], T);
    expect(r.status).toBe(2);
    const [first, second] = r.stdout.split('\n');
    expect(first).toBe('✓ No broken connections found.');
    expect(second).toBe('! The capture could not be read to the end: what follows covers only the packets read.');
    const both = runCli(['analyze', cut, RACE], T); // (not HEALTHY: the same connections in two files get a line of their own)
    expect(both.stdout.split('\n').find((l) => l.startsWith('! '))).toBe('! 1 of 2 captures could not be read to the end: what follows covers only the packets read.');
    const whole = runCli(['analyze', HEALTHY], T);
    expect(whole.stdout).not.toMatch(/could not be read/);
  });

  it('--help teaches: examples, exit status, every option', () => {
    const r = runCli(['analyze', '--help'], T);
    expect(r.status).toBe(0);
    for (const s of ['--json', '--html', '--svg', '--max-packets', '--time-range', 'Examples:', 'Exit status', 'Ctrl-C']) expect(r.stdout).toContain(s);
  });

  it('--max-packets analyzes only the start of the capture', () => {
    const all = JSON.parse(runCli(['analyze', '--json', RACE], T).stdout);
    const part = JSON.parse(runCli(['analyze', '--json', '--max-packets', '10', RACE], T).stdout);
    expect(part.captures[0].packets).toBe(10);
    expect(all.captures[0].packets).toBeGreaterThan(10);
  });
});

describe('nothing to diagnose', () => {
  // A green "No broken connections found" would hide that the capture missed the traffic.
  it('says so, with what to capture instead, when no packet is TCP (a real UDP-only capture)', () => {
    const udp = join(requireCorpus(), 'tcpdump__ppp_ip_udp_dns.pcap');
    const r = runCli(['analyze', udp], T);
    expect(r.status).toBe(0);
    const [first, second] = r.stdout.split('\n');
    expect(first).toBe('– Nothing to diagnose: no TCP found in the capture (1 packet, none decoded as TCP).');
    expect(second).toBe("  Next: Capture where the service's connections pass and filter on its port, e.g. tcpdump -i any -w cap.pcap tcp port 8080.");
    expect(JSON.parse(runCli(['analyze', udp, '--json'], T).stdout).verdict.cause).toBe(first!.slice(2));
    const html = join(tempDir(), 'udp.html');
    runCli(['analyze', udp, '--html', html], T);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Nothing to diagnose');
    expect(page).not.toContain('No connection problem found');
  });

  it('says the time range holds none of the packets', () => {
    const r = runCli(['analyze', RACE, '--time-range', '2030-01-01T00:00:00Z,'], T);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('– Nothing to diagnose: none of the 240 packets read is in the time range.');
  });

  it('says no packets were read from a capture with a header and no packet', () => {
    const empty = tempFile(readFileSync(HEALTHY).subarray(0, 24), 'header-only.pcap');
    const r = runCli(['analyze', empty], T);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('– Nothing to diagnose: no packets were read.');
  });

  it('keeps the green check for a capture with TCP and nothing broken', () => {
    expect(runCli(['analyze', HEALTHY], T).stdout.split('\n')[0]).toBe('✓ No broken connections found.');
  });
});

describe('standard output that cannot be written', () => {
  it('says so and exits 2 (a full disk under --json > out.json), instead of the findings status', () => {
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['analyze', RACE, '--json'], ['analyze', RACE], ['scan', CAPTURES, '--json']]) {
        const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 20_000 });
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr).toContain('pcap-reset: cannot write standard output: ENOSPC');
      }
    } finally {
      closeSync(full);
    }
  });
});
