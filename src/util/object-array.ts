/**
 * An empty array that already holds objects as far as V8 is concerned (elements kind
 * PACKED_ELEMENTS). A plain `[]` starts as an array of small integers and changes its hidden
 * class at its first object push: optimized code compiled while such an array was still empty
 * then deoptimizes ("wrong map", "not a Smi") and is compiled again. For arrays hot code reads
 * before they hold anything (event lists, pools of spare objects).
 */
export function objectArray<T extends object>(): T[] {
  const a: Array<T | null> = [null];
  a.pop();
  return a as T[];
}
