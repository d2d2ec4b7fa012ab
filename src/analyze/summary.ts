/** Capture-wide counts for the `summary` object and the text report. */
import type { Finding } from '../detect/finding.js';
import type { AnalysisResult, CaptureSummary, FlowSummary } from './result.js';

const FAILED = new Set(['refused', 'syn-unanswered', 'reset-in-handshake', 'closed-rst']);

export function buildSummary(
  captures: CaptureSummary[],
  flows: FlowSummary[],
  findings: Finding[],
  tcpPackets: number,
  flowCount: number,
  warnings: string[],
  unlisted?: FlowTally,
  /** Findings per kind, all of them, when `findings` keeps only the first of each kind. */
  perKind?: ReadonlyMap<string, number>,
): AnalysisResult['summary'] {
  const byKind: Record<string, number> = {};
  for (const f of findings) byKind[f.kind] = perKind?.get(f.kind) ?? (byKind[f.kind] ?? 0) + 1;
  const states: Record<string, number> = {};
  const servers = new Map<string, { server: string; flows: number; failed: number; requests: number }>();
  for (const f of flows) {
    states[f.state] = (states[f.state] ?? 0) + 1;
    let s = servers.get(f.server);
    if (!s) servers.set(f.server, (s = { server: f.server, flows: 0, failed: 0, requests: 0 }));
    s.flows++;
    s.requests += f.requests;
    if (FAILED.has(f.state)) s.failed++;
  }
  if (unlisted) {
    for (const [k, n] of Object.entries(unlisted.states)) states[k] = (states[k] ?? 0) + n;
    for (const u of unlisted.servers.values()) {
      const s = servers.get(u.server);
      if (!s) servers.set(u.server, { ...u });
      else { s.flows += u.flows; s.failed += u.failed; s.requests += u.requests; }
    }
  }
  const busiest = [...servers.values()].sort((a, b) => b.flows - a.flows || a.server.localeCompare(b.server)).slice(0, 10);
  return {
    flows: flowCount,
    findings_by_kind: byKind,
    packets: captures.reduce((n, c) => n + c.packets, 0),
    tcp_packets: tcpPackets,
    states,
    servers: busiest,
    warnings,
  };
}

/** Servers tallied at most for connections left out of `flows[]` (a scan of many addresses stays bounded). */
const TALLY_SERVERS = 10_000;

/** Counts of connections not listed in `flows[]` (the list is capped), folded into the summary. */
export interface FlowTally {
  count: number;
  states: Record<string, number>;
  servers: Map<string, { server: string; flows: number; failed: number; requests: number }>;
}

export function newFlowTally(): FlowTally {
  return { count: 0, states: {}, servers: new Map() };
}

export function tallyFlow(t: FlowTally, state: string, server: string, requests: number): void {
  t.count++;
  t.states[state] = (t.states[state] ?? 0) + 1;
  let s = t.servers.get(server);
  if (!s) {
    if (t.servers.size >= TALLY_SERVERS) return;
    t.servers.set(server, (s = { server, flows: 0, failed: 0, requests: 0 }));
  }
  s.flows++;
  s.requests += requests;
  if (FAILED.has(state)) s.failed++;
}
