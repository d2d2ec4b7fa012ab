/**
 * `--svg DIR`: overview.svg plus one timeline per flagged connection
 * (conn-<id>-<kind>.svg), each a standalone, well-formed SVG file.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisResult } from '../../analyze/result.js';
import { renderLadder } from './ladder.js';
import { renderOverview } from './overview.js';
import { packetNumbersOf } from '../names.js';
import { planDrawings, DEFAULT_MAX_TIMELINES } from './select.js';
import { makeFolders } from '../../util/output-paths.js';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

export interface SvgDirOptions {
  maxTimelines?: number;
}

/** Writes the SVG files into `dir` (created if needed); returns the paths written. */
export async function writeSvgDir(result: AnalysisResult, dir: string, opts: SvgDirOptions = {}): Promise<string[]> {
  await makeFolders(dir);
  const written: string[] = [];
  const overview = join(dir, 'overview.svg');
  await writeFile(overview, XML_DECL + renderOverview(result, { standalone: true }) + '\n');
  written.push(overview);
  const plan = planDrawings(result, opts.maxTimelines ?? DEFAULT_MAX_TIMELINES);
  for (const d of plan.drawings) {
    const path = join(dir, `conn-${d.flow.id}-${String(d.finding.kind).replace(/[^a-z0-9-]/gi, "_")}.svg`);
    await writeFile(path, XML_DECL + renderLadder(d.flow, { finding: d.finding, standalone: true, numbers: packetNumbersOf(result) }).svg + '\n');
    written.push(path);
  }
  return written;
}
