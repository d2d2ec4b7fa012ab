/**
 * The analysis result: everything reports (text, JSON, SVG, HTML) read.
 * Reports never look at packets; they only read this.
 */
import type { Flow, FlowState } from '../conn/flow.js';
import type { Finding } from '../detect/finding.js';

/** One capture file as the JSON contract writes it (`captures[]`). */
export interface CaptureSummary {
  path: string;
  format: string;
  gzip: boolean;
  linktypes: number[];
  packets: number;
  bytes: number;
  first: number;
  last: number;
  warnings: string[];
  /** The fatal error that stopped reading, one line naming the file and offset. */
  error?: string;
}

/** One connection as the JSON contract writes it (`flows[]`); counts follow Wireshark's fields. */
export interface FlowSummary {
  id: number;
  client: string;
  server: string;
  packets: number;
  payload_bytes: number;
  syn: number;
  fin: number;
  rst: number;
  retransmissions: number;
  start: number;
  end: number;
  state: FlowState;
  requests: number;
  responses: number;
  first_packet: number;
  last_packet: number;
  /** Who closed first ('' none) and how. */
  closed_by: '' | 'client' | 'server';
  close: '' | 'fin' | 'rst';
  rtt_ms: number;
  /** Index into `captures[]` of the file holding first_packet (several files given)... */
  file?: number;
  /** ...and of the file holding last_packet, when a joined rotation (--join) split the connection. */
  last_file?: number;
}

/** The one-line answer at the top of every report. */
export interface Verdict {
  /** The most likely root cause, e.g. "gunicorn at 10.0.3.2:8000 closes idle keep-alive connections after 2.0 s while nginx reuses them up to 4.8 s". */
  cause: string;
  kind: string;
  server: string;
  confidence: number;
  fix: string;
  /** How many failed exchanges in this capture the cause explains. */
  explains: number;
  severity: 'error' | 'warning' | 'info' | 'ok';
}

export interface AnalysisResult {
  tool: { name: 'pcap-reset'; version: string };
  captures: CaptureSummary[];
  flows: FlowSummary[];
  findings: Finding[];
  summary: {
    flows: number;
    findings_by_kind: Record<string, number>;
    packets: number;
    tcp_packets: number;
    /** flows by state */
    states: Record<string, number>;
    /** Busiest servers: connections and failures toward each. */
    servers: Array<{ server: string; flows: number; failed: number; requests: number }>;
    warnings: string[];
  };
  verdict: Verdict;
  /**
   * Reading was stopped early on request (Ctrl-C): the result covers the packets read before.
   * The capture cut short says where in its warnings. Not written to JSON (the warnings are).
   */
  interrupted?: true;
  /**
   * Joined rotated pieces: packets before each file, for the `timelines`, whose events number
   * packets on across the files (findings and flows are per file). See packet-base.ts.
   */
  packetBase?: number[];
  /** Connections found in more than one file of the run (the same traffic captured at two points); a warning says so. */
  seenTwice?: number;
  /**
   * Full connection models (with their event timelines) for the connections that
   * findings point at, for drawing: flow id → Flow. Bounded (the most important
   * few hundred). Not written to JSON by default.
   */
  timelines: Map<number, Flow>;
}
