/**
 * The ladder (sequence) picture of one connection: client on the left, server on the
 * right, one arrow per significant packet (SYN, SYN-ACK, requests with method and path,
 * responses with status and size, FIN, RST, retransmissions), on a broken time axis
 * (long idle gaps compressed and labeled, short races kept visible), with the packets
 * a finding names highlighted and the packet where the connection broke marked.
 *
 * Every event is a <g class="ev ev-TYPE" data-packet="N" data-type="TYPE"> with a
 * <title> naming its Wireshark packet number.
 */
import type { Flow, FlowEvent } from '../../conn/flow.js';
import type { Evidence, Finding } from '../../detect/finding.js';
import { renderSvg, type G } from './dom.js';
import { rowAxis, laneSegments, drawBreak, drawIdleLabel, type RowAxisOptions } from './axis.js';
import { cut, eventLabel, eventTitle, fmtBytes, fmtClock, fmtDur } from './format.js';
import { standaloneCss } from './style.js';
import { eventPacket, eventPktRef, evidenceInEvents, ONE_FILE, type PacketNumbers } from '../names.js';

export interface LadderOptions {
  /** The finding this picture illustrates: its evidence packets are highlighted. */
  finding?: Finding;
  /** Embed the stylesheet (for .svg files); the HTML report includes it once. */
  standalone?: boolean;
  /** Rows drawn at most; the middle of longer connections is elided (evidence kept). */
  maxRows?: number;
  axis?: Partial<RowAxisOptions>;
  /** How packet numbers are shown (several files: "file:packet"); one file by default. */
  numbers?: PacketNumbers;
}

const W = 872;
const X_TIME = 64;
const X_DELTA = 128;
const X_PKT = 176;
const X_CLIENT = 220;
const X_SERVER = 640;
/** Where the evidence / broke-here tags start (the race bracket sits between the server lane and here). */
const X_TAGS = 772;
const TOP = 104;
const LABEL_CHARS = 62;
/** A request and the peer's FIN/RST this close together (seconds) are drawn as a race. */
const RACE_S = 0.25;

type Row =
  | { kind: 'event'; e: FlowEvent; time: number }
  | { kind: 'note'; packet: number; time: number; note: string }
  /** The last byte of a request/response that spanned several packets. */
  | { kind: 'end'; e: FlowEvent; packet: number; time: number }
  | { kind: 'elided'; count: number; time: number };

const MINOR = new Set(['handshake-ack', 'keep-alive', 'window-open']);

/**
 * The packet where the connection broke: the RST the finding names, else its first RST;
 * without a RST, the last FIN the finding names (0: nothing to mark, e.g. a stall).
 */
export function breakPacket(flow: Flow, evPk: ReadonlySet<number>): number {
  const rsts = flow.events.filter((e) => e.type === 'rst');
  const named = rsts.find((e) => evPk.has(e.packet));
  if (named) return named.packet;
  if (rsts.length) return rsts[0]!.packet;
  const fins = flow.events.filter((e) => e.type === 'fin' && evPk.has(e.packet));
  return fins.length ? fins[fins.length - 1]!.packet : 0;
}

/** The finding's evidence on this connection, with each packet in the numbering of its events. */
function evidenceOnFlow(flow: Flow, finding: Finding | undefined, n: PacketNumbers): Array<{ p: number; ev: Evidence }> {
  if (!finding) return [];
  const out: Array<{ p: number; ev: Evidence }> = [];
  for (const ev of finding.evidence) {
    const p = evidenceInEvents(ev, flow.file, n);
    if (p !== undefined && p >= flow.firstPacket && p <= flow.lastPacket) out.push({ p, ev });
  }
  return out;
}

