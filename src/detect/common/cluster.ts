/**
 * Inferring a configured value from many observations of it (idle closes, request
 * counts, timeouts). Servers act at or after the configured value: gunicorn checks
 * keep-alive expiry about once a second, so `--keep-alive 2` closes land 2.0–2.9 s;
 * a timer wheel or a poll loop adds its tick. The configured value is therefore the
 * LOWER edge of the densest cluster, snapped to a round number just below it.
 */

export interface Cluster {
  /** Lower edge, upper edge, median of the chosen cluster. */
  min: number;
  max: number;
  median: number;
  /** Observations in the cluster and in all. */
  count: number;
  total: number;
  /** Half the cluster's width ("spread ±4 ms"). */
  spread: number;
  /** The inferred setting: the lower edge snapped to a round value just below it. */
  value: number;
  /** Indexes (into the input array) of the observations in the cluster. */
  members: number[];
}

/**
 * The densest group of values: sorted, split where consecutive values are further apart than
 * `gap(v)` (default: max(1 s, 20 % of the value), wide enough for a once-a-second checker).
 * Ties go to the larger group, then to the lower one.
 */
export function clusterValues(values: number[], gap: (v: number) => number = (v) => Math.max(1.0, 0.2 * v)): Cluster | null {
  if (values.length === 0) return null;
  const idx = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const groups: Array<typeof idx> = [];
  let cur: typeof idx = [];
  for (const x of idx) {
    if (cur.length && x.v - cur[cur.length - 1]!.v > gap(cur[0]!.v)) {
      groups.push(cur);
      cur = [];
    }
    cur.push(x);
  }
  if (cur.length) groups.push(cur);
  let best = groups[0]!;
  for (const g of groups) if (g.length > best.length) best = g;
  const vs = best.map((x) => x.v);
  const min = vs[0]!;
  const max = vs[vs.length - 1]!;
  return {
    min, max, median: vs[Math.floor(vs.length / 2)]!, count: vs.length, total: values.length,
    spread: (max - min) / 2, value: inferSetting(min, max), members: best.map((x) => x.i),
  };
}

/** A periodic checker (gunicorn: about once a second) acts up to this long after the setting. */
export const CHECK_PERIOD_S = 1.0;

/**
 * The setting behind observations spread over [min, max]. A tight cluster comes from a timer:
 * the setting is just below `min` (snapDown). A wide one (>= 0.2 s) comes from a periodic check:
 * the setting T satisfies T <= min and max <= T + CHECK_PERIOD_S, so the coarsest round value
 * in [max − CHECK_PERIOD_S, min] is it (gunicorn --timeout 2: kills at 2.45–3.0 s → 2).
 */
export function inferSetting(min: number, max: number): number {
  if (max - min < 0.2) return snapDown(min);
  // The capture point adds a little (path delay variation, the checker's own run time).
  const lo = max - CHECK_PERIOD_S - Math.max(0.05, 0.02 * max);
  // `min` is an estimate on the server's clock (the capture point's wait minus the handshake
  // RTT), so it can land a few milliseconds below the setting: 1.997 s for `--timeout 2`.
  const hi = min + Math.max(0.01, 0.003 * min);
  for (const step of [60, 10, 5, 1, 0.5, 0.1]) {
    const c = Math.floor(hi / step + 1e-9) * step;
    if (c > 0 && c >= lo) return Math.round(c * 1000) / 1000;
  }
  return snapDown(min);
}

/**
 * The round value a setting probably has, given that it fires at or a little after it:
 * the coarsest of 60 / 10 / 5 / 1 / 0.5 / 0.1 / 0.01 s steps that lies at most max(50 ms, 3 %) below
 * `x` (or a few milliseconds above it: timestamp jitter).
 */
export function snapDown(x: number): number {
  const slack = Math.max(0.05, 0.03 * x);
  // Capture timestamps jitter a little (two interfaces, buffered capture): allow a hair above.
  const jitter = Math.max(0.003, 0.001 * x);
  for (const step of [60, 10, 5, 1, 0.5, 0.1, 0.01]) {
    if (step > x + jitter) continue;
    const c = Math.round(x / step) * step;
    if (x - c <= slack && c - x <= jitter) return Math.round(c * 1000) / 1000;
    const d = Math.floor(x / step + 1e-9) * step;
    if (d > 0 && x - d <= slack) return Math.round(d * 1000) / 1000;
  }
  return Math.round(x * 1000) / 1000;
}

/** The most frequent integer and how often it occurs (ties: the smaller). */
export function mode(values: number[]): { value: number; count: number } | null {
  if (!values.length) return null;
  const m = new Map<number, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  let best = { value: 0, count: 0 };
  for (const [value, count] of m) if (count > best.count || (count === best.count && value < best.value)) best = { value, count };
  return best;
}
