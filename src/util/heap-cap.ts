import { getHeapStatistics } from 'node:v8';

/**
 * One entry per `bytesPerEntry` of V8's heap limit (`node --max-old-space-size`), within
 * [floor, ceiling]: caps that shrink with a small heap instead of running out of memory.
 */
export function heapCap(bytesPerEntry: number, floor: number, ceiling: number, heapLimit = getHeapStatistics().heap_size_limit): number {
  return Math.max(floor, Math.min(ceiling, Math.floor(heapLimit / bytesPerEntry)));
}
