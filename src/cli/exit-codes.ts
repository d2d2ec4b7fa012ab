/**
 * Exit status, as grep and diff users expect: 0 nothing wrong, 1 something found,
 * 2 bad usage or an input that could not be (fully) read, 3 an internal error.
 */
import type { AnalysisResult } from '../analyze/result.js';

export const EXIT = { CLEAN: 0, FINDINGS: 1, USAGE: 2, INPUT: 2, OUTPUT: 2, INTERNAL: 3 } as const;

export function exitCodeFor(r: AnalysisResult): number {
  if (r.captures.some((c) => c.error)) return EXIT.INPUT;
  if (r.findings.some((f) => f.severity === 'error' || f.severity === 'warning')) return EXIT.FINDINGS;
  return EXIT.CLEAN;
}
