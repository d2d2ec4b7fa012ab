/**
 * Largest / smallest value of a list without spreading it into Math.max/Math.min:
 * `Math.max(...list)` throws RangeError (call stack) for lists of ~100 000+ values,
 * which a flood of connections produces. Empty lists give -Infinity / Infinity like
 * Math.max() / Math.min().
 */
export function maxOf<T>(list: readonly T[], value: (x: T) => number): number;
export function maxOf(list: readonly number[]): number;
export function maxOf<T>(list: readonly T[], value?: (x: T) => number): number {
  let m = -Infinity;
  for (const x of list) {
    const v = value ? value(x) : (x as unknown as number);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

export function minOf<T>(list: readonly T[], value: (x: T) => number): number;
export function minOf(list: readonly number[]): number;
export function minOf<T>(list: readonly T[], value?: (x: T) => number): number {
  let m = Infinity;
  for (const x of list) {
    const v = value ? value(x) : (x as unknown as number);
    if (v < m || Number.isNaN(v)) m = v;
  }
  return m;
}