function pickRows(flow: Flow, evidence: Array<{ p: number; ev: Evidence }>, evSet: ReadonlySet<number>, maxRows: number): Row[] {
  const events = [...flow.events].sort((a, b) => a.time - b.time || a.packet - b.packet);
  const have = new Set(events.map((e) => e.packet));
  const rows: Row[] = events.map((e) => ({ kind: 'event', e, time: e.time }));
  for (const e of events) {
    const h = e.http;
    if ((e.type === 'request' || e.type === 'response') && h && h.endPacket > e.packet && h.endTime >= e.time && !have.has(h.endPacket)) {
      have.add(h.endPacket);
      rows.push({ kind: 'end', e, packet: h.endPacket, time: h.endTime });
    }
  }
  rows.sort((a, b) => a.time - b.time || pk(a) - pk(b));
  // evidence packets that are not significant events (an ACK, a window update) get a note row
  if (evidence.length) {
    for (const { p, ev } of evidence) {
      if (have.has(p)) continue;
      have.add(p);
      rows.push({ kind: 'note', packet: p, time: ev.time, note: ev.note });
    }
    rows.sort((a, b) => a.time - b.time || pk(a) - pk(b));
  }
  if (rows.length <= maxRows) return rows;
  const keep = new Array<boolean>(rows.length).fill(false);
  const head = Math.floor(maxRows * 0.3);
  const tail = Math.floor(maxRows * 0.5);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (i < head || i >= rows.length - tail) keep[i] = true;
    else if (r.kind === 'note') keep[i] = true;
    else if (r.kind === 'event' && (r.e.type === 'rst' || r.e.type === 'fin' || r.e.type === 'syn')) keep[i] = true;
  }
  rows.forEach((r, i) => {
    if (evSet.has(pk(r))) keep[i] = true;
  });
  const out: Row[] = [];
  let skipped = 0;
  for (let i = 0; i < rows.length; i++) {
    if (keep[i]) {
      if (skipped) out.push({ kind: 'elided', count: skipped, time: rows[i]!.time });
      skipped = 0;
      out.push(rows[i]!);
    } else skipped++;
  }
  return out;
}

function pk(r: Row): number {
  return r.kind === 'event' ? r.e.packet : r.kind === 'note' || r.kind === 'end' ? r.packet : 0;
}

interface Race {
  a: number;
  b: number;
  dt: number;
  what: string;
}

/** Requests that crossed the server's FIN/RST: pairs of row indexes. */
function findRaces(rows: Row[]): Race[] {
  const races: Race[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.kind !== 'event' || r.e.type !== 'request' || r.e.dir !== 0) continue;
    // nearest server close (FIN or RST) within RACE_S, with no response between
    let best = -1;
    for (let j = 0; j < rows.length; j++) {
      const c = rows[j]!;
      if (c.kind !== 'event' || c.e.dir !== 1 || (c.e.type !== 'fin' && c.e.type !== 'rst') || c.e.retransmission) continue;
      if (Math.abs(c.time - r.time) > RACE_S) continue;
      const [lo, hi] = j < i ? [j, i] : [i, j];
      const answered = rows.slice(lo, hi + 1).some((x) => x.kind === 'event' && x.e.type === 'response');
      if (answered) continue;
      if (best < 0 || Math.abs(c.time - r.time) < Math.abs(rows[best]!.time - r.time)) best = j;
      break;
    }
    if (best >= 0) {
      const c = rows[best] as Extract<Row, { kind: 'event' }>;
      const dt = Math.abs(c.time - r.time);
      const what = c.time >= r.time
        ? `request and server ${c.e.type.toUpperCase()} crossed: the request was sent ${fmtDur(dt)} before the ${c.e.type.toUpperCase()} (as seen at the capture point)`
        : `request sent ${fmtDur(dt)} after the server's ${c.e.type.toUpperCase()}`;
      races.push({ a: Math.min(i, best), b: Math.max(i, best), dt, what });
    }
  }
  return races;
}

export interface LadderInfo {
  svg: string;
  /** The packet marked as where it broke (0: none), in the numbering of the connection's events. */
  breakPacket: number;
  /** The same as reports name it (file index and per-file number), or null. */
  breakRef: { file: number; packet: number } | null;
  rows: number;
}

