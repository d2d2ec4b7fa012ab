/**
 * pcapng timestamp arithmetic: a 64-bit count of `if_tsresol` units (split in
 * two 32-bit halves, as stored in EPB/PB) to exact integer seconds and
 * nanoseconds. See draft-ietf-opsawg-pcapng, section 4.2 (if_tsresol,
 * if_tsoffset) and 4.3 (Enhanced Packet Block timestamp).
 *
 * Units 10^-n with n <= 9 (the common 10^-6 and 10^-9 included) use double
 * arithmetic only: a long division by 10^n in 16-bit limbs, every intermediate
 * below 2^53, so the results are exact and nothing is allocated. Other units
 * (2^-n, or 10^-n with n > 9) are rare and use BigInt.
 */
import type { Frame } from './frame.js';

export interface TsUnit {
  /** if_tsresol bit 7: the unit is 2^-exp seconds instead of 10^-exp. */
  readonly pow2: boolean;
  readonly exp: number;
  /** 10^exp when the double path applies (power of ten, exp <= 9), else 0. */
  readonly div: number;
  /** 10^(9 - exp): nanoseconds per unit on the double path. */
  readonly nsMul: number;
}

export function tsUnit(tsresol: number): TsUnit {
  const pow2 = (tsresol & 0x80) !== 0;
  const exp = tsresol & 0x7f;
  if (!pow2 && exp <= 9) return { pow2, exp, div: 10 ** exp, nsMul: 10 ** (9 - exp) };
  return { pow2, exp, div: 0, nsMul: 0 };
}

/** The pcapng default: microseconds. */
export const MICROSECONDS: TsUnit = tsUnit(6);

let quot = 0;
let rem = 0;

/** (hi * 2^32 + lo) divided by d (an integer <= 1e9): sets quot and rem exactly (quot exact below 2^53). */
function divmod(hi: number, lo: number, d: number): void {
  let x = hi >>> 16;
  const q3 = Math.floor(x / d);
  x = (x - q3 * d) * 65536 + (hi & 0xffff);
  const q2 = Math.floor(x / d);
  x = (x - q2 * d) * 65536 + (lo >>> 16);
  const q1 = Math.floor(x / d);
  x = (x - q1 * d) * 65536 + (lo & 0xffff);
  const q0 = Math.floor(x / d);
  rem = x - q0 * d;
  quot = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0;
}

const NS = 1_000_000_000n;

/**
 * Set `f.tsSec`, `f.tsNsec` and `f.time` from a 64-bit timestamp in units `u`,
 * plus `offsetSec` (if_tsoffset). Nanoseconds are truncated, as Wireshark does.
 */
export function setFrameTime(f: Frame, hi: number, lo: number, u: TsUnit, offsetSec: number): void {
  let sec: number;
  let ns: number;
  const d = u.div;
  if (d === 1_000_000 && hi < 0x200000) {
    // Microseconds below 2^53 (until the year 2255): one exact double.
    const t = hi * 4294967296 + lo;
    sec = Math.floor(t / 1_000_000);
    let us = t - sec * 1_000_000;
    if (us < 0) {
      sec--;
      us += 1_000_000;
    } else if (us >= 1_000_000) {
      sec++;
      us -= 1_000_000;
    }
    ns = us * 1000;
  } else if (d !== 0) {
    divmod(hi, lo, d);
    sec = quot;
    ns = rem * u.nsMul;
  } else {
    const t = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    if (u.pow2) {
      const n = BigInt(u.exp);
      sec = Number(t >> n);
      ns = Number(((t & ((1n << n) - 1n)) * NS) >> n);
    } else {
      const dd = 10n ** BigInt(u.exp);
      sec = Number(t / dd);
      ns = Number(((t % dd) * NS) / dd);
    }
  }
  sec += offsetSec;
  f.tsSec = sec;
  f.tsNsec = ns;
  f.time = sec + ns / 1e9;
}
