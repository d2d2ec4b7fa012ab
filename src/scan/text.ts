/** The scan's text output: one line per file as it is done, the per-server table at the end. */
import { epochIso } from '../util/epoch.js';
import { palette, safeText, type Palette } from '../report/color.js';
import type { AggregateRecord, FileRecord, SkippedRecord } from './types.js';

const int = (n: number) => n.toLocaleString('en-US');

export function iso(t: number | null): string {
  if (t === null || !Number.isFinite(t)) return '-';
  return epochIso(Math.round(t * 1000) / 1000)?.replace('.000Z', 'Z') ?? `${t}`;
}

export function mib(b: number): string {
  return b >= 1048576 ? `${(b / 1048576).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;
}

/** A file's error without its leading "PATH: " (reader errors name the file; the line already does). */
function errorOf(f: FileRecord): string {
  const e = f.error ?? '';
  return e.startsWith(f.path + ': ') ? e.slice(f.path.length + 2) : e;
}

export function fileLine(f: FileRecord, color: boolean): string {
  const c = palette(color);
  const what = f.error !== null
    ? c.red(`FAILED: ${safeText(errorOf(f))}`)
    : f.findings === 0
      ? c.green('no broken connections')
      : sev(c, f.severity, `${f.findings} finding(s): ${Object.entries(f.findings_by_kind).map(([k, n]) => `${k}×${n}`).join(', ')}`) +
        (f.verdict ? ` — ${safeText(f.verdict.summary)}` : '');
  const group = f.group ? c.dim(` [${f.group.joined ? 'joined' : 'rotated'} ${f.group.index + 1}/${f.group.files}]`) : '';
  const fmt = f.format ? `${f.format}${f.gzip ? '.gz' : ''}` : '?';
  return `${safeText(f.path)}${group}  ${c.dim(`${fmt} ${int(f.packets)} pkts ${int(f.flows)} flows`)}  ${what}\n`;
}

function sev(c: Palette, s: string, text: string): string {
  return s === 'error' ? c.red(text) : s === 'warning' ? c.yellow(text) : text;
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(w[i]!) : cell.padStart(w[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

export function aggregateText(a: AggregateRecord, color: boolean, maxRows = 30): string {
  const c = palette(color);
  let out = '\n' + c.bold(`${a.files} capture(s), ${int(a.packets)} packets, ${int(a.flows)} connections, ${a.findings} finding(s); ` +
    `${a.clean} clean, ${a.with_findings} with findings, ${a.failed} failed, ${a.skipped} skipped`) + '\n';
  if (a.first !== null) out += c.dim(`captured ${iso(a.first)} .. ${iso(a.last)}`) + '\n';
  const servers = a.servers.filter((s) => s.findings > 0 || s.failed > 0);
  if (servers.length === 0) return out + 'No server with findings or failed connections.\n';
  const rows = [['SERVER', 'FILES', 'FLOWS', 'FAILED', 'FINDINGS', 'IDLE RACES', 'IDLE TIMEOUT', 'FIRST SEEN', 'LAST SEEN']];
  for (const s of servers.slice(0, maxRows)) {
    const r = s.idle_close_race;
    rows.push([
      safeText(s.server), String(s.files), int(s.flows), int(s.failed), int(s.findings),
      r ? String(r.count) : '-', r?.server_idle_timeout_s != null ? `${r.server_idle_timeout_s} s` : '-',
      iso(s.first_seen), iso(s.last_seen),
    ]);
  }
  out += '\n' + table(rows);
  if (servers.length > maxRows) out += c.dim(`... and ${servers.length - maxRows} more server(s) (see --json)`) + '\n';
  for (const s of servers.slice(0, maxRows)) {
    const kinds = Object.entries(s.findings_by_kind).map(([k, n]) => `${k}×${n}`).join(', ');
    if (kinds) out += `  ${safeText(s.server)}: ${kinds}` +
      (s.idle_close_race?.server_idle_timeout_s != null ? `; idle timeout ≈ ${s.idle_close_race.server_idle_timeout_s} s (${s.idle_close_race.basis})` : '') + '\n';
  }
  return out;
}

/** The stderr summary: failures and what was skipped, and why. */
export function stderrSummary(files: FileRecord[], skipped: SkippedRecord[], seconds: number, maxList = 50): string {
  const failed = files.filter((f) => f.error !== null);
  const bytes = files.reduce((n, f) => n + f.size, 0);
  let s = `pcap-reset: scanned ${files.length} capture file(s) (${mib(bytes)}) in ${seconds.toFixed(1)} s; ${failed.length} failed, ${skipped.length} skipped\n`;
  for (const f of failed.slice(0, maxList)) s += `  failed:  ${safeText(f.path)}: ${safeText(errorOf(f))}\n`;
  if (failed.length > maxList) s += `  ... and ${failed.length - maxList} more failed (see --json)\n`;
  for (const k of skipped.slice(0, maxList)) s += `  skipped: ${safeText(k.path)}: ${safeText(k.reason)}\n`;
  if (skipped.length > maxList) s += `  ... and ${skipped.length - maxList} more skipped (see --json)\n`;
  return s;
}