/** Renders the ladder of one connection. */
export function renderLadder(flow: Flow, opts: LadderOptions = {}): LadderInfo {
  const finding = opts.finding;
  const n = opts.numbers ?? ONE_FILE;
  const ref = (p: number) => eventPktRef(p, flow.file, n);
  const evidence = evidenceOnFlow(flow, finding, n);
  const evSet = new Set(evidence.map((x) => x.p));
  const rows = pickRows(flow, evidence, evSet, opts.maxRows ?? 120);
  const axis = rowAxis(rows.map((r) => r.time), { ...opts.axis, top: TOP });
  // no idle label next to an elision (the time there is not idle), and a gap while a
  // request or response was still being transferred is not idle either
  const inFlight = rows.flatMap((r) => (r.kind === 'event' && r.e.http && r.e.http.endTime > r.e.time ? [{ r: r.e.type, t0: r.e.time, t1: r.e.http.endTime }] : []));
  for (const g of axis.gaps) {
    if (rows[g.after]?.kind === 'elided' || rows[g.after - 1]?.kind === 'elided') g.label = undefined;
    else if (g.label) {
      const busy = inFlight.find((m) => m.t0 <= g.t0 && m.t1 >= g.t1);
      if (busy) g.label = `${fmtDur(g.t1 - g.t0)} · ${busy.r} in transfer`;
    }
  }
  const broke = breakPacket(flow, evSet);
  const races = findRaces(rows);
  const height = axis.bottom + 62;
  const start = flow.start;
  const [c, s] = flow.dirs;
  const title = `Connection #${flow.id} ${flow.client} → ${flow.server}: ${flow.state}${finding ? ` (${finding.kind})` : ''}`;

  const svg = renderSvg(W, height, (svg) => {
    svg.attr('class', 'pr ladder').attr('data-flow', flow.id).attr('aria-label', title);
    svg.append('title').text(title);
    if (opts.standalone) {
      svg.append('style').text(standaloneCss());
      svg.append('rect').attr('class', 'bg').attr('width', W).attr('height', height);
    }

    // header
    svg.append('text').attr('class', 'h1').attr('x', 12).attr('y', 22).text(cut(`Connection #${flow.id}  ${flow.client} → ${flow.server}`, 100));
    const facts = [
      flow.state,
      `${c.packets + s.packets} packets (#${ref(flow.firstPacket)}–#${ref(flow.lastPacket)})`,
      `${flow.requests} request${flow.requests === 1 ? '' : 's'}`,
      `${fmtBytes(c.payloadBytes)} sent / ${fmtBytes(s.payloadBytes)} received`,
      flow.rtt >= 0 ? `RTT ${fmtDur(flow.rtt)}` : '',
      `start ${fmtClock(flow.start)}`,
    ].filter(Boolean);
    svg.append('text').attr('class', 'muted small').attr('x', 12).attr('y', 40).text(facts.join(' · '));
    if (flow.eventsDropped > 0) {
      svg.append('text').attr('class', 'muted small').attr('x', 12).attr('y', 54).text(`${flow.eventsDropped} events in the middle of this long connection were not kept`);
    }

    // lane heads and column heads
    const headY = 74;
    for (const [x, who, addr] of [[X_CLIENT, 'client', flow.client], [X_SERVER, 'server', flow.server]] as const) {
      svg.append('text').attr('class', 'lane-head').attr('x', x).attr('y', headY).attr('text-anchor', 'middle').text(who);
      svg.append('text').attr('class', 'mono muted').attr('x', x).attr('y', headY + 14).attr('text-anchor', 'middle').text(cut(addr, 48));
    }
    svg.append('text').attr('class', 'muted small').attr('x', X_TIME).attr('y', headY).attr('text-anchor', 'end').text('t (s)');
    svg.append('text').attr('class', 'muted small').attr('x', X_DELTA).attr('y', headY).attr('text-anchor', 'end').text('Δ prev');
    svg.append('text').attr('class', 'muted small').attr('x', X_PKT).attr('y', headY).attr('text-anchor', 'end').text('packet');

    // highlight bands (under everything else)
    const bands = svg.append('g').attr('class', 'bands');
    rows.forEach((r, i) => {
      const p = pk(r);
      if (!p) return;
      const cls = p === broke ? 'hl-break' : evSet.has(p) ? 'hl-ev' : '';
      if (cls) bands.append('rect').attr('class', cls).attr('x', 4).attr('y', axis.y[i]! - 15).attr('width', W - 8).attr('height', 21).attr('rx', 3);
    });

    // lanes, cut at broken gaps
    const laneTop = headY + 22;
    const laneBottom = axis.bottom + 14;
    const lanes = svg.append('g').attr('class', 'lanes');
    for (const x of [X_CLIENT, X_SERVER]) {
      for (const [y0, y1] of laneSegments(axis, laneTop, laneBottom)) {
        lanes.append('line').attr('class', 'lane').attr('x1', x).attr('x2', x).attr('y1', y0).attr('y2', y1);
      }
    }
    for (const gap of axis.gaps) {
      if (gap.broken) drawBreak(svg, gap, X_CLIENT - 14, X_SERVER + 14);
      drawIdleLabel(svg, gap, (X_CLIENT + X_SERVER) / 2);
    }

    // rows
    const evG = svg.append('g').attr('class', 'events');
    let prevTime = NaN;
    rows.forEach((r, i) => {
      const y = axis.y[i]!;
      if (r.kind === 'elided') {
        evG.append('text').attr('class', 'elided').attr('x', (X_CLIENT + X_SERVER) / 2).attr('y', y).attr('text-anchor', 'middle').text(`… ${r.count} events not drawn …`);
        prevTime = NaN;
        return;
      }
      const p = pk(r);
      const g = evG.append('g').attr('data-packet', p);
      timeCells(g, y, r.time - start, Number.isNaN(prevTime) ? NaN : r.time - prevTime, ref(p));
      prevTime = r.time;
      if (r.kind === 'end') {
        drawEnd(g, r.e, ref(r.packet), r.time, y, start);
      } else if (r.kind === 'note') {
        g.attr('class', 'ev ev-note').attr('data-type', 'note');
        g.append('title').text(`packet ${ref(p)} · ${r.note} · t+${(r.time - start).toFixed(6)} s · ${fmtClock(r.time)}`);
        g.append('circle').attr('cx', X_CLIENT + 12).attr('cy', y - 4).attr('r', 4);
        g.append('text').attr('class', 'lbl small').attr('x', X_CLIENT + 22).attr('y', y).text(cut(r.note, 64));
      } else {
        drawEvent(g, r.e, y, start, ref(r.e.packet));
      }
      if (p === broke) {
        const how = r.kind === 'event' && r.e.type === 'fin' ? '◀ closed here' : '◀ broke here';
        svg.append('text').attr('class', 'broke').attr('x', X_TAGS).attr('y', y).text(how);
      } else if (evSet.has(p)) {
        svg.append('text').attr('class', 'evtag small').attr('x', X_TAGS).attr('y', y).text('◀ evidence');
      }
    });

    // races: a bracket between the request and the close it crossed
    for (const race of races) {
      const y0 = axis.y[race.a]! - 4;
      const y1 = axis.y[race.b]! - 4;
      const x = X_SERVER + 26;
      const rg = svg.append('g').attr('class', 'race');
      rg.append('title').text(race.what);
      rg.append('path').attr('d', `M${x - 6},${y0}H${x}V${y1}H${x - 6}`);
      rg.append('text').attr('x', x + 6).attr('y', (y0 + y1) / 2 + 4).text(`race Δ ${fmtDur(race.dt)}`);
    }

    // legend
    const ly = height - 28;
    svg.append('text').attr('class', 'muted small').attr('x', 12).attr('y', ly)
      .text('Each arrow is a packet as seen at the capture point (hover for its packet number and exact time).');
    svg.append('text').attr('class', 'muted small').attr('x', 12).attr('y', ly + 14)
      .text('Red: RST · blue: FIN · dashed: retransmission · zig-zag: idle time drawn compressed · highlighted: the finding\'s evidence.');
  });
  const [breakFile, breakLocal] = eventPacket(broke, flow.file, n);
  return { svg, breakPacket: broke, breakRef: broke ? { file: breakFile, packet: breakLocal } : null, rows: rows.length };
}

