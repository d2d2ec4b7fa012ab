/**
 * Which connections get a drawn timeline. Large captures have thousands of flagged
 * connections; the reports draw the most important ones (in the findings' order, which
 * puts errors and the verdict's kind first) and list the rest.
 */
import type { AnalysisResult } from '../../analyze/result.js';
import type { Flow } from '../../conn/flow.js';
import type { Finding } from '../../detect/finding.js';

export const DEFAULT_MAX_TIMELINES = 200;
/** Connections of one aggregate finding drawn in the first pass (more when room is left). */
const PER_AGGREGATE = 3;

export interface Drawing {
  flow: Flow;
  /** The finding the picture is drawn for (its evidence is highlighted). */
  finding: Finding;
  findingIndex: number;
}

export interface DrawPlan {
  /** In importance order, one per connection. */
  drawings: Drawing[];
  /** For each finding (by index): the flow ids drawn for it. */
  byFinding: Map<number, number[]>;
}

/**
 * Flow ids a finding points at, its own connection first. An aggregate finding that
 * names no flows points at the drawn connections its evidence packets belong to.
 */
export function findingFlowIds(f: Finding, timelines?: ReadonlyMap<number, Flow>): number[] {
  const ids: number[] = [];
  if (f.flow.id !== undefined) ids.push(f.flow.id);
  for (const id of f.flows ?? []) if (!ids.includes(id)) ids.push(id);
  if (!ids.length && timelines && f.evidence.length) {
    const want = new Map<number, Set<number>>();
    for (const e of f.evidence) {
      const file = e.file ?? 0;
      if (!want.has(file)) want.set(file, new Set());
      want.get(file)!.add(e.packet);
    }
    for (const flow of timelines.values()) {
      const pk = want.get(flow.file);
      if (pk && flow.server === f.flow.server && flow.events.some((e) => pk.has(e.packet))) ids.push(flow.id);
    }
  }
  return ids;
}

export function planDrawings(r: AnalysisResult, max = DEFAULT_MAX_TIMELINES): DrawPlan {
  const drawings: Drawing[] = [];
  const byFinding = new Map<number, number[]>();
  const seen = new Set<number>();
  const take = (fi: number, id: number): void => {
    const list = byFinding.get(fi) ?? [];
    if (!seen.has(id)) {
      if (drawings.length >= max) return;
      const flow = r.timelines.get(id);
      if (!flow) return;
      seen.add(id);
      drawings.push({ flow, finding: r.findings[fi]!, findingIndex: fi });
    }
    list.push(id);
    byFinding.set(fi, list);
  };
  // pass 1: the connection of each per-connection finding, in the findings' order
  // (it draws the picture with that finding's evidence highlighted)
  r.findings.forEach((f, fi) => {
    if (f.flow.id !== undefined) take(fi, f.flow.id);
  });
  // pass 2: each finding's first few connections (aggregates)
  r.findings.forEach((f, fi) => {
    for (const id of findingFlowIds(f, r.timelines).slice(0, PER_AGGREGATE)) {
      if (!byFinding.get(fi)?.includes(id)) take(fi, id);
    }
  });
  // pass 3: the rest of aggregate findings' connections while room is left
  r.findings.forEach((f, fi) => {
    for (const id of findingFlowIds(f, r.timelines).slice(PER_AGGREGATE)) {
      if (drawings.length >= max) return;
      take(fi, id);
    }
  });
  return { drawings, byFinding };
}
