/**
 * Real captures to damage (the lab's captures/ and the shared public corpus), and the
 * pipeline run on bytes in memory, with what two analyses must share to be "the same".
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { analyze, type AnalyzeOptions } from '../../src/analyze/analyze.js';
import type { AnalysisResult } from '../../src/analyze/result.js';
import { CAPTURES, CORPUS } from '../helpers/paths.js';
import { escapeRegExp } from '../helpers/regex.js';
import { tempDir } from '../helpers/temp.js';
import { layout, plain, type Layout } from './mutate.js';

export interface Sample {
  name: string;
  /** Plain (decompressed) bytes. */
  bytes: Buffer;
  layout: Layout;
  /** Its analysis, whole (the clean baseline of every mutation that keeps all records). */
  clean: AnalysisResult;
}

/** Seed of every fuzz test (PCAP_RESET_FUZZ_SEED overrides). */
export const SEED = Number(process.env['PCAP_RESET_FUZZ_SEED'] ?? 0x5eed1e55) | 0;
/** Mutated inputs through analyze() (PCAP_RESET_FUZZ=N for a longer run). */
export const RUNS = Math.max(1, Number(process.env['PCAP_RESET_FUZZ'] ?? 3000) | 0);

function capturesOf(dir: string, maxBytes: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f))
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).size <= maxBytes)
    .sort();
}

/**
 * Captures the structured mutations can aim at: plain pcap / pcapng files that read
 * cleanly, with every record laid out (damaged corpus files are fuzzed by test/reader).
 */
export async function loadSamples(maxBytes = 64 * 1024): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const path of [...capturesOf(CAPTURES, maxBytes), ...capturesOf(CORPUS, maxBytes)]) {
    const bytes = plain(readFileSync(path));
    if (bytes.length > maxBytes * 4) continue;
    const l = layout(bytes);
    if (!l || l.packets === 0) continue;
    const name = basename(path);
    const r = await analyzeBytes(bytes, name);
    const c = r.captures[0]!;
    if (c.error !== undefined || c.packets !== l.packets) continue;
    out.push({ name, bytes, layout: l, clean: r });
  }
  return out;
}

/** analyze() on bytes: as a stream, or (file = true) from a temporary file. */
export async function analyzeBytes(bytes: Buffer, name: string, opts: AnalyzeOptions = {}, file = false): Promise<AnalysisResult> {
  if (file) {
    const path = join(tempDir(), name); // (one file per name, overwritten: fuzz runs write thousands)
    writeFileSync(path, bytes);
    return analyze([{ path, name }], opts);
  }
  return analyze([{ path: name, name, stream: Readable.from([bytes]) }], opts);
}

/** What must be equal between the damaged capture's analysis and the clean one's cut to the same records. */
export function digest(r: AnalysisResult): unknown {
  return {
    packets: r.captures[0]!.packets,
    tcp: r.summary.tcp_packets,
    flows: r.summary.flows,
    states: r.summary.states,
    list: r.flows.map((f) => `${f.id} ${f.client} ${f.server} ${f.packets} ${f.payload_bytes} ${f.state} ${f.first_packet}-${f.last_packet}`),
    findings: r.findings.map((f) => `${f.kind} ${f.flow.server} ${f.summary}`).sort(),
  };
}

/** Clean analyses of a sample cut to its first k records, cached. */
export class Baselines {
  private readonly cache = new Map<string, Promise<AnalysisResult>>();
  get(s: Sample, k: number): Promise<AnalysisResult> {
    if (k >= s.layout.packets) return Promise.resolve(s.clean);
    const key = `${s.name}#${k}`;
    let p = this.cache.get(key);
    if (!p) {
      p = analyzeBytes(s.bytes, s.name, { maxPackets: k });
      this.cache.set(key, p);
    }
    return p;
  }
}

/** "NAME: offset N: what", one line; returns N. */
export function errorOffset(error: string, name: string): number {
  const m = new RegExp(`^${escapeRegExp(name)}: offset (\\d+): [^\\n]+$`).exec(error);
  if (!m) throw new Error(`error is not one line "${name}: offset N: ...": ${JSON.stringify(error)}`);
  return Number(m[1]);
}

/** Save an input that failed, so it can be replayed; returns the path. */
export function saveFailure(bytes: Buffer, label: string): string {
  const path = join(tmpdir(), `pcap-reset-fuzz-${label.replace(/[^\w.-]+/g, '_')}.bin`);
  writeFileSync(path, bytes);
  return path;
}
