/** The connections list (those not drawn stay findable) and the capture metadata. */
import { captureName, flowPacketRange, PKT_REF_NOTE, severalFiles } from '../names.js';
import type { AnalysisResult, FlowSummary } from '../../analyze/result.js';
import { html, type SafeHtml } from './escape.js';
import { fmtBytes, fmtClock, fmtDur } from '../svg/format.js';

const LINKTYPES: Record<number, string> = {
  0: 'BSD loopback', 1: 'Ethernet', 12: 'raw IP', 101: 'raw IP', 108: 'OpenBSD loopback', 113: 'Linux cooked (SLL)',
  228: 'raw IPv4', 229: 'raw IPv6', 276: 'Linux cooked v2 (SLL2)',
};

const BROKEN = new Set(['refused', 'reset-in-handshake', 'closed-rst', 'syn-unanswered']);

export function connectionsSection(r: AnalysisResult, drawnFlows: Map<number, number>, max: number): SafeHtml {
  const broken = r.flows.filter((f) => BROKEN.has(f.state));
  const flagged = new Set<number>();
  for (const f of r.findings) {
    if (f.flow.id !== undefined) flagged.add(f.flow.id);
    for (const id of f.flows ?? []) flagged.add(id);
  }
  const flaggedOther = r.flows.filter((f) => !BROKEN.has(f.state) && flagged.has(f.id));
  const rows = [...broken, ...flaggedOther];
  const listed = rows.slice(0, max);
  const multi = severalFiles(r.captures);
  return html`<section id="connections" aria-labelledby="conn-h">
<h2 id="conn-h">Connections that broke or were flagged (${rows.length})</h2>
${rows.length ? html`<table class="conns"><thead><tr><th class="num">#</th><th>client → server</th><th>state</th><th>closed by</th><th class="num">packets</th><th class="num">requests</th><th>packet range</th><th class="num">duration</th><th>timeline</th></tr></thead><tbody>
${listed.map((f) => connRow(f, drawnFlows, multi))}
</tbody></table>${rows.length > listed.length ? html`<p class="note">${rows.length - listed.length} more: use <code>--json</code> for every connection.</p>` : ''}` : html`<p class="note">Every connection closed normally.</p>`}
</section>`;
}

function connRow(f: FlowSummary, drawn: Map<number, number>, multi: boolean): SafeHtml {
  const at = drawn.get(f.id);
  return html`<tr id="conn-${f.id}"><td class="num mono">${f.id}</td><td class="mono">${f.client} → ${f.server}</td><td>${f.state}</td><td>${f.closed_by ? `${f.closed_by} (${f.close.toUpperCase()})` : '-'}</td><td class="num">${f.packets}</td><td class="num">${f.requests}</td><td class="mono">#${flowPacketRange(f, multi).join('–#')}</td><td class="num">${fmtDur(f.end - f.start)}</td><td>${at !== undefined ? html`<a href="#finding-${at}">drawn</a>` : 'listed only'}</td></tr>`;
}

export function captureSection(r: AnalysisResult): SafeHtml {
  const s = r.summary;
  const states = Object.entries(s.states).sort((a, b) => b[1] - a[1]);
  const multi = severalFiles(r.captures);
  return html`<section id="capture" aria-labelledby="cap-h">
<h2 id="cap-h">Capture</h2>
<section class="card">
${multi ? html`<p class="note">${PKT_REF_NOTE}.</p>` : ''}
<table class="captures"><thead><tr>${multi ? html`<th class="num">#</th>` : ''}<th>file</th><th>format</th><th>link type</th><th class="num">packets</th><th class="num">bytes</th><th>first packet</th><th>last packet</th><th class="num">span</th></tr></thead><tbody>
${r.captures.map((c, i) => html`<tr>${multi ? html`<td class="num">${i + 1}</td>` : ''}<td class="mono">${captureName(c.path)}</td><td>${c.format}${c.gzip ? ' + gzip' : ''}</td><td>${c.linktypes.map((l) => `${LINKTYPES[l] ?? 'linktype'} (${l})`).join(', ') || '-'}</td><td class="num">${c.packets}</td><td class="num">${fmtBytes(c.bytes)}</td><td class="mono">${fmtClock(c.first)}</td><td class="mono">${fmtClock(c.last)}</td><td class="num">${c.packets ? fmtDur(c.last - c.first) : '-'}</td></tr>`)}
</tbody></table>
${r.captures.map((c) => (c.error || c.warnings.length ? html`<h4 class="mono">${captureName(c.path)}</h4>${c.error ? html`<p class="err">error: ${c.error}</p>` : ''}${c.warnings.length ? html`<ul class="warn">${c.warnings.slice(0, 50).map((w) => html`<li>${w}</li>`)}</ul>${c.warnings.length > 50 ? html`<p class="note">${c.warnings.length - 50} more warnings (--json).</p>` : ''}` : ''}` : ''))}
${s.warnings.length ? html`<h4>Warnings</h4><ul class="warn">${s.warnings.slice(0, 50).map((w) => html`<li>${w}</li>`)}</ul>` : ''}
<p>${s.flows} TCP connection${s.flows === 1 ? '' : 's'}${states.length ? ': ' + states.map(([k, n]) => `${n} ${k}`).join(', ') : ''} · ${s.tcp_packets} TCP packets of ${s.packets}</p>
${s.servers.length ? html`<h4>Busiest servers</h4><table class="servers"><thead><tr><th>server</th><th class="num">connections</th><th class="num">failed</th><th class="num">requests</th></tr></thead><tbody>
${s.servers.slice(0, 20).map((v) => html`<tr><td class="mono">${v.server}</td><td class="num">${v.flows}</td><td class="num">${v.failed}</td><td class="num">${v.requests}</td></tr>`)}
</tbody></table>` : ''}
</section>
</section>`;
}
