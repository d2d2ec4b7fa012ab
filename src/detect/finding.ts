/**
 * Findings: the contract of ../shared/spec/findings.md. Kind ids and JSON field
 * names are fixed there; add fields, never rename or remove one.
 */
export const FINDING_KINDS = [
  'idle-close-race',
  'request-cap-close',
  'data-after-close',
  'abortive-idle-close',
  'request-timeout-abort',
  'reset-before-response',
  'connection-refused',
  'syn-unanswered',
  'accept-queue-overflow',
  'port-reuse',
  'middlebox-reset',
  'pmtu-blackhole',
  'icmp-frag-needed',
  'ip-fragmentation',
  'truncated-response',
  'protocol-mismatch',
  'zero-window',
  'retransmission-loss',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];
export type Severity = 'error' | 'warning' | 'info';

export interface Evidence {
  /** 1-based packet number in its capture file, as Wireshark numbers it. */
  packet: number;
  time: number;
  note: string;
  /** Exact time as "sec.nnnnnnnnn" (keeps nanosecond precision). */
  ts?: string;
  /** Index into `captures` when several files were analyzed together (omitted for 0). */
  file?: number;
}

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  summary: string;
  /** The connection concerned; for aggregate findings, `client` is "*" (or the client address) and `server` the server. */
  flow: { client: string; server: string; id?: number };
  time: number;
  params: Record<string, number | string | boolean | number[] | string[]>;
  evidence: Evidence[];
  /** Messages from the spec's table that this produces for the user ("nginx: recv() failed (104: ...)"). */
  symptoms: string[];
  advice: string;
  /** How sure the detector is, 0..1 (e.g. a race judged from capture-point timing). */
  confidence?: number;
  /** True for findings that summarize many connections toward one server. */
  aggregate?: boolean;
  /** Flow ids this finding is about (for reports: the timelines to draw). */
  flows?: number[];
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
