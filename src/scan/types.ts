/**
 * The batch scanner's records. `FileRecord`, `SkippedRecord` and `AggregateRecord` are
 * the NDJSON lines of `pcap-reset scan --json` (one JSON object per line, `type` first):
 * stable field names for jq and log pipelines; add fields, never rename or remove one.
 */
import type { MessagePort } from 'node:worker_threads';

/** Per server, per file: what `aggregate` sums over the archive. */
export interface ServerPart {
  server: string;
  /** Connections toward the server that started in this file, and how many failed (RST, refused, unanswered). */
  flows: number;
  failed: number;
  requests: number;
  /** Findings toward this server by kind: count and first/last time seen (epoch seconds). */
  kinds: Record<string, { count: number; first: number; last: number }>;
  /** `idle_s` of every idle-close-race toward the server (ms precision). */
  idle_s: number[];
  /** `server_idle_timeout_s` the detector inferred, one per idle-close-race that carries it. */
  idle_timeout_s: number[];
}

export interface CompactFinding {
  kind: string;
  severity: string;
  client: string;
  server: string;
  time: number;
  summary: string;
}

export interface FileRecord {
  type: 'file';
  /** The path as found (PATH argument joined with the path below it). */
  path: string;
  /** Path relative to the PATH argument it was found under ('/' separators): the shard key. */
  rel: string;
  size: number;
  /** 'pcap' | 'pcap-ns' | 'pcapng' | ... ('' when not readable at all). */
  format: string;
  gzip: boolean;
  linktypes: number[];
  packets: number;
  bytes: number;
  /** First and last packet time, epoch seconds (null without packets). */
  first: number | null;
  last: number | null;
  /** Connections that started in this file. */
  flows: number;
  states: Record<string, number>;
  findings: number;
  findings_by_kind: Record<string, number>;
  /** Worst finding severity, 'ok' when none. */
  severity: 'error' | 'warning' | 'info' | 'ok';
  /** The capture's (or rotated group's) verdict. */
  verdict: { kind: string; severity: string; summary: string; server: string; explains: number } | null;
  /** Why the file could not be (fully) read; null when it was. What was read before is still reported. */
  error: string | null;
  warnings: number;
  /** Rotated pieces of one capture session analyzed together (null for a lone file). */
  group: { id: string; index: number; files: number; joined: boolean } | null;
  /** Per-file HTML report (absolute path), when written. */
  report: string | null;
  /** Why the per-file report could not be written (only when it could not). */
  report_error?: string;
  /** The most important findings (at most 20). */
  findings_top: CompactFinding[];
  /** Servers with findings or failed connections, plus the 10 busiest. */
  servers: ServerPart[];
  duration_ms: number;
}

export interface SkippedRecord {
  type: 'skipped';
  path: string;
  rel: string;
  reason: string;
}

export interface AggregateServer {
  server: string;
  flows: number;
  failed: number;
  requests: number;
  /** Files with connections or findings toward the server. */
  files: number;
  findings: number;
  findings_by_kind: Record<string, number>;
  /** First and last finding toward the server (null without findings). */
  first_seen: number | null;
  last_seen: number | null;
  kinds: Record<string, { count: number; first: number; last: number }>;
  idle_close_race: null | {
    count: number;
    first_seen: number;
    last_seen: number;
    idle_s: { min: number; median: number; max: number } | null;
    /** The server's keep-alive idle timeout inferred from every race across the archive. */
    server_idle_timeout_s: number | null;
    basis: string;
  };
}

export interface AggregateRecord {
  type: 'aggregate';
  files: number;
  failed: number;
  skipped: number;
  clean: number;
  with_findings: number;
  groups_joined: number;
  packets: number;
  bytes: number;
  flows: number;
  findings: number;
  findings_by_kind: Record<string, number>;
  first: number | null;
  last: number | null;
  servers: AggregateServer[];
  /** The exit status this archive gives (0 clean, 1 findings, 2 some files failed). */
  exit_code: number;
  /** Capture files left unanalyzed because the scan was interrupted (Ctrl-C); absent when none. */
  interrupted?: number;
}

export type ScanRecord = FileRecord | SkippedRecord | AggregateRecord;

/** One unit of work for a worker: a lone capture, or the rotated pieces of one session. */
export interface ScanTask {
  files: Array<{ path: string; rel: string; size: number }>;
  /** Rotation group id (its shard key), or null for a lone file. */
  group: string | null;
  /** 'auto': join when timestamps continue; 'force': join; 'never'. */
  join: 'auto' | 'force' | 'never';
  /** Write the HTML report here (absolute), or not. */
  report?: string;
  /** URL of the HTML writer module (when it exists). */
  htmlWriter?: string;
  maxPackets?: number;
  maxFlows?: number;
  progress?: MessagePort;
}
