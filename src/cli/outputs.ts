/** Report files requested next to the main output (--html, --svg). */
import { dirname, resolve } from 'node:path';
import type { AnalysisResult } from '../analyze/result.js';
import { fileOutputProblem, folderOutputProblem, makeFolders, writeFailure } from '../util/output-paths.js';

export interface OutputRequest {
  html?: string;
  svg?: string;
}

/** Why a requested report cannot be written (checked before analyzing), or undefined. */
export function outputProblem(req: OutputRequest): string | undefined {
  return (req.html ? fileOutputProblem('--html', req.html) : undefined) ?? (req.svg ? folderOutputProblem('--svg', req.svg) : undefined);
}

/** Writes the requested reports: the paths written, and the one line saying what failed, if anything did. */
export async function writeOutputs(r: AnalysisResult, req: OutputRequest): Promise<{ wrote: string[]; error?: string }> {
  const wrote: string[] = [];
  if (req.html) {
    try {
      const { writeHtmlReport } = await import('../report/html/write.js');
      await makeFolders(dirname(resolve(req.html)));
      await writeHtmlReport(r, req.html);
      wrote.push(req.html);
    } catch (e) {
      return { wrote, error: writeFailure('--html', req.html, e) };
    }
  }
  if (req.svg) {
    try {
      const { writeSvgDir } = await import('../report/svg/write.js');
      wrote.push(...(await writeSvgDir(r, req.svg)));
    } catch (e) {
      return { wrote, error: writeFailure('--svg', req.svg, e) };
    }
  }
  return { wrote };
}
