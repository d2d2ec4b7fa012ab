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