function timeCells(g: G, y: number, rel: number, delta: number, packet: string): void {
  g.append('text').attr('class', 'mono muted').attr('x', X_TIME).attr('y', y).attr('text-anchor', 'end').text(rel.toFixed(6));
  if (!Number.isNaN(delta)) {
    g.append('text').attr('class', 'mono muted').attr('x', X_DELTA).attr('y', y).attr('text-anchor', 'end').text('+' + fmtDur(delta));
  }
  g.append('text').attr('class', 'mono').attr('x', X_PKT).attr('y', y).attr('text-anchor', 'end').text(`#${packet}`);
}

function drawEvent(g: G, e: FlowEvent, y: number, start: number, packet: string): void {
  const cls = ['ev', `ev-${e.type}`];
  if (e.retransmission) cls.push('retx');
  if (MINOR.has(e.type)) cls.push('minor');
  g.attr('class', cls.join(' ')).attr('data-type', e.type).attr('data-dir', e.dir);
  g.append('title').text(eventTitle(e, start, packet));
  const [x0, x1] = e.dir === 0 ? [X_CLIENT, X_SERVER] : [X_SERVER, X_CLIENT];
  const sign = x1 > x0 ? 1 : -1;
  const ly = y - 4;
  g.append('line').attr('x1', x0).attr('x2', x1 - sign * 8).attr('y1', ly).attr('y2', ly);
  g.append('path').attr('class', 'head').attr('d', `M${x1},${ly}l${-sign * 10},-5v10z`);
  if (e.type === 'rst') {
    // a cross at the sender: the connection is torn down here
    g.append('path').attr('class', 'x').attr('d', `M${x0 - 5},${ly - 5}l10,10m0,-10l-10,10`);
  }
  const label = eventLabel(e);
  g.append('text').attr('class', 'lbl').attr('x', (X_CLIENT + X_SERVER) / 2).attr('y', ly - 5).attr('text-anchor', 'middle').text(cut(label, LABEL_CHARS));
}

