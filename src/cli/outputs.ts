/** Report files requested next to the main output (--html, --svg). */
import type { AnalysisResult } from '../analyze/result.js';

export interface OutputRequest {
  html?: string;
  svg?: string;
}

/** Writes the requested reports; returns the paths written. */
export async function writeOutputs(r: AnalysisResult, req: OutputRequest): Promise<string[]> {
  const wrote: string[] = [];
  if (req.html) {
    const { writeHtmlReport } = await import('../report/html/write.js');
    await writeHtmlReport(r, req.html);
    wrote.push(req.html);
  }
  if (req.svg) {
    const { writeSvgDir } = await import('../report/svg/write.js');
    wrote.push(...(await writeSvgDir(r, req.svg)));
  }
  return wrote;
}
