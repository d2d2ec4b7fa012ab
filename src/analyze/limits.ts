/**
 * Memory limits of one analysis. A capture may hold millions of connections (a SYN
 * flood, a scan, a load test); the analyzer keeps memory bounded by
 *  - a cap on open connections (FlowTable evicts the least recently active one, with a warning),
 *  - a cap on `flows[]` summaries (analyze.ts FLOW_LIST_CAP) and on findings per kind,
 *  - caps on what each detector keeps until `finish` (detect/common/budget.ts).
 * The open-connection cap is the one that scales with memory: an open connection costs a
 * few KB (its model, sequence state, event list), so its default follows V8's heap limit
 * (`node --max-old-space-size`), from 10 000 up to 250 000.
 */
import { heapCap } from '../util/heap-cap.js';

/** Heap bytes budgeted per open connection (measured ~2.6-2.9 kB for half-open ones, plus slack). */
const BYTES_PER_OPEN_FLOW = 3072;
/** Share of the heap the open-connection table may take. */
const TABLE_SHARE = 0.2;
export const MAX_FLOWS_CEILING = 250_000;
export const MAX_FLOWS_FLOOR = 10_000;

/** Default open-connection cap for this process's heap limit. */
export function defaultMaxFlows(heapLimit?: number): number {
  return heapCap(BYTES_PER_OPEN_FLOW / TABLE_SHARE, MAX_FLOWS_FLOOR, MAX_FLOWS_CEILING, heapLimit);
}
