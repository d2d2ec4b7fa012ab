/** The typed-array kinds the column stores (connection logs, flow lists) are made of. */
export type NumberColumn = Float64Array | Int32Array | Uint16Array | Uint8Array;

/**
 * A new array of the same kind as `a`, `length` long, starting with a copy of `a` (the rest
 * zero): for columns that grow by doubling, where a plain array of numbers would box them.
 */
export function grown<T extends NumberColumn>(a: T, length: number): T {
  const b = new (a.constructor as new (length: number) => T)(length);
  b.set(a);
  return b;
}
