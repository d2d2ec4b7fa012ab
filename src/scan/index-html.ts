/**
 * `scan --html index.html`: one self-contained page over the archive: the per-server
 * aggregate, every file (linked to its own report when one was written) and what was
 * skipped. No script, no network (a CSP forbids both); everything that came from a
 * capture or a file name is untrusted and escaped.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { VERSION } from '../version.js';
import { makeFolders, writeFailure } from '../util/output-paths.js';
import { iso, mib } from './text.js';
import type { AggregateRecord, FileRecord, SkippedRecord } from './types.js';

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`)
    // control characters (and lone surrogates) never reach the page raw
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A relative link from the index to a report: each segment percent-encoded (never a scheme). */
export function relHref(fromDir: string, target: string): string {
  const rel = relative(fromDir, resolve(target)).split(sep);
  return rel.map((s) => (s === '..' ? s : encodeURIComponent(s))).join('/').replace(/^([^./])/, './$1');
}

const SEV_CLASS: Record<string, string> = { error: 'err', warning: 'warn', info: 'info', ok: 'ok' };

export function renderIndex(files: FileRecord[], skipped: SkippedRecord[], agg: AggregateRecord, indexPath: string): string {
  const dir = dirname(resolve(indexPath));
  const servers = agg.servers.filter((s) => s.findings > 0 || s.failed > 0);
  const serverRows = servers.map((s) => {
    const r = s.idle_close_race;
    const kinds = Object.entries(s.findings_by_kind).map(([k, n]) => `${esc(k)}&nbsp;×${n}`).join(', ');
    return `<tr><td class="mono">${esc(s.server)}</td><td class="n">${s.files}</td><td class="n">${s.flows}</td><td class="n">${s.failed}</td>` +
      `<td>${kinds || '-'}</td><td class="n">${r ? r.count : '-'}</td>` +
      `<td class="n" title="${r ? esc(r.basis) : ''}">${r?.server_idle_timeout_s != null ? esc(r.server_idle_timeout_s) + ' s' : '-'}</td>` +
      `<td class="mono">${esc(iso(s.first_seen))}</td><td class="mono">${esc(iso(s.last_seen))}</td></tr>`;
  }).join('\n');
  const fileRows = files.map((f) => {
    const name = f.report ? `<a href="${esc(relHref(dir, f.report))}">${esc(f.path)}</a>` : esc(f.path);
    const group = f.group ? ` <span class="dim">(${f.group.joined ? 'joined' : 'rotated'} ${f.group.index + 1}/${f.group.files} of ${esc(f.group.id)})</span>` : '';
    const status = f.error !== null
      ? `<span class="err">failed: ${esc(f.error)}</span>`
      : f.verdict ? `<span class="${SEV_CLASS[f.verdict.severity] ?? ''}">${esc(f.verdict.kind)}</span>: ${esc(f.verdict.summary)}` : '<span class="ok">no broken connections</span>';
    const kinds = Object.entries(f.findings_by_kind).map(([k, n]) => `${esc(k)}&nbsp;×${n}`).join(', ');
    return `<tr class="row-${SEV_CLASS[f.error !== null ? 'error' : f.severity] ?? ''}"><td class="mono path">${name}${group}</td>` +
      `<td>${esc(f.format || '?')}${f.gzip ? '.gz' : ''}</td><td class="n">${f.packets}</td><td class="n">${f.flows}</td>` +
      `<td>${kinds || '-'}</td><td>${status}</td><td class="mono">${esc(iso(f.first))}</td><td class="mono">${esc(iso(f.last))}</td></tr>`;
  }).join('\n');
  const skippedRows = skipped.map((s) => `<tr><td class="mono path">${esc(s.path)}</td><td>${esc(s.reason)}</td></tr>`).join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pcap-reset scan: ${agg.files} capture(s)</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222;background:#fff}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.n{text-align:right;font-variant-numeric:tabular-nums}.mono{font-family:ui-monospace,monospace}
.err{color:#b00020}.warn{color:#a15c00}.ok{color:#1b7a2b}.dim{color:#777}
tr.row-err td:first-child{border-left:3px solid #b00020}tr.row-warn td:first-child{border-left:3px solid #a15c00}
td.mono{white-space:nowrap}td.path{white-space:normal;word-break:break-all;min-width:16em}
@media (prefers-color-scheme: dark){body{background:#161616;color:#ddd}th{background:#222}th,td{border-color:#333}a{color:#8ab4f8}}
</style>
</head>
<body>
<h1>pcap-reset scan</h1>
<p>${agg.files} capture file(s), ${agg.packets} packets, ${agg.flows} connections, ${agg.findings} finding(s):
<span class="ok">${agg.clean} clean</span>, <span class="warn">${agg.with_findings} with findings</span>, <span class="err">${agg.failed} failed</span>, ${agg.skipped} skipped.
${agg.first !== null ? `Captured ${esc(iso(agg.first))} .. ${esc(iso(agg.last))}.` : ''} ${esc(mib(agg.bytes))} read.</p>
<h2>Servers</h2>
${servers.length ? `<table><thead><tr><th>server</th><th>files</th><th>flows</th><th>failed</th><th>findings</th><th>idle races</th><th>idle timeout</th><th>first seen</th><th>last seen</th></tr></thead>
<tbody>
${serverRows}
</tbody></table>` : '<p>No server with findings or failed connections.</p>'}
<h2>Files</h2>
<table><thead><tr><th>file</th><th>format</th><th>packets</th><th>flows</th><th>findings</th><th>verdict</th><th>first packet</th><th>last packet</th></tr></thead>
<tbody>
${fileRows}
</tbody></table>
${skipped.length ? `<h2>Skipped</h2>
<table><thead><tr><th>file</th><th>why</th></tr></thead>
<tbody>
${skippedRows}
</tbody></table>` : ''}
<p class="dim">pcap-reset ${esc(VERSION)}</p>
</body>
</html>
`;
}

/** Writes the index page (`--html`); resolves the one line saying why it could not, or undefined when written. */
export async function writeIndex(files: FileRecord[], skipped: SkippedRecord[], agg: AggregateRecord, indexPath: string): Promise<string | undefined> {
  try {
    await makeFolders(dirname(resolve(indexPath)));
    await writeFile(indexPath, renderIndex(files, skipped, agg, indexPath));
    return undefined;
  } catch (e) {
    return writeFailure('--html', indexPath, e);
  }
}
