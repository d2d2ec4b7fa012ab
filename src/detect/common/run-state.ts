/**
 * Per-analysis shared state between detectors (a blackboard). Detector instances are
 * made fresh for every analysis, but some decisions span kinds: a request that crossed
 * a request-cap close is explained by `request-cap-close` and must not be reported again
 * as `reset-before-response`. The DetectorContext object is unique per analysis run, so
 * it keys the state; detectors that read a decision run their `finish` after the writer
 * (registry order).
 */
import type { DetectorContext } from '../detector.js';

const states = new WeakMap<object, Map<string, unknown>>();

export function runState<T>(ctx: DetectorContext, key: string, init: () => T): T {
  let m = states.get(ctx);
  if (!m) {
    m = new Map();
    states.set(ctx, m);
  }
  if (!m.has(key)) m.set(key, init());
  return m.get(key) as T;
}

/** Flow ids whose failure an aggregate finding already explains (written in finish by request-cap-close). */
export function explainedFlows(ctx: DetectorContext): Set<number> {
  return runState(ctx, 'explained-flows', () => new Set<number>());
}
