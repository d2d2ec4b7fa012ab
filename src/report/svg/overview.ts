/**
 * The overview picture: for each server, its connections as lanes from start to end,
 * colored by how they ended, with the findings marked; beside each server, a histogram
 * of the idle time before each close, with the idle timeout the analyzer inferred
 * (`server_idle_timeout_s`) drawn as a line.
 */
import type { AnalysisResult, FlowSummary } from '../../analyze/result.js';
import type { Finding } from '../../detect/finding.js';
import { d3, renderSvg, type G } from './dom.js';
import { cut, fmtClock, fmtDur } from './format.js';
import { flowPacketRange, severalFiles } from '../names.js';
import { idleBeforeClose, type IdleClose } from './idle.js';
import { standaloneCss } from './style.js';

export interface OverviewOptions {
  standalone?: boolean;
  /** Servers drawn at most (those with failures first). */
  maxServers?: number;
  /** Connections drawn per server at most (failed and flagged ones first). */
  maxConnsPerServer?: number;
}

const W = 920;
const X_LANES = 190;
const X_LANES_END = 640;
const X_HIST = 690;
const X_HIST_END = 900;
const ROW_H = 7;
const ROW_GAP = 2;
const MAX_ROWS = 14;
const HIST_H = 96;

const STATES = ['closed-fin', 'closed-rst', 'reset-in-handshake', 'refused', 'syn-unanswered', 'half-closed', 'open'] as const;
const BROKEN = new Set(['closed-rst', 'reset-in-handshake', 'refused', 'syn-unanswered']);

interface ServerBlock {
  server: string;
  conns: FlowSummary[];
  total: number;
  failed: number;
  findings: Finding[];
  idle: IdleClose[];
  timeout?: number;
  /** Idle closes the detectors counted toward this server (param idle_closes), when more than are drawn. */
  idleCounted?: number;
}

/** The idle timeout findings inferred for each server. */
export function inferredTimeouts(r: AnalysisResult): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of r.findings) {
    const t = f.params['server_idle_timeout_s'];
    if (typeof t === 'number' && Number.isFinite(t) && !m.has(f.flow.server)) m.set(f.flow.server, t);
  }
  return m;
}

function blocks(r: AnalysisResult, maxServers: number, maxConns: number): { blocks: ServerBlock[]; more: number } {
  const byServer = new Map<string, FlowSummary[]>();
  for (const f of r.flows) {
    let l = byServer.get(f.server);
    if (!l) byServer.set(f.server, (l = []));
    l.push(f);
  }
  const findingsBy = new Map<string, Finding[]>();
  for (const f of r.findings) {
    let l = findingsBy.get(f.flow.server);
    if (!l) findingsBy.set(f.flow.server, (l = []));
    l.push(f);
    if (!byServer.has(f.flow.server)) byServer.set(f.flow.server, []);
  }
  const idleBy = new Map<string, IdleClose[]>();
  for (const flow of r.timelines.values()) {
    const ic = idleBeforeClose(flow);
    if (!ic) continue;
    let l = idleBy.get(flow.server);
    if (!l) idleBy.set(flow.server, (l = []));
    l.push(ic);
  }
  const timeouts = inferredTimeouts(r);
  const flagged = new Set<number>();
  for (const f of r.findings) {
    if (f.flow.id !== undefined) flagged.add(f.flow.id);
    for (const id of f.flows ?? []) flagged.add(id);
  }
  const all: ServerBlock[] = [...byServer.entries()].map(([server, conns]) => {
    const failed = conns.filter((c) => BROKEN.has(c.state)).length;
    let drawn = conns;
    if (conns.length > maxConns) {
      const score = (c: FlowSummary) => (flagged.has(c.id) ? 2 : 0) + (BROKEN.has(c.state) ? 1 : 0);
      drawn = [...conns].sort((a, b) => score(b) - score(a) || a.start - b.start).slice(0, maxConns);
    }
    drawn = [...drawn].sort((a, b) => a.start - b.start || a.id - b.id);
    const idle = idleBy.get(server) ?? [];
    // The histogram draws the connections kept for timelines; the detectors counted every idle close.
    const counted = Math.max(0, ...(findingsBy.get(server) ?? []).map((f) => f.params['idle_closes']).filter((n): n is number => typeof n === 'number'));
    return {
      server, conns: drawn, total: conns.length, failed, findings: findingsBy.get(server) ?? [], idle, timeout: timeouts.get(server),
      ...(counted > idle.length ? { idleCounted: counted } : {}),
    };
  });
  all.sort((a, b) => b.findings.length - a.findings.length || b.failed - a.failed || b.total - a.total || (a.server < b.server ? -1 : 1));
  return { blocks: all.slice(0, maxServers), more: Math.max(0, all.length - maxServers) };
}

/** Greedy interval packing: row index per connection (overflow shares the last row). */
function pack(conns: FlowSummary[], x: (t: number) => number): number[] {
  const ends: number[] = [];
  return conns.map((c) => {
    const x0 = x(c.start);
    let row = ends.findIndex((e) => e + 2 <= x0);
    if (row < 0) {
      if (ends.length < MAX_ROWS) row = ends.push(0) - 1;
      else row = ends.indexOf(Math.min(...ends));
    }
    ends[row] = Math.max(ends[row]!, x(c.end), x0 + 2);
    return row;
  });
}

