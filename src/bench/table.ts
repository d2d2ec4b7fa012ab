/** The bench's result table and its targets (issue 8), as markdown. */

export interface ToolStat {
  tool: string;
  bestMs: number;
  medianMs: number;
  mbPerS: number;
  packetsPerS: number;
  peakRssMiB: number;
}

export interface CaptureResult {
  file: string;
  name: string;
  bytes: number;
  packets: number;
  stats: ToolStat[];
}

export interface Check {
  what: string;
  value: string;
  ok: boolean;
}

interface Targets { walkerMax: number; tsharkMin: number; tcptraceMin: number }

/** Targets by capture kind (from its file name); none for other captures. */
function targetsFor(name: string): Targets | undefined {
  if (/keepalive/.test(name)) return { walkerMax: 2, tsharkMin: 20, tcptraceMin: 1 };
  if (/tiny/.test(name)) return { walkerMax: 3, tsharkMin: 7, tcptraceMin: 1.5 };
  return undefined;
}

/** pcap-reset's time relative to each other tool (best of the run), checked against the targets. */
export function evaluate(r: CaptureResult): Check[] {
  const by = new Map(r.stats.map((s) => [s.tool, s]));
  const pr = by.get('pcap-reset');
  if (!pr) return [];
  const t = targetsFor(r.name);
  const out: Check[] = [];
  const walker = by.get('walker');
  if (walker) {
    const x = pr.bestMs / walker.bestMs;
    out.push({ what: `pcap-reset / walker time${t ? ` <= ${t.walkerMax}` : ''}`, value: x.toFixed(2), ok: !t || x <= t.walkerMax });
  }
  const tshark = by.get('tshark');
  if (tshark) {
    const x = tshark.bestMs / pr.bestMs;
    out.push({ what: `tshark / pcap-reset time${t ? ` >= ${t.tsharkMin}` : ''}`, value: x.toFixed(1), ok: !t || x >= t.tsharkMin });
  }
  const tcptrace = by.get('tcptrace');
  if (tcptrace) {
    const x = tcptrace.bestMs / pr.bestMs;
    const ok = !t || (t.tcptraceMin === 1 ? x > 1 : x >= t.tcptraceMin);
    out.push({ what: `tcptrace / pcap-reset time${t ? (t.tcptraceMin === 1 ? ' > 1' : ` >= ${t.tcptraceMin}`) : ''}`, value: x.toFixed(2), ok });
  }
  out.push({ what: 'pcap-reset peak RSS <= 200 MiB', value: `${pr.peakRssMiB.toFixed(0)} MiB`, ok: pr.peakRssMiB <= 200 });
  return out;
}

/** One speed target as wall time, against pcap-reset's own reading and decoding alone. */
export interface Budget {
  target: string;
  /** The most pcap-reset may take in this run for the target to be met. */
  budgetMs: number;
  /** The reader and decoder alone, start-up included (the `decode` tool: no connection tracked). */
  decodeMs: number;
  /** What pcap-reset takes now beyond that: connections, HTTP, detectors, output, its other modules. */
  restMs: number;
}

/**
 * Each speed target of this capture as a time budget (from the other tools' best times), beside
 * what any analysis spends before tracking a connection: how much of the budget is left for the
 * rest, against what the rest takes now. Empty without the `decode` tool or targets.
 */
