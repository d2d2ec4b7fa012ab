/**
 * The one verdict at the top of every report: the most likely root cause in the
 * capture, how sure we are, and the fix.
 *
 * Findings are grouped by (kind, server): one mechanism toward one server is one cause,
 * whether it shows as one aggregate finding (an inferred idle timeout, a request cap)
 * or as many per-connection ones. A group's weight is the number of failures it explains
 * (`params.failures`, else `params.count`, else one per connection finding; an aggregate's
 * count wins over the sum of its connections). Errors beat warnings beat info; among
 * equals, the group explaining most failures, then the most confident, then the earliest.
 * The group is represented by its aggregate finding when there is one: that is where the
 * inferred setting, the software match and the fix in configuration words are.
 */
import { SEVERITY_RANK, type Finding } from '../detect/finding.js';
import type { CaptureSummary, Verdict } from './result.js';
import { minOf } from '../util/extremes.js';

export function explainedCount(f: Finding): number {
  const n = f.params['failures'] ?? f.params['count'];
  if (typeof n === 'number') return n;
  return f.flows?.length ?? 1;
}

interface Group {
  kind: string;
  server: string;
  findings: Finding[];
  best: Finding;
  severity: Finding['severity'];
  explains: number;
  confidence: number;
  time: number;
}

function groupsOf(findings: Finding[]): Group[] {
  const m = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = `${f.kind}\u0000${f.flow.server}`;
    const list = m.get(k);
    if (list) list.push(f);
    else m.set(k, [f]);
  }
  const out: Group[] = [];
  for (const list of m.values()) {
    const severity = list.reduce((s, f) => (SEVERITY_RANK[f.severity] < SEVERITY_RANK[s] ? f.severity : s), list[0]!.severity);
    const aggregates = list.filter((f) => f.aggregate && f.severity === severity);
    const single = list.filter((f) => !f.aggregate && f.severity === severity);
    const aggExplains = aggregates.reduce((n, f) => Math.max(n, explainedCount(f)), 0);
    const singleExplains = single.reduce((n, f) => n + Math.max(1, explainedCount(f)), 0);
    const explains = aggregates.length ? aggExplains : singleExplains;
    const byConf = (a: Finding, b: Finding) => (b.confidence ?? 0.5) - (a.confidence ?? 0.5) || a.time - b.time;
    const best = [...aggregates].sort((a, b) => explainedCount(b) - explainedCount(a) || byConf(a, b))[0] ?? [...single].sort(byConf)[0]!;
    out.push({
      kind: best.kind, server: best.flow.server, findings: list, best, severity, explains,
      confidence: best.confidence ?? 0.7, time: minOf(list, (f) => f.time),
    });
  }
  return out;
}

/** Not one packet was read and at least one capture failed (missing, not a capture, cut in its header). */
export function nothingRead(captures: ReadonlyArray<Pick<CaptureSummary, 'error' | 'packets'>>): boolean {
  return captures.some((c) => c.error !== undefined) && captures.every((c) => c.packets === 0);
}

/** The verdict when nothingRead(captures): there is none to give. */
export function nothingReadVerdict(): Verdict {
  return { cause: 'Nothing analyzed: no capture could be read.', kind: '', server: '', confidence: 1, fix: '', explains: 0, severity: 'ok' };
}

/**
 * Packets were read but not one of them is TCP, and nothing was found: a green "no broken
 * connections" would hide that the capture missed the traffic (wrong interface or filter).
 */
export function nothingToDiagnose(r: { captures: ReadonlyArray<Pick<CaptureSummary, 'error' | 'packets'>>; findings: readonly unknown[]; summary: { tcp_packets: number } }): boolean {
  return !nothingRead(r.captures) && r.summary.tcp_packets === 0 && r.findings.length === 0;
}

/** The verdict when nothingToDiagnose: `read` packets were read, `analyzed` of them in the time range. */
export function nothingToDiagnoseVerdict(read: number, analyzed: number): Verdict {
  const s = (n: number) => `${n} packet${n === 1 ? '' : 's'}`;
  let cause = `Nothing to diagnose: no TCP found in the capture (${s(analyzed)}, none decoded as TCP).`;
  let fix = "Capture where the service's connections pass and filter on its port, e.g. tcpdump -i any -w cap.pcap tcp port 8080.";
  if (read === 0) cause = 'Nothing to diagnose: no packets were read.';
  else if (analyzed === 0) {
    cause = `Nothing to diagnose: none of the ${s(read)} read is in the time range.`;
    fix = 'Give a --time-range inside the span of the capture (under Capture: first and last packet).';
  }
  return { cause, kind: '', server: '', confidence: 1, fix, explains: 0, severity: 'ok' };
}

export function pickVerdict(findings: Finding[]): Verdict {
  const actionable = findings.filter((f) => f.severity !== 'info');
  if (actionable.length === 0) {
    return {
      cause: findings.length ? 'No failed connections; only informational findings.' : 'No broken connections found.',
      kind: '', server: '', confidence: 1, fix: '', explains: 0, severity: findings.length ? 'info' : 'ok',
    };
  }
  const groups = groupsOf(actionable).sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      b.explains - a.explains ||
      b.confidence - a.confidence ||
      a.time - b.time,
  );
  const g = groups[0]!;
  const best = g.best;
  return {
    cause: best.summary,
    kind: best.kind,
    server: best.flow.server,
    confidence: g.confidence,
    fix: best.advice || g.findings.find((f) => f.advice)?.advice || '',
    explains: g.explains,
    severity: best.severity,
  };
}
