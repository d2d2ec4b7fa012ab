/**
 * `--html FILE`: the self-contained incident report. Verdict first, then the overview
 * picture, the findings (filterable, sortable, each expanding to its timeline, evidence
 * and advice), the connections, and the capture metadata.
 */
import { writeFile } from 'node:fs/promises';
import type { AnalysisResult } from '../../analyze/result.js';
import { renderLadder } from '../svg/ladder.js';
import { renderOverview } from '../svg/overview.js';
import { planDrawings, DEFAULT_MAX_TIMELINES } from '../svg/select.js';
import { fmtClock } from '../svg/format.js';
import { html, raw } from './escape.js';
import { page } from './template.js';
import { verdictSection } from './verdict.js';
import { breakKey, findingsIndex, findingsSection } from './findings.js';
import { captureSection, connectionsSection } from './meta.js';
import { captureName, packetNumbersOf } from '../names.js';
import { minOf } from '../../util/extremes.js';

export interface HtmlReportOptions {
  /** Connections drawn at most (default 200). */
  maxTimelines?: number;
  /** Total size of the drawn timelines, in bytes (the file stays a few MB). */
  svgBudgetBytes?: number;
  /** Findings shown expandable; further ones are listed in a table. */
  maxDetailed?: number;
  maxListed?: number;
  maxConnections?: number;
  /** The time printed as "generated" (tests pin it). */
  now?: Date;
}

export function renderHtmlReport(r: AnalysisResult, o: HtmlReportOptions = {}): string {
  const maxDetailed = o.maxDetailed ?? 1000;
  const plan = planDrawings(r, o.maxTimelines ?? DEFAULT_MAX_TIMELINES);
  const budget = o.svgBudgetBytes ?? 3_500_000;
  const svgs = new Map<number, string>();
  /** flow id → where its timeline marks the break, as "file:packet" (see breakKey) */
  const breaks = new Map<number, string>();
  const numbers = packetNumbersOf(r);
  /** flow id → index of the finding where its timeline is shown */
  const drawnAt = new Map<number, number>();
  let bytes = 0;
  for (const d of plan.drawings) {
    if (bytes > budget || d.findingIndex >= maxDetailed) continue;
    const l = renderLadder(d.flow, { finding: d.finding, numbers });
    svgs.set(d.flow.id, l.svg);
    if (l.breakRef) breaks.set(d.flow.id, breakKey(l.breakRef.file, l.breakRef.packet));
    drawnAt.set(d.flow.id, d.findingIndex);
    bytes += l.svg.length;
  }
  // each timeline is embedded in the finding it was drawn for; other findings about the
  // same connection link to it (one copy when they would otherwise show no picture)
  const byFinding = new Map<number, number[]>();
  for (const [fi, ids] of plan.byFinding) {
    const own = ids.filter((id) => svgs.has(id) && drawnAt.get(id) === fi);
    if (!own.length) {
      const other = ids.find((id) => svgs.has(id));
      if (other !== undefined && bytes <= budget) {
        own.push(other);
        bytes += svgs.get(other)!.length;
      }
    }
    if (own.length) byFinding.set(fi, own);
  }
  let t0 = Infinity;
  for (const c of r.captures) if (c.packets) t0 = Math.min(t0, c.first);
  if (!Number.isFinite(t0)) t0 = Math.min(minOf(r.flows, (f) => f.start), Date.now() / 1000);

  const files = r.captures.map((c) => captureName(c.path)).join(', ');
  const body = html`<header class="top">
<h1>pcap-reset report</h1>
<span class="meta mono">${files}</span>
<span class="meta">generated ${fmtClock((o.now ?? new Date()).getTime() / 1000).replace(/\.\d+ UTC$/, ' UTC')} by pcap-reset ${r.tool.version}</span>
<nav class="toc" aria-label="Sections"><a href="#verdict">Verdict</a><a href="#overview">Overview</a><a href="#findings">Findings</a><a href="#connections">Connections</a><a href="#capture">Capture</a></nav>
</header>
<main>
${verdictSection(r)}
<section id="overview" aria-labelledby="ov-h">
<h2 id="ov-h">Overview</h2>
<div class="fig">${raw(renderOverview(r))}</div>
</section>
${findingsSection({ r, svgs, breaks, byFinding, drawnAt, maxDetailed, maxListed: o.maxListed ?? 3000, t0 })}
${connectionsSection(r, drawnAt, o.maxConnections ?? 1000)}
${captureSection(r)}
</main>
<footer>Made by pcap-reset ${r.tool.version} from packets alone. Packet numbers are Wireshark's frame numbers (Go to Packet: Ctrl+G). This file loads nothing from the network.</footer>`;
  const title = r.verdict.severity === 'ok' ? `pcap-reset: no problem found (${files})` : `pcap-reset: ${r.verdict.kind} (${files})`;
  return page({ title, data: { tool: r.tool, verdict: r.verdict, findings: findingsIndex(r, maxDetailed) }, body });
}

/** Writes the report to `path`. */
export async function writeHtmlReport(result: AnalysisResult, path: string, opts: HtmlReportOptions = {}): Promise<void> {
  await writeFile(path, renderHtmlReport(result, opts));
}
