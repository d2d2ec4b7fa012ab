/**
 * The terminal report (`analyze` without --json): the verdict, then findings by
 * severity as a compact table, then capture counts, the connections that ended in
 * RST or refusal, and the busiest servers. Colors only on a TTY.
 */
import { coverageOf } from './coverage.js';
import { captureName, flowPacketRange, pktRef, PKT_REF_NOTE, severalFiles } from './names.js';
import { epochIso } from '../util/epoch.js';
import type { AnalysisResult, FlowSummary } from '../analyze/result.js';
import type { Finding } from '../detect/finding.js';
import { palette, safeText, type Palette } from './color.js';

export interface TextOptions {
  color: boolean;
  /** Findings listed at most (the rest are counted). */
  maxFindings?: number;
  /** Broken connections listed at most. */
  maxBroken?: number;
  verbose?: boolean;
}

const BROKEN = new Set(['refused', 'reset-in-handshake', 'closed-rst', 'syn-unanswered']);

export function renderText(r: AnalysisResult, o: TextOptions): string {
  const c = palette(o.color);
  const out: string[] = [];
  const v = r.verdict;

  // 1. verdict (a clean one only for what was read)
  const cover = coverageOf(r);
  if (cover.nothingRead) {
    out.push(c.red(c.bold('✗ ' + cover.line)));
  } else if (cover.nothingToDiagnose) {
    out.push(c.yellow(c.bold('– ' + v.cause)));
    out.push('  ' + c.cyan('Next: ') + safeText(v.fix));
  } else if (v.severity === 'ok' || v.severity === 'info') {
    out.push(c.green(c.bold('✓ ' + v.cause)));
  } else {
    const sev = v.severity === 'error' ? c.red(c.bold('✗ ROOT CAUSE')) : c.yellow(c.bold('! LIKELY CAUSE'));
    out.push(`${sev} ${c.dim(`(${v.kind}, confidence ${Math.round(v.confidence * 100)}%, explains ${v.explains} failure${v.explains === 1 ? '' : 's'})`)}`);
    out.push('  ' + c.bold(safeText(v.cause)));
    if (v.fix) out.push('  ' + c.cyan('Fix: ') + safeText(v.fix));
  }
  if (cover.caveat) out.push(c.yellow('! ' + cover.caveat));
  out.push('');

  // 2. findings (with several files, packets are "file:packet": Wireshark numbers them per file)
  const multi = severalFiles(r.captures);
  const max = o.maxFindings ?? 20;
  if (r.findings.length) {
    out.push(c.bold(`Findings (${r.findings.length})`));
    const rows = r.findings.slice(0, max).map((f) => findingRow(f, c, multi));
    out.push(...rows);
    if (r.findings.length > max) out.push(c.dim(`  … ${r.findings.length - max} more (use --json or --html for all)`));
    out.push('');
  }

  // 3. counts
  const s = r.summary;
  const states = Object.entries(s.states).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ');
  out.push(c.bold('Capture'));
  // Hundreds of rotated pieces would push the connections and servers off the screen: the
  // first few are listed, then those with an error or a warning (--verbose: all).
  const maxFiles = o.verbose ? Infinity : 8;
  let unlisted = 0;
  r.captures.forEach((cap, i) => {
    if (i >= maxFiles && !cap.error && cap.warnings.length === 0) {
      unlisted++;
      return;
    }
    const span = cap.packets ? `${fmtTime(cap.first)} – ${fmtTime(cap.last)} (${(cap.last - cap.first).toFixed(3)} s)` : 'no packets';
    out.push(`  ${multi ? `file ${i + 1}: ` : ''}${safeText(captureName(cap.path))}: ${cap.format}${cap.gzip ? '+gzip' : ''}, link ${cap.linktypes.join('/') || '-'}, ${cap.packets} packets, ${span}`);
    if (cap.error) out.push('  ' + c.red('error: ') + safeText(cap.error));
    for (const w of cap.warnings.slice(0, o.verbose ? 100 : 3)) out.push('  ' + c.yellow('warning: ') + safeText(w));
    if (!o.verbose && cap.warnings.length > 3) out.push(c.dim(`  … ${cap.warnings.length - 3} more warnings (--verbose)`));
  });
  if (unlisted > 0) {
    const packets = r.captures.reduce((n, cap) => n + cap.packets, 0);
    out.push(c.dim(`  … ${unlisted} more files, read without trouble (${r.captures.length} files, ${packets} packets in all; --verbose lists them)`));
  }
  if (multi) out.push(c.dim(`  (${PKT_REF_NOTE})`));
  for (const w of s.warnings) out.push('  ' + c.yellow('warning: ') + safeText(w));
  out.push(`  ${s.flows} TCP connections${states ? ': ' + states : ''}; ${s.tcp_packets} TCP packets`);
  out.push('');

  // 4. broken connections
  const broken = r.flows.filter((f) => BROKEN.has(f.state));
  if (broken.length) {
    const maxB = o.maxBroken ?? 15;
    out.push(c.bold(`Connections that ended in RST or refusal (${broken.length})`));
    out.push(c.dim('  #id  client → server                              state               by      pkts  reqs  packets'));
    for (const f of broken.slice(0, maxB)) out.push(brokenRow(f, multi));
    if (broken.length > maxB) out.push(c.dim(`  … ${broken.length - maxB} more`));
    out.push('');
  }

  // 5. busiest servers
  if (s.servers.length) {
    out.push(c.bold('Busiest servers'));
    for (const sv of s.servers.slice(0, 5)) {
      const failed = sv.failed ? c.red(`${sv.failed} failed`) : c.green('0 failed');
      out.push(`  ${pad(sv.server, 28)} ${pad(String(sv.flows), 6, true)} connections  ${pad(String(sv.requests), 6, true)} requests  ${failed}`);
    }
  }
  return out.join('\n') + '\n';
}

function findingRow(f: Finding, c: Palette, multi: boolean): string {
  const sev = f.severity === 'error' ? c.red('ERROR  ') : f.severity === 'warning' ? c.yellow('WARN   ') : c.dim('info   ');
  const pk = f.evidence.length ? c.dim(` [pkt ${f.evidence.slice(0, 4).map((e) => pktRef(e.packet, e.file, multi)).join(',')}${f.evidence.length > 4 ? ',…' : ''}]`) : '';
  return `  ${sev}${pad(f.kind, 22)} ${safeText(f.summary)}${pk}`;
}

function brokenRow(f: FlowSummary, multi: boolean): string {
  const who = f.closed_by ? `${f.closed_by}` : '-';
  const span = flowPacketRange(f, multi).join('-');
  return `  ${pad('#' + f.id, 5)}${pad(`${f.client} → ${f.server}`, 45)}${pad(f.state, 20)}${pad(who, 8)}${pad(String(f.packets), 6, true)}${pad(String(f.requests), 6, true)}  ${span}`;
}

function pad(s: string, n: number, right = false): string {
  if (s.length >= n) return s + ' ';
  return right ? ' '.repeat(n - s.length) + s : s + ' '.repeat(n - s.length);
}

export function fmtTime(t: number): string {
  if (!t) return '-';
  const iso = epochIso(t);
  return iso ? iso.replace('T', ' ').replace('Z', ' UTC') : `${t} s`;
}
