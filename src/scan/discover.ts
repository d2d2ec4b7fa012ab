/**
 * Finding the captures of an archive: walk folders and globs, group the rotated
 * pieces of one tcpdump session by name, pick this shard's share, and recognize
 * captures by their magic bytes (never by name; gzip is peeked into).
 */
import { createHash } from 'node:crypto';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { constants as zc, gunzipSync } from 'node:zlib';
import { isPcapMagic } from '../reader/pcap.js';
import { PCAPNG_MAGIC } from '../reader/pcapng.js';

export interface Found {
  /** As the user will see it: the PATH argument joined with the path below it. */
  path: string;
  /** Relative to the PATH argument's folder ('/' separators): stable across machines. */
  rel: string;
  size: number;
  /** Named on the command line itself (not found by walking a folder or a glob). */
  explicit: boolean;
}

export interface Group {
  /** Shard key and group id: the pattern of the rotated names (digits as '#'), or the file's rel path. */
  key: string;
  files: Found[];
  rotated: boolean;
}

export interface Problem {
  path: string;
  rel: string;
  reason: string;
}

const GLOB_CHARS = /[*?[]/;
const posix = (p: string) => p.split(sep).join('/');

// ---------- walking ----------

function globToRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

export interface WalkResult {
  found: Found[];
  /** Missing PATH arguments, unreadable folders, globs that matched nothing. */
  problems: Problem[];
  /** Not regular files (sockets, FIFOs, devices): listed as skipped. */
  special: Problem[];
}

export async function walk(args: string[]): Promise<WalkResult> {
  const out: WalkResult = { found: [], problems: [], special: [] };
  const seen = new Set<string>();
  const add = (path: string, root: string, st: Stats, explicit: boolean) => {
    const key = resolve(path);
    if (seen.has(key)) return;
    seen.add(key);
    const rel = posix(relative(root, path)) || basename(path);
    if (!st.isFile()) {
      out.special.push({ path, rel, reason: 'not a regular file' });
      return;
    }
    out.found.push({ path, rel, size: st.size, explicit });
  };

  const walkDir = async (dir: string, root: string, match: (rel: string) => boolean, visited: Set<string>) => {
    let real: string;
    try { real = await realpath(dir); } catch { return; }
    if (visited.has(real)) return; // symlink loop
    visited.add(real);
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (e) {
      out.problems.push({ path: dir, rel: posix(relative(root, dir)) || '.', reason: `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      let st: Stats;
      try { st = await stat(p); } catch (e) {
        out.problems.push({ path: p, rel: posix(relative(root, p)), reason: `cannot stat: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
        continue;
      }
      if (st.isDirectory()) await walkDir(p, root, match, visited);
      else if (match(posix(relative(root, p)))) add(p, root, st, false);
    }
    visited.delete(real);
  };

  for (const arg of args) {
    let st: Stats | undefined;
    try { st = await stat(arg); } catch { st = undefined; }
    if (st?.isDirectory()) {
      await walkDir(arg, arg, () => true, new Set());
    } else if (st) {
      add(arg, dirname(arg), st, true);
    } else if (GLOB_CHARS.test(arg)) {
      // A quoted glob (no shell to expand it, e.g. in a Kubernetes Job): '*', '?', '[..]', '**'.
      const parts = arg.split(/[\\/]/);
      const firstGlob = parts.findIndex((s) => GLOB_CHARS.test(s));
      const base = parts.slice(0, firstGlob).join('/') || (arg.startsWith('/') ? '/' : '.');
      const pattern = parts.slice(firstGlob);
      const res = pattern.map((s) => (s === '**' ? null : globToRegExp(s)));
      const matchParts = (segs: string[], i: number, j: number): boolean => {
        if (i === res.length) return j === segs.length;
        const r = res[i];
        if (r === null) {
          for (let k = j; k <= segs.length; k++) if (matchParts(segs, i + 1, k)) return true;
          return false;
        }
        return j < segs.length && r.test(segs[j]!) && matchParts(segs, i + 1, j + 1);
      };
      const before = out.found.length + out.special.length;
      await walkDir(base, base, (rel) => matchParts(rel.split('/'), 0, 0), new Set());
      if (out.found.length + out.special.length === before) out.problems.push({ path: arg, rel: arg, reason: 'no file matches this pattern' });
    } else {
      out.problems.push({ path: arg, rel: basename(arg), reason: 'no such file or folder' });
    }
  }
  return out;
}

// ---------- rotation groups ----------

/** Name without a compression suffix. */
function bare(name: string): string {
  return name.replace(/\.(gz|gzip)$/i, '');
}

function digitsOf(name: string): number[] {
  return (bare(name).match(/\d+/g) ?? []).map(Number);
}

function compareNames(a: Found, b: Found): number {
  const da = digitsOf(basename(a.path));
  const db = digitsOf(basename(b.path));
  for (let i = 0; i < Math.min(da.length, db.length); i++) if (da[i] !== db[i]) return da[i]! - db[i]!;
  if (da.length !== db.length) return da.length - db.length;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Rotated pieces of one session, by name: in one folder, names equal but for their
 * numbers (`cap.pcap0`, `cap.pcap1`; `cap-2026-11-20_10:00.pcap`, ...; `.gz` ignored),
 * and `cap.pcap` itself when `cap.pcap1`... exist (tcpdump -C without -W). Whether
 * the pieces' times continue is checked when they are read.
 */
export function groupRotated(found: Found[], enabled: boolean): Group[] {
  const byPattern = new Map<string, Found[]>();
  const groups: Group[] = [];
  if (!enabled) return found.map((f) => ({ key: f.rel, files: [f], rotated: false }));
  for (const f of found) {
    const name = bare(basename(f.path));
    const relDir = posix(dirname(f.rel));
    const pattern = (relDir === '.' ? '' : relDir + '/') + name.replace(/\d+/g, '#');
    const list = byPattern.get(pattern);
    if (list) list.push(f);
    else byPattern.set(pattern, [f]);
  }
  // tcpdump -C: "cap.pcap" is the first piece of "cap.pcap1", "cap.pcap2", ...
  for (const [pattern, list] of byPattern) {
    if (list.length !== 1 || pattern.endsWith('#')) continue;
    const rotated = byPattern.get(pattern + '#');
    const first = list[0]!;
    const name = bare(basename(first.path));
    if (rotated && rotated.some((r) => bare(basename(r.path)).startsWith(name))) {
      rotated.push(first);
      byPattern.delete(pattern);
    }
  }
  for (const [pattern, list] of byPattern) {
    if (list.length === 1) groups.push({ key: list[0]!.rel, files: list, rotated: false });
    else groups.push({ key: pattern, files: list.sort(compareNames), rotated: true });
  }
  return groups.sort((a, b) => (a.files[0]!.path < b.files[0]!.path ? -1 : a.files[0]!.path > b.files[0]!.path ? 1 : 0));
}

// ---------- sharding ----------

/** Shard (1-based) of a key: SHA-256 of the relative path, mod N. Same on every machine. */
export function shardOf(key: string, n: number): number {
  const h = createHash('sha256').update(key, 'utf8').digest();
  return Number(h.readBigUInt64BE(0) % BigInt(n)) + 1;
}

export function parseShard(s: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`expected K/N (e.g. 1/4), got "${s}"`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || k < 1 || k > n) throw new Error(`expected 1 <= K <= N, got "${s}"`);
  return { k, n };
}

// ---------- magic ----------

export type Sniff = { capture: true; gzip: boolean } | { capture: false; reason: string; failed?: boolean };

function hex(b: Buffer, n: number): string {
  return [...b.subarray(0, n)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

function captureMagic(b: Buffer): boolean {
  if (b.length < 4) return false;
  const le = b.readUInt32LE(0);
  return le === PCAPNG_MAGIC || isPcapMagic(le);
}

/** Is this a capture? Reads the first 4 KiB; for gzip, inflates what it can of them. */
export async function sniff(path: string): Promise<Sniff> {
  let head: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    return { capture: false, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, failed: true };
  }
  if (head.length === 0) return { capture: false, reason: 'empty file' };
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    let inner: Buffer;
    try {
      inner = gunzipSync(head, { finishFlush: zc.Z_SYNC_FLUSH });
    } catch (e) {
      return { capture: false, reason: `gzip data that cannot be decompressed (${(e as Error).message})` };
    }
    if (captureMagic(inner)) return { capture: true, gzip: true };
    if (inner.length < 4) return { capture: false, reason: inner.length === 0 ? 'gzip-compressed, nothing inside' : 'gzip-compressed, too short for a capture' };
    return { capture: false, reason: `gzip-compressed, but not a pcap or pcapng capture inside (magic ${hex(inner, 4)})` };
  }
  if (captureMagic(head)) return { capture: true, gzip: false };
  if (head.length < 4) return { capture: false, reason: `not a pcap or pcapng capture (only ${head.length} bytes)` };
  return { capture: false, reason: `not a pcap or pcapng capture (magic ${hex(head, 4)})` };
}
