/**
 * Epoch seconds → ISO 8601, or null when the value is outside what a Date can hold.
 * A corrupt or hand-made capture can carry any 64-bit timestamp (pcapng's is 64-bit, with
 * a resolution of its own), and `Date#toISOString` throws RangeError on those.
 */
export function epochIso(t: number): string | null {
  const d = new Date(t * 1000);
  return Number.isFinite(d.getTime()) ? d.toISOString() : null;
}
