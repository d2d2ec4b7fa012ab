/**
 * Where the shared capture corpus lives: `../shared/corpus` relative to the
 * repository root (the parent of `test/`). Files are read in place, never copied.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CORPUS_DIR = resolve(REPO_ROOT, '../shared/corpus');
export const CAPTURES_DIR = resolve(REPO_ROOT, 'captures');

export const CORPUS_MISSING =
  `capture corpus not found at ${CORPUS_DIR} (expected ../shared/corpus next to the repository root, ` +
  `holding <capture> + <capture>.oracle.json pairs and MANIFEST.tsv)`;

/** Capture file names in the corpus that have an oracle file (throws when the folder is missing: CI has it). */
export function corpusFiles(): string[] {
  if (!existsSync(CORPUS_DIR)) throw new Error(CORPUS_MISSING);
  return readdirSync(CORPUS_DIR)
    .filter((f) => !f.endsWith('.oracle.json') && existsSync(join(CORPUS_DIR, f + '.oracle.json')))
    .sort();
}

export interface OracleStream {
  first_frame: number;
  first_ts: string;
  last_frame: number;
  last_ts: string;
}

export interface Oracle {
  packets: number;
  header: {
    container?: string;
    format?: string;
    ts_resolution?: string | string[] | null;
    linktypes?: number[];
    records?: number;
    snaplen?: number;
    problems?: string[];
  };
  tshark: { ok?: boolean; exit_code: number; stderr?: string };
  streams?: OracleStream[];
}

export function oracle(file: string): Oracle {
  return JSON.parse(readFileSync(join(CORPUS_DIR, file + '.oracle.json'), 'utf8')) as Oracle;
}

/** Every regular file under `dir` (recursively); empty when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}
