/**
 * From a full AnalysisResult (one capture, or the joined pieces of one rotated
 * session) to the compact per-file records a worker sends back: counts, verdict,
 * the top findings and per-server parts for the archive-wide aggregate. Never the
 * flow timelines.
 */
import type { AnalysisResult, FlowSummary } from '../analyze/result.js';
import type { Finding } from '../detect/finding.js';
import type { CompactFinding, FileRecord, ServerPart } from './types.js';

const FAILED = new Set(['refused', 'syn-unanswered', 'reset-in-handshake', 'closed-rst']);
const SEV_ORDER = ['error', 'warning', 'info'] as const;
const TOP_FINDINGS = 20;
const BUSIEST = 10;

export type CompactPart = Omit<FileRecord, 'type' | 'path' | 'rel' | 'size' | 'group' | 'report' | 'duration_ms'>;

const ms = (x: number) => Math.round(x * 1000) / 1000;

/** Which capture of the result a finding belongs to: its first evidence's file, else by time. */
function findingFile(f: Finding, r: AnalysisResult): number {
  const e = f.evidence[0];
  if (e) return e.file ?? 0;
  for (let i = r.captures.length - 1; i > 0; i--) {
    const c = r.captures[i]!;
    if (c.packets > 0 && f.time >= c.first) return i;
  }
  return 0;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** One compact part per capture of the result, in the order of `r.captures`. */
export function compactResult(r: AnalysisResult): CompactPart[] {
  const n = r.captures.length;
  const flowsBy: FlowSummary[][] = Array.from({ length: n }, () => []);
  for (const f of r.flows) flowsBy[Math.min(f.file ?? 0, n - 1)]!.push(f);
  const findingsBy: Finding[][] = Array.from({ length: n }, () => []);
  for (const f of r.findings) findingsBy[Math.min(findingFile(f, r), n - 1)]!.push(f);
  const v = r.verdict;
  const verdict = v.kind ? { kind: v.kind, severity: v.severity, summary: v.cause, server: v.server, explains: v.explains } : null;
  // Flows not kept in `flows` (should not happen: the scanner keeps them all) still count in file 0.
  const missing = Math.max(0, r.summary.flows - r.flows.length);

  return r.captures.map((c, i) => {
    const flows = flowsBy[i]!;
    const findings = findingsBy[i]!;
    const states: Record<string, number> = {};
    const servers = new Map<string, ServerPart>();
    const part = (server: string): ServerPart => {
      let s = servers.get(server);
      if (!s) servers.set(server, (s = { server, flows: 0, failed: 0, requests: 0, kinds: {}, idle_s: [], idle_timeout_s: [] }));
      return s;
    };
    for (const f of flows) {
      states[f.state] = (states[f.state] ?? 0) + 1;
      const s = part(f.server);
      s.flows++;
      s.requests += f.requests;
      if (FAILED.has(f.state)) s.failed++;
    }
    const byKind: Record<string, number> = {};
    let worst = 3;
    for (const f of findings) {
      byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
      worst = Math.min(worst, SEV_ORDER.indexOf(f.severity));
      const s = part(f.flow.server);
      const k = (s.kinds[f.kind] ??= { count: 0, first: f.time, last: f.time });
      k.count++;
      if (f.time < k.first) k.first = f.time;
      if (f.time > k.last) k.last = f.time;
      if (f.kind === 'idle-close-race') {
        const idle = num(f.params['idle_s']);
        if (idle !== undefined) s.idle_s.push(ms(idle));
        const t = num(f.params['server_idle_timeout_s']);
        if (t !== undefined) s.idle_timeout_s.push(ms(t));
      }
    }
    // Keep servers that matter: any finding or failure, and the busiest few.
    const all = [...servers.values()].sort((a, b) => b.flows - a.flows || (a.server < b.server ? -1 : a.server > b.server ? 1 : 0));
    const kept = all.filter((s, rank) => rank < BUSIEST || s.failed > 0 || Object.keys(s.kinds).length > 0);
    for (const s of kept) {
      s.idle_s.sort((a, b) => a - b);
      s.idle_timeout_s.sort((a, b) => a - b);
    }
    const top: CompactFinding[] = findings.slice(0, TOP_FINDINGS).map((f) => ({
      kind: f.kind, severity: f.severity, client: f.flow.client, server: f.flow.server, time: f.time, summary: f.summary,
    }));
    return {
      format: c.format,
      gzip: c.gzip,
      linktypes: c.linktypes,
      packets: c.packets,
      bytes: c.bytes,
      first: c.packets > 0 ? c.first : null,
      last: c.packets > 0 ? c.last : null,
      flows: flows.length + (i === 0 ? missing : 0),
      states,
      findings: findings.length,
      findings_by_kind: byKind,
      severity: worst < 3 ? SEV_ORDER[worst]! : 'ok',
      verdict,
      error: c.error ?? null,
      warnings: c.warnings.length,
      findings_top: top,
      servers: kept,
    };
  });
}
