/** `--time-range START,END`: epoch seconds or ISO 8601 times; either side may be empty. */
export function parseTimeRange(s: string): { start?: number; end?: number } {
  const parts = s.split(',');
  if (parts.length !== 2) throw new Error(`expected START,END (got "${s}")`);
  const conv = (p: string): number | undefined => {
    const t = p.trim();
    if (t === '') return undefined;
    if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) throw new Error(`"${t}" is neither epoch seconds nor an ISO 8601 time`);
    return ms / 1000;
  };
  const start = conv(parts[0]!);
  const end = conv(parts[1]!);
  if (start !== undefined && end !== undefined && end <= start) throw new Error('END must be after START');
  return { start, end };
}
