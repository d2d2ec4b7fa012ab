/** Reading ../shared/corpus: the manifest and tshark's answers (`*.oracle.json`). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireCorpus } from './paths.js';

export interface OracleStream {
  stream: number;
  ip_version: number;
  a: { addr: string; port: number };
  b: { addr: string; port: number };
  packets: number;
  payload_bytes: number;
  syn: number;
  fin: number;
  rst: number;
  retransmissions: number;
  first_frame: number;
  last_frame: number;
  rst_frames: number[];
}

export interface Oracle {
  file: string;
  packets: number;
  tshark: { exit_code: number; ok: boolean; stderr: string };
  tcp: { packets: number; streams: number; retransmissions: number; rst_packets: number };
  mtu: Record<string, unknown>;
  streams: OracleStream[];
  header: { format?: string; records?: number; problems: string[] };
}

/** Every capture file of the corpus (not the oracle JSON, manifest, README or script). */
export function corpusFiles(): string[] {
  const dir = requireCorpus();
  return readdirSync(dir)
    .filter((f) => !/\.(json|tsv|md|sh)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function oracleFor(path: string): Oracle {
  return JSON.parse(readFileSync(path + '.oracle.json', 'utf8')) as Oracle;
}

export function endpoint(v: number, addr: string, port: number): string {
  return v === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
}