export function renderOverview(r: AnalysisResult, opts: OverviewOptions = {}): string {
  const D3 = d3();
  const { blocks: bl, more } = blocks(r, opts.maxServers ?? 8, opts.maxConnsPerServer ?? 400);
  const multi = severalFiles(r.captures);
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const c of r.captures) {
    if (c.packets) {
      t0 = Math.min(t0, c.first);
      t1 = Math.max(t1, c.last);
    }
  }
  for (const b of bl) for (const c of b.conns) { t0 = Math.min(t0, c.start); t1 = Math.max(t1, c.end); }
  if (!Number.isFinite(t0)) { t0 = 0; t1 = 1; }
  if (t1 <= t0) t1 = t0 + 1;
  const x = D3.scaleLinear().domain([0, t1 - t0]).range([X_LANES, X_LANES_END]);
  const xt = (t: number) => x(t - t0);

  const layouts = bl.map((b) => {
    const rows = pack(b.conns, xt);
    const nRows = Math.max(1, ...rows.map((r) => r + 1));
    const h = Math.max(nRows * (ROW_H + ROW_GAP) + 20, b.idle.length || b.timeout ? HIST_H + 34 : 40);
    return { b, rows, h };
  });
  const top = 58;
  let y = top;
  const ys = layouts.map((l) => { const y0 = y; y += l.h + 14; return y0; });
  const axisY = y + 4;
  const height = axisY + (more ? 56 : 40);

  return renderSvg(W, height, (svg) => {
    svg.attr('class', 'pr overview').attr('aria-label', 'Connections toward each server, colored by how they ended');
    svg.append('title').text('Connections toward each server, colored by how they ended, with findings marked');
    if (opts.standalone) {
      svg.append('style').text(standaloneCss());
      svg.append('rect').attr('class', 'bg').attr('width', W).attr('height', height);
    }
    svg.append('text').attr('class', 'h1').attr('x', 12).attr('y', 22).text('Connections by server');
    svg.append('text').attr('class', 'h1').attr('x', X_HIST).attr('y', 22).text('Idle before close');

    // legend
    let lx = 12;
    const legend = svg.append('g').attr('class', 'legend');
    for (const st of STATES) {
      legend.append('rect').attr('class', `st-${st}`).attr('x', lx).attr('y', 33).attr('width', 14).attr('height', 8);
      legend.append('text').attr('class', 'small muted').attr('x', lx + 18).attr('y', 41).text(st);
      lx += 26 + st.length * 6.2;
    }
    legend.append('path').attr('class', 'mark sev-error').attr('d', `M${lx},33h10l-5,8z`);
    legend.append('text').attr('class', 'small muted').attr('x', lx + 14).attr('y', 41).text('finding');

    if (!layouts.length) {
      svg.append('text').attr('class', 'muted').attr('x', 12).attr('y', top + 20).text('No TCP connections in the capture.');
    }
    layouts.forEach(({ b, rows, h }, i) => {
      const by = ys[i]!;
      const g = svg.append('g').attr('class', 'server').attr('data-server', b.server);
      g.append('rect').attr('class', 'lane-bg').attr('x', 6).attr('y', by - 4).attr('width', W - 12).attr('height', h + 4).attr('rx', 4);
      g.append('text').attr('class', 'mono').attr('x', 14).attr('y', by + 12).text(cut(b.server, 26));
      g.append('text').attr('class', 'small muted').attr('x', 14).attr('y', by + 28)
        .text(`${b.total} connection${b.total === 1 ? '' : 's'}${b.conns.length < b.total ? ` (${b.conns.length} drawn)` : ''}`);
      g.append('text').attr('class', 'small muted').attr('x', 14).attr('y', by + 42).text(`${b.failed} failed · ${b.findings.length} finding${b.findings.length === 1 ? '' : 's'}`);

      const rowY = new Map<number, number>();
      const lanes = g.append('g').attr('class', 'conns');
      b.conns.forEach((c, k) => {
        const ry = by + 12 + rows[k]! * (ROW_H + ROW_GAP);
        rowY.set(c.id, ry);
        const x0 = xt(c.start);
        const w = Math.max(2, xt(c.end) - x0);
        const flagged = b.findings.some((f) => f.flow.id === c.id || f.flows?.includes(c.id));
        lanes.append('rect').attr('class', `conn st-${c.state}${flagged ? ' flagged' : ''}`).attr('data-flow', c.id)
          .attr('x', round(x0)).attr('y', ry).attr('width', round(w)).attr('height', ROW_H)
          .append('title').text(`#${c.id} ${c.client} → ${c.server} · ${c.state} · ${c.requests} requests · packets #${flowPacketRange(c, multi).join('–#')} · ${fmtDur(c.end - c.start)}`);
      });
      const marks = g.append('g').attr('class', 'marks');
      for (const f of b.findings.slice(0, 300)) {
        const mx = round(xt(f.time || t0));
        const my = (f.flow.id !== undefined ? rowY.get(f.flow.id) : undefined) ?? by + 4;
        const m = marks.append('path').attr('class', `mark sev-${f.severity}`).attr('d', `M${mx - 5},${my - 9}h10l-5,8z`).attr('data-kind', f.kind);
        m.append('title').text(`${f.kind} (${f.severity}): ${f.summary}`);
      }
      histogram(g, b, by);
    });

    // time axis
    const ax = svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${axisY})`);
    ax.call(D3.axisBottom(x).ticks(6).tickFormat((d) => `${D3.format('~g')(d as number)} s`));
    svg.append('text').attr('class', 'small muted').attr('x', X_LANES).attr('y', axisY + 32).text(`seconds since ${fmtClock(t0)}`);
    if (more) svg.append('text').attr('class', 'small muted').attr('x', 12).attr('y', axisY + 48).text(`${more} more server${more === 1 ? '' : 's'} not drawn`);
  });
}

function histogram(g: G, b: ServerBlock, by: number): void {
  const D3 = d3();
  const hx0 = X_HIST;
  const hx1 = X_HIST_END;
  const hy1 = by + HIST_H;
  const hy0 = by + 8;
  if (!b.idle.length && b.timeout === undefined) {
    g.append('text').attr('class', 'small muted').attr('x', hx0).attr('y', by + 16).text('no closes measured');
    return;
  }
  const vals = b.idle.map((i) => i.idle);
  const maxV = Math.max(b.timeout ?? 0, ...vals, 0.001) * 1.15;
  const x = D3.scaleLinear().domain([0, maxV]).range([hx0, hx1]).nice();
  const bins = D3.bin().domain(x.domain() as [number, number]).thresholds(x.ticks(24))(vals);
  const serverCount = new Map<number, number>();
  for (const ic of b.idle) {
    const k = bins.findIndex((bn) => ic.idle >= bn.x0! && (ic.idle < bn.x1! || bn === bins[bins.length - 1]));
    if (ic.closer === 'server' && k >= 0) serverCount.set(k, (serverCount.get(k) ?? 0) + 1);
  }
  const ymax = Math.max(1, ...bins.map((bn) => bn.length));
  const y = D3.scaleLinear().domain([0, ymax]).range([hy1, hy0 + 14]);
  const hg = g.append('g').attr('class', 'hist');
  const of = b.idleCounted !== undefined ? ` of the ${b.idleCounted} idle closes counted (the connections kept for timelines)` : ' measured';
  hg.append('title').text(`Idle time before each close toward ${b.server}: ${b.idle.length} close${b.idle.length === 1 ? '' : 's'}${of} (blue: the server closed, purple: the client closed)`);
  bins.forEach((bn, k) => {
    if (!bn.length) return;
    const bx = round(x(bn.x0!) + 0.5);
    const bw = Math.max(1, round(x(bn.x1!) - x(bn.x0!) - 1));
    const sc = serverCount.get(k) ?? 0;
    const cc = bn.length - sc;
    const label = `${fmtDur(bn.x0!)}–${fmtDur(bn.x1!)}: ${sc} closed by the server, ${cc} by the client`;
    if (sc) hg.append('rect').attr('class', 'bar-server').attr('x', bx).attr('width', bw).attr('y', round(y(sc))).attr('height', round(hy1 - y(sc))).append('title').text(label);
    if (cc) hg.append('rect').attr('class', 'bar-client').attr('x', bx).attr('width', bw).attr('y', round(y(bn.length))).attr('height', round(y(sc) - y(bn.length))).append('title').text(label);
  });
  const ax = hg.append('g').attr('class', 'axis').attr('transform', `translate(0,${hy1})`);
  const ms = x.domain()[1]! < 1;
  ax.call(D3.axisBottom(x).ticks(4).tickFormat((d) => D3.format('~g')(ms ? Math.round((d as number) * 1e4) / 10 : (d as number))));
  hg.append('text').attr('class', 'small muted').attr('x', hx1).attr('y', hy1 + 30).attr('text-anchor', 'end').text(ms ? 'idle (ms)' : 'idle (s)');
  hg.append('text').attr('class', 'small muted').attr('x', hx0).attr('y', hy0 + 4).text(`${b.idle.length}${b.idleCounted !== undefined ? ` of ${b.idleCounted}` : ''} close${(b.idleCounted ?? b.idle.length) === 1 ? '' : 's'} · max ${ymax} per bin`);
  if (b.timeout !== undefined) {
    const tx = round(x(b.timeout));
    const tg = hg.append('g').attr('class', 'timeout').attr('data-timeout', b.timeout);
    tg.append('line').attr('x1', tx).attr('x2', tx).attr('y1', hy0 + 8).attr('y2', hy1);
    tg.append('text').attr('x', tx - 4).attr('y', hy0 + 20).attr('text-anchor', 'end').text(`timeout ${D3.format('~g')(b.timeout)} s`);
    tg.append('title').text(`inferred server idle timeout: ${b.timeout} s`);
  }
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
