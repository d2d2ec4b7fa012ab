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
): AnalysisResult['summary'] {
  const byKind: Record<string, number> = {};
  for (const f of findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
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
