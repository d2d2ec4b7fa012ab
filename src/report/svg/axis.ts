/**
 * The vertical time axis of a ladder: one row per event, never closer than `rowPx`
 * (so a 200 µs race is two distinct rows), gaps drawn in proportion to their length
 * up to `breakAboveS`, and longer gaps compressed to a fixed height with a break mark,
 * so a 2 s (or 2 h) idle period does not push the interesting packets off the page.
 */
import type { G } from './dom.js';
import { fmtDur } from './format.js';

export interface RowAxisOptions {
  /** y of the first row. */
  top: number;
  /** Minimum distance between consecutive rows. */
  rowPx: number;
  /** Extra pixels per second of gap, below the break threshold. */
  pxPerS: number;
  /** Gaps longer than this (seconds) are broken: fixed height plus a break mark. */
  breakAboveS: number;
  /** Extra pixels a broken gap takes. */
  breakPx: number;
  /** Gaps at least this long get an "idle …" label. */
  idleLabelAboveS: number;
}

export const DEFAULT_AXIS: RowAxisOptions = {
  top: 0,
  rowPx: 22,
  pxPerS: 120,
  breakAboveS: 0.25,
  breakPx: 38,
  idleLabelAboveS: 0.1,
};

export interface Gap {
  /** Index of the row after the gap. */
  after: number;
  t0: number;
  t1: number;
  /** y of the rows around the gap. */
  y0: number;
  y1: number;
  broken: boolean;
  /** "idle 2.003 s" for gaps worth naming. */
  label?: string;
}

export interface RowAxis {
  /** y of each row (same order as the times given). */
  y: number[];
  /** y of the last row. */
  bottom: number;
  gaps: Gap[];
}

/** Lays out rows for event times (sorted ascending; equal times allowed). */
export function rowAxis(times: readonly number[], opts: Partial<RowAxisOptions> = {}): RowAxis {
  const o = { ...DEFAULT_AXIS, ...opts };
  const y: number[] = [];
  const gaps: Gap[] = [];
  let cur = o.top;
  for (let i = 0; i < times.length; i++) {
    if (i > 0) {
      const dt = Math.max(0, times[i]! - times[i - 1]!);
      const broken = dt > o.breakAboveS;
      const extra = broken ? o.breakPx : Math.min(o.breakPx, dt * o.pxPerS);
      const y0 = cur;
      cur = Math.round((cur + o.rowPx + extra) * 10) / 10;
      if (broken || dt >= o.idleLabelAboveS) {
        gaps.push({ after: i, t0: times[i - 1]!, t1: times[i]!, y0, y1: cur, broken, label: `idle ${fmtDur(dt)}` });
      }
    }
    y.push(cur);
  }
  return { y, bottom: cur, gaps };
}

/** Half-height of the cut a break makes in the lane lines. */
export const BREAK_HALF = 7;

/**
 * Lane line pieces from `from` to `to`, interrupted at each broken gap (where the
 * break mark is drawn).
 */
export function laneSegments(axis: RowAxis, from: number, to: number): Array<[number, number]> {
  const segs: Array<[number, number]> = [];
  let start = from;
  for (const g of axis.gaps) {
    if (!g.broken) continue;
    const mid = breakMid(g);
    segs.push([start, mid - BREAK_HALF]);
    start = mid + BREAK_HALF;
  }
  segs.push([start, to]);
  return segs.filter(([a, b]) => b > a);
}

export function breakMid(g: Gap): number {
  return Math.round((g.y0 + g.y1) / 2);
}

function zigzag(x0: number, x1: number, y: number, step = 6, amp = 3): string {
  let d = `M${x0},${y}`;
  let up = true;
  for (let x = x0 + step; x <= x1; x += step) {
    d += `L${x},${y + (up ? -amp : amp)}`;
    up = !up;
  }
  return d;
}

/**
 * Draws the break mark of a broken gap across [x0, x1]: a band in the background color
 * between two zig-zag lines (the axis is cut here), with the idle label on it.
 */
export function drawBreak(g: G, gap: Gap, x0: number, x1: number): void {
  const mid = breakMid(gap);
  const b = g.append('g').attr('class', 'break');
  b.append('rect').attr('class', 'break-band').attr('x', x0).attr('y', mid - BREAK_HALF + 2).attr('width', x1 - x0).attr('height', 2 * BREAK_HALF - 4);
  b.append('path').attr('class', 'break-line').attr('d', zigzag(x0, x1, mid - BREAK_HALF + 2));
  b.append('path').attr('class', 'break-line').attr('d', zigzag(x0, x1, mid + BREAK_HALF - 2));
  b.append('title').text(`axis broken: ${fmtDur(gap.t1 - gap.t0)} without packets drawn compressed`);
}

/** The "idle 2.003 s" label of a gap, centered at x on the middle of the gap. */
export function drawIdleLabel(g: G, gap: Gap, x: number): void {
  if (!gap.label) return;
  const mid = breakMid(gap);
  const w = gap.label.length * 6.4 + 14;
  const lab = g.append('g').attr('class', 'idle');
  lab.append('rect').attr('class', 'idle-bg').attr('x', Math.round(x - w / 2)).attr('y', mid - 9).attr('width', Math.round(w)).attr('height', 18).attr('rx', 9);
  lab.append('text').attr('class', 'idle-text').attr('x', x).attr('y', mid + 4).attr('text-anchor', 'middle').text(gap.label);
}
