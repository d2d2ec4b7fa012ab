/**
 * Report rendering benchmark: the HTML report of a capture with at least 200 drawn
 * timelines, timed apart from the analysis.
 *
 *   node dist/bench/render.js [--copies N]
 *
 * Input: every lab capture (captures/*.pcap) given N times (default 4) in one run, so
 * findings point at a few hundred connections. Prints one JSON line.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../analyze/analyze.js';
import { renderHtmlReport } from '../report/html/write.js';
import { planDrawings, DEFAULT_MAX_TIMELINES } from '../report/svg/select.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RenderResult {
  files: number;
  flows: number;
  findings: number;
  timelines: number;
  analyzeMs: number;
  renderMs: number;
  htmlBytes: number;
}

export async function benchRender(copies = 4): Promise<RenderResult> {
  const dir = join(REPO, 'captures');
  const labs = readdirSync(dir).filter((f) => f.endsWith('.pcap')).sort();
  const inputs = [];
  for (let c = 0; c < copies; c++) for (const f of labs) inputs.push({ path: join(dir, f) });
  const t0 = performance.now();
  const r = await analyze(inputs);
  const t1 = performance.now();
  const html = renderHtmlReport(r);
  const t2 = performance.now();
  return {
    files: inputs.length,
    flows: r.summary.flows,
    findings: r.findings.length,
    timelines: Math.min(planDrawings(r, DEFAULT_MAX_TIMELINES).drawings.length, DEFAULT_MAX_TIMELINES),
    analyzeMs: t1 - t0,
    renderMs: t2 - t1,
    htmlBytes: Buffer.byteLength(html),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--copies');
  const copies = i >= 0 ? Number(process.argv[i + 1]) : 4;
  process.stdout.write(JSON.stringify(await benchRender(copies)) + '\n');
}