/** The last byte of a multi-packet message: a thin arrow in the message's direction. */
function drawEnd(g: G, e: FlowEvent, packet: string, time: number, y: number, start: number): void {
  g.attr('class', `ev ev-end ev-${e.type}-end minor`).attr('data-type', `${e.type}-end`).attr('data-dir', e.dir);
  const what = e.type === 'request' ? `${e.http?.method ?? ''} ${e.http?.path ?? ''}`.trim() : `${e.http?.status ?? ''} ${e.http?.reason ?? ''}`.trim();
  const label = `${e.http?.complete ? 'end of' : 'last byte seen of'} ${cut(what, 40)} (${fmtBytes(e.http?.bodyBytes ?? 0)} body)`;
  g.append('title').text(`packet ${packet} · ${label} · ${e.dir === 0 ? 'client → server' : 'server → client'} · t+${(time - start).toFixed(6)} s · ${fmtClock(time)}`);
  const [x0, x1] = e.dir === 0 ? [X_CLIENT, X_SERVER] : [X_SERVER, X_CLIENT];
  const sign = x1 > x0 ? 1 : -1;
  const ly = y - 4;
  g.append('line').attr('x1', x0).attr('x2', x1 - sign * 8).attr('y1', ly).attr('y2', ly);
  g.append('path').attr('class', 'head').attr('d', `M${x1},${ly}l${-sign * 10},-5v10z`);
  g.append('text').attr('class', 'lbl').attr('x', (X_CLIENT + X_SERVER) / 2).attr('y', ly - 5).attr('text-anchor', 'middle').text(label);
}
