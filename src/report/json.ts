/**
 * `--json`: the analysis result as ../shared/spec/findings.md defines it
 * (tool, captures, flows, findings, summary), plus the verdict.
 */
import type { AnalysisResult } from '../analyze/result.js';

export function toJsonObject(r: AnalysisResult): object {
  return {
    tool: r.tool,
    verdict: r.verdict,
    captures: r.captures,
    flows: r.flows,
    findings: r.findings,
    summary: r.summary,
  };
}

export function toJson(r: AnalysisResult): string {
  return JSON.stringify(toJsonObject(r), null, 2) + '\n';
}

/** Flows per piece when streaming: the output is never built as one string. */
const FLOWS_PER_PIECE = 2000;

/**
 * The same text as `toJson`, handed to `out` in pieces (the flow list one batch at a
 * time), so a capture of hundreds of thousands of connections never holds its whole
 * JSON in memory.
 */
export function writeJson(r: AnalysisResult, out: (piece: string) => void): void {
  if (r.flows.length <= FLOWS_PER_PIECE) {
    out(toJson(r));
    return;
  }
  const marker = `__pcap_reset_flows_${Math.random().toString(36).slice(2)}__`;
  const text = JSON.stringify({ ...toJsonObject(r), flows: marker }, null, 2) + '\n';
  const at = text.indexOf(`"${marker}"`);
  out(text.slice(0, at) + '[\n');
  const flows = r.flows;
  for (let i = 0; i < flows.length; i += FLOWS_PER_PIECE) {
    const end = Math.min(flows.length, i + FLOWS_PER_PIECE);
    // The batch nested as deep as in the result object ({ "flows": [...] }: the same indentation),
    // without the wrapper's first line ("{\n  \"flows\": [\n") and last two ("\n  ]\n}").
    const batch = JSON.stringify({ flows: flows.slice(i, end) }, null, 2);
    out(batch.slice(FLOWS_WRAP_HEAD, batch.length - 6) + (end < flows.length ? ',\n' : ''));
  }
  out('\n  ]' + text.slice(at + marker.length + 2));
}

const FLOWS_WRAP_HEAD = '{\n  "flows": [\n'.length;
