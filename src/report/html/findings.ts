/**
 * The findings section: filter/sort controls, then one <details> per finding (summary
 * row; expands to its timelines, evidence packets, parameters, symptoms and advice).
 * Findings past the detailed limit are listed in a compact table.
 */
import { basename } from 'node:path';
import type { AnalysisResult } from '../../analyze/result.js';
import type { Finding } from '../../detect/finding.js';
import { html, raw, type SafeHtml } from './escape.js';
import { fmtClock } from '../svg/format.js';
import { findingFlowIds } from '../svg/select.js';
import { flowPacketRange, pktRef, severalFiles } from '../names.js';

export interface FindingsInput {
  r: AnalysisResult;
  /** Rendered timelines by flow id. */
  svgs: Map<number, string>;
  /** Break packet of each drawn flow. */
  breaks: Map<number, string>;
  /** Flow ids whose timeline is embedded in each finding (by index). */
  byFinding: Map<number, number[]>;
  /** Flow id → index of the finding that embeds its timeline. */
  drawnAt: Map<number, number>;
  maxDetailed: number;
  maxListed: number;
  t0: number;
}

/** The index the client script sorts and filters by (also useful to anyone reading the file). */
export function findingsIndex(r: AnalysisResult, max: number): Array<{ i: number; kind: string; severity: string; server: string; time: number }> {
  return r.findings.slice(0, max).map((f, i) => ({ i, kind: f.kind, severity: f.severity, server: f.flow.server, time: f.time }));
}

function options(values: string[], all: string): SafeHtml {
  return html`<option value="">${all}</option>${[...new Set(values)].sort().map((v) => html`<option value="${v}">${v}</option>`)}`;
}

export function findingsSection(inp: FindingsInput): SafeHtml {
  const { r } = inp;
  if (!r.findings.length) {
    return html`<section id="findings"><h2>Findings</h2><p class="note">No findings: every connection in the capture ended normally or has no known failure pattern.</p></section>`;
  }
  const detailed = r.findings.slice(0, inp.maxDetailed);
  const rest = r.findings.slice(inp.maxDetailed);
  return html`<section id="findings" aria-labelledby="findings-h">
<h2 id="findings-h">Findings (${r.findings.length})</h2>
<div class="controls" id="controls" hidden>
<label>Kind<select id="f-kind">${options(detailed.map((f) => f.kind), 'all kinds')}</select></label>
<label>Server<select id="f-server">${options(detailed.map((f) => f.flow.server), 'all servers')}</select></label>
<label>Severity<select id="f-sev"><option value="">all</option><option value="error">error</option><option value="warning">warning</option><option value="info">info</option></select></label>
<label>Search<input id="f-text" type="search" placeholder="path, address, packet…"></label>
<label>Sort by<select id="f-sort"><option value="importance">importance</option><option value="time">time</option><option value="severity">severity</option><option value="kind">kind</option><option value="server">server</option></select></label>
<button type="button" id="expand-all">Expand all</button>
<button type="button" id="collapse-all">Collapse all</button>
<span class="count" id="f-count" role="status" aria-live="polite"></span>
</div>
<div class="findings" id="findings-list">
${detailed.map((f, i) => findingDetails(f, i, inp))}
</div>
${rest.length ? restTable(rest, inp) : ''}
</section>`;
}

