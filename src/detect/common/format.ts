/**
 * Number formatting for finding summaries and evidence notes: durations in seconds
 * or milliseconds with the precision the capture supports, exact timestamps.
 */

/** "2.002 s", "75 s", "0.35 s": three decimals below 10 s, one below 100 s, none above. */
export function fmtS(s: number): string {
  const a = Math.abs(s);
  if (a >= 100) return `${Math.round(s)} s`;
  if (a >= 10) return `${trim(s.toFixed(1))} s`;
  return `${trim(s.toFixed(3))} s`;
}

/** A configured value: "2.0 s", "5 s", "0.5 s", "30 s". */
export function fmtConfigS(s: number): string {
  if (Number.isInteger(s)) return s >= 10 ? `${s} s` : `${s.toFixed(1)} s`;
  return `${trim(s.toFixed(s < 10 ? 3 : 1))} s`;
}

/** "13 ms", "1.4 ms", "297 ms". */
export function fmtMs(s: number): string {
  const ms = s * 1000;
  const a = Math.abs(ms);
  if (a >= 10) return `${Math.round(ms)} ms`;
  return `${trim(ms.toFixed(1))} ms`;
}

/** "3 requests", "1 request". */
export function plural(n: number, word: string, pluralWord = word + 's'): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** Round for params (JSON): milliseconds precision. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Exact "sec.nnnnnnnnn" from a float time and its integer nanoseconds. */
export function tsString(time: number, tsNsec: number): string {
  let sec = Math.floor(time);
  const fracNs = Math.round((time - sec) * 1e9);
  // tsNsec is authoritative; the float's second may be off by one around a boundary.
  if (fracNs > 900_000_000 && tsNsec < 100_000_000) sec += 1;
  else if (fracNs < 100_000_000 && tsNsec > 900_000_000) sec -= 1;
  return `${sec}.${String(tsNsec).padStart(9, '0')}`;
}

export function capitalize(x: string): string {
  return x.charAt(0).toUpperCase() + x.slice(1);
}

function trim(x: string): string {
  return x.includes('.') ? x.replace(/0+$/, '').replace(/\.$/, '.0') : x;
}