export function budgets(r: CaptureResult): Budget[] {
  const by = new Map(r.stats.map((s) => [s.tool, s]));
  const pr = by.get('pcap-reset');
  const dec = by.get('decode');
  const t = targetsFor(r.name);
  if (!pr || !dec || !t) return [];
  const out: Budget[] = [];
  const add = (target: string, budgetMs: number) =>
    out.push({ target, budgetMs, decodeMs: dec.bestMs, restMs: pr.bestMs - dec.bestMs });
  const walker = by.get('walker');
  if (walker) add(`at most ${t.walkerMax}× the walker`, walker.bestMs * t.walkerMax);
  const tshark = by.get('tshark');
  if (tshark) add(`${t.tsharkMin}× faster than tshark`, tshark.bestMs / t.tsharkMin);
  const tcptrace = by.get('tcptrace');
  if (tcptrace) add(t.tcptraceMin === 1 ? 'faster than tcptrace' : `${t.tcptraceMin}× faster than tcptrace`, tcptrace.bestMs / t.tcptraceMin);
  return out;
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');

export interface Report {
  started: string;
  loadBefore: number[];
  loadAfter: number[];
  node: string;
  repeat: number;
  captures: Array<CaptureResult & { checks: Check[]; budgets: Budget[] }>;
  flat?: { prefixBytes: number; prefixRssMiB: number; wholeRssMiB: number };
  render?: unknown;
  jobs?: { ratio: number; output: string };
}

export function renderMarkdown(rep: Report): string {
  const L: string[] = [];
  L.push(`Run ${rep.started}, node ${rep.node}, best of ${rep.repeat} alternating rounds; load average before ${rep.loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${rep.loadAfter.map((x) => x.toFixed(2)).join(' ')}.`, '');
  for (const c of rep.captures) {
    L.push(`### ${c.name}: ${fmt(c.bytes / 1e6)} MB, ${fmt(c.packets)} packets`, '');
    L.push('| tool | wall (best) | wall (median) | MB/s | packets/s | peak RSS | tool time / pcap-reset time |');
    L.push('|---|---:|---:|---:|---:|---:|---:|');
    const pr = c.stats.find((s) => s.tool === 'pcap-reset');
    for (const s of c.stats) {
      const rel = pr && s !== pr ? fmt(s.bestMs / pr.bestMs, 2) : '';
      L.push(`| ${s.tool} | ${fmt(s.bestMs / 1000, 2)} s | ${fmt(s.medianMs / 1000, 2)} s | ${fmt(s.mbPerS)} | ${Number.isFinite(s.packetsPerS) ? `${fmt(s.packetsPerS / 1e6, 2)} M` : '-'} | ${fmt(s.peakRssMiB)} MiB | ${rel} |`);
    }
    L.push('');
    for (const k of c.checks) L.push(`- ${k.ok ? 'met' : '**missed**'}: ${k.what}: ${k.value}`);
    L.push('');
    if (c.budgets.length) {
      L.push('Time budgets: each target as the wall time it allows pcap-reset in this run, against its reader and',
        'decoder alone (`decode`: start-up, reading, link/IP/TCP decoding, no connection tracked). "Left" is what',
        'the target allows for the rest (connections, HTTP, detectors, the JSON, the CLI\'s other modules);',
        '"the rest now" is pcap-reset\'s time minus `decode`\'s.', '');
      L.push('| target | budget | read + decode alone | left for the rest | the rest now | the rest must become |');
      L.push('|---|---:|---:|---:|---:|---:|');
      for (const b of c.budgets) {
        const left = b.budgetMs - b.decodeMs;
        const need = left <= 0 ? 'impossible' : b.restMs <= left ? 'met' : `${fmt(b.restMs / left, 1)}× faster`;
        L.push(`| ${b.target} | ${fmt(b.budgetMs / 1000, 2)} s | ${fmt(b.decodeMs / 1000, 2)} s | ${fmt(left / 1000, 2)} s | ${fmt(b.restMs / 1000, 2)} s | ${need} |`);
      }
      L.push('');
    }
  }
  if (rep.flat) {
    const x = rep.flat.wholeRssMiB / rep.flat.prefixRssMiB;
    L.push(`Memory flat in file size: peak RSS ${fmt(rep.flat.prefixRssMiB)} MiB on a ${fmt(rep.flat.prefixBytes / 1e6)} MB prefix, ${fmt(rep.flat.wholeRssMiB)} MiB on the whole keep-alive capture: ${x.toFixed(2)}× (${x <= 1.3 ? 'met' : '**missed**'}: <= 1.3).`, '');
  }
  if (rep.render) {
    const r = rep.render as { timelines: number; renderMs: number; analyzeMs: number; htmlBytes: number; files: number; findings: number };
    const ok = r.timelines >= 200 && r.renderMs < 5000;
    L.push(`HTML report: ${r.timelines} timelines, ${r.findings} findings from ${r.files} lab captures: rendered in ${(r.renderMs / 1000).toFixed(2)} s (${(r.htmlBytes / 1e6).toFixed(1)} MB; analysis ${(r.analyzeMs / 1000).toFixed(2)} s apart) (${ok ? 'met' : '**missed**'}: 200 timelines under 5 s).`, '');
  }
  if (rep.jobs) {
    const ok = rep.jobs.ratio <= 0.65;
    L.push(`scan --jobs 2 / --jobs 1 wall time on 20 captures: ${fmt(rep.jobs.ratio, 3)} (${ok ? 'met' : '**missed**'}: <= 0.65).`, '');
    L.push('```', rep.jobs.output, '```', '');
  }
  return L.join('\n');
}