function findingDetails(f: Finding, i: number, inp: FindingsInput): SafeHtml {
  const drawn = inp.byFinding.get(i) ?? [];
  const ids = findingFlowIds(f, inp.r.timelines);
  const elsewhere = ids.filter((id) => !drawn.includes(id) && inp.drawnAt.has(id));
  const notDrawn = ids.filter((id) => !drawn.includes(id) && !inp.drawnAt.has(id));
  const flows = new Map(inp.r.flows.map((x) => [x.id, x]));
  const conn = f.flow.id !== undefined ? flows.get(f.flow.id) : undefined;
  const breaks = new Set(drawn.map((id) => inp.breaks.get(id) ?? ''));
  const params = Object.entries(f.params);
  const multiFile = severalFiles(inp.r.captures);
  return html`<details class="finding sev-${f.severity}" id="finding-${i}" data-i="${i}" data-kind="${f.kind}" data-server="${f.flow.server}" data-severity="${f.severity}">
<summary><span class="badge sev-${f.severity}">${f.severity}</span><span class="kind">${f.kind}</span><span class="server mono">${f.flow.server}</span><span class="when mono" title="${fmtClock(f.time)}">+${(f.time - inp.t0).toFixed(3)} s</span><span class="sum">${f.summary}</span></summary>
<div class="fbody">
<p class="conn">${f.aggregate || f.flow.id === undefined ? html`Across connections from <span class="mono">${f.flow.client}</span> toward <span class="mono">${f.flow.server}</span>${ids.length ? ` (${ids.length} named)` : ''}` : html`Connection${f.flow.id !== undefined ? ` #${f.flow.id}` : ''} <span class="mono">${f.flow.client} → ${f.flow.server}</span>`}${conn ? ` · ${conn.state} · ${conn.packets} packets (#${flowPacketRange(conn, multiFile).join('–#')})` : ''}${f.confidence !== undefined ? ` · confidence ${Math.round(f.confidence * 100)}%` : ''}</p>
${drawn.map((id) => html`<div class="fig timeline" data-flow="${id}">${raw(inp.svgs.get(id) ?? '')}</div>`)}
${elsewhere.length ? html`<p class="note">Timeline${elsewhere.length === 1 ? '' : 's'} ${drawn.length ? 'also ' : ''}shown with other findings: ${elsewhere.slice(0, 50).map((id, k) => html`${k ? ', ' : ''}<a href="#finding-${inp.drawnAt.get(id)!}">connection #${id}</a>`)}${elsewhere.length > 50 ? ` and ${elsewhere.length - 50} more` : ''}.</p>` : ''}
${notDrawn.length ? html`<p class="note">${drawn.length || elsewhere.length ? 'Also: ' : ''}connection${notDrawn.length === 1 ? '' : 's'} ${notDrawn.slice(0, 50).map((id) => `#${id}`).join(', ')}${notDrawn.length > 50 ? ` and ${notDrawn.length - 50} more` : ''} ${drawn.length || elsewhere.length ? 'not drawn' : 'not drawn: only the most important connections get a timeline'} (see <a href="#connections">connections</a>).</p>` : ''}
<h4>Evidence packets</h4>
${evidenceTable(f, inp.t0, breaks, inp.r.captures)}
${params.length ? html`<h4>Parameters</h4><dl class="params">${params.map(([k, v]) => html`<dt>${k}</dt><dd class="mono">${Array.isArray(v) ? v.join(', ') : String(v)}</dd>`)}</dl>` : ''}
${f.symptoms.length ? html`<h4>What users see</h4><ul>${f.symptoms.map((s) => html`<li><code>${s}</code></li>`)}</ul>` : ''}
${f.advice ? html`<h4>Fix</h4><p class="advice">${f.advice}</p>` : ''}
</div>
</details>`;
}

/** A packet as (file index, per-file number), to match a timeline's break with evidence rows. */
export function breakKey(file: number, packet: number): string {
  return `${file}:${packet}`;
}

function evidenceTable(f: Finding, t0: number, breaks: Set<string>, captures: AnalysisResult['captures']): SafeHtml {
  if (!f.evidence.length) return html`<p class="note">No packet evidence recorded.</p>`;
  const shown = f.evidence.slice(0, 60);
  // With several files, packet numbers are per file (as Wireshark numbers them): say which file.
  const multi = severalFiles(captures);
  const fileCell = (i: number) => {
    const path = captures[i]?.path ?? '';
    return html`<td class="mono" title="${path}">${basename(path) || String(i + 1)}</td>`;
  };
  return html`<table class="evidence"><thead><tr><th class="num">packet</th>${multi ? html`<th>file</th>` : ''}<th class="num" title="seconds since the capture started">t (s)</th><th>time</th><th>what it shows</th></tr></thead><tbody>
${shown.map((e) => html`<tr data-packet="${e.packet}"${raw(breaks.has(breakKey(e.file ?? 0, e.packet)) ? ' class="hl-break"' : '')}><td class="num mono">${e.packet}</td>${multi ? fileCell(e.file ?? 0) : ''}<td class="num mono">${(e.time - t0).toFixed(6)}</td><td class="mono" title="${e.ts ?? ''}">${fmtClock(e.time)}</td><td>${e.note}</td></tr>`)}
</tbody></table>${f.evidence.length > shown.length ? html`<p class="note">${f.evidence.length - shown.length} more evidence packets in --json.</p>` : ''}`;
}

function restTable(rest: Finding[], inp: FindingsInput): SafeHtml {
  const listed = rest.slice(0, inp.maxListed);
  const multi = severalFiles(inp.r.captures);
  return html`<h3>More findings (${rest.length}, not expanded)</h3>
<table class="rest"><thead><tr><th>severity</th><th>kind</th><th>server</th><th>client</th><th class="num">t (s)</th><th>summary</th><th>packets</th></tr></thead><tbody>
${listed.map((f) => html`<tr><td>${f.severity}</td><td>${f.kind}</td><td class="mono">${f.flow.server}</td><td class="mono">${f.flow.client}</td><td class="num mono">${(f.time - inp.t0).toFixed(3)}</td><td>${f.summary}</td><td class="mono">${f.evidence.slice(0, 4).map((e) => pktRef(e.packet, e.file, multi)).join(', ')}</td></tr>`)}
</tbody></table>${rest.length > listed.length ? html`<p class="note">${rest.length - listed.length} more findings: use <code>--json</code> for all of them.</p>` : ''}`;
}

