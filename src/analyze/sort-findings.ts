/** Report order: errors first, then warnings, then info; within a severity, by time. */
import { SEVERITY_RANK, type Finding } from '../detect/finding.js';

export function sortFindings(findings: Finding[]): void {
  findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.time - b.time);
}
