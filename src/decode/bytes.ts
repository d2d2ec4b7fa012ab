/**
 * Unchecked big/little-endian readers over a Buffer. Callers bounds-check first
 * (every decoder compares offsets against the captured end before reading);
 * these never throw, an out-of-range index just reads as 0.
 */
export function u16(b: Buffer, o: number): number {
  return ((b[o]! << 8) | b[o + 1]!) & 0xffff;
}

export function u32(b: Buffer, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function u16le(b: Buffer, o: number): number {
  return (b[o]! | (b[o + 1]! << 8)) & 0xffff;
}

export function u32le(b: Buffer, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
