/**
 * Every corpus file, truncated and corrupt ones included, through the real CLI:
 * exit 0/1, or 2 with a one-line error naming the file and the offset; never a
 * stack trace; within 10 s each.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../helpers/oracle.js';
import { runCli, STACK } from '../helpers/cli.js';
import { analyze } from '../../src/analyze/analyze.js';
import { renderText } from '../../src/report/text.js';
import { renderHtmlReport } from '../../src/report/html/write.js';

describe('the CLI on every corpus file', () => {
  for (const path of corpusFiles()) {
    it(basename(path), () => {
      const r = runCli(['analyze', '--json', path], { timeoutMs: 10_000 });
      expect(r.error, 'finished within 10 s').toBeUndefined();
      expect([0, 1, 2]).toContain(r.status);
      expect(r.stderr).not.toMatch(STACK);
      const json = JSON.parse(r.stdout);
      expect(json.captures[0].path).toBe(path);
      if (r.status === 2) {
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(path);
        expect(lines[0]).toMatch(/offset \d+/);
      }
    }, 15_000);

    it(`${basename(path)}: text and HTML reports render`, async () => {
      // The human outputs format times and addresses of whatever the file holds (a pcapng
      // timestamp past the year 275760 once crashed the text report). In-process: fast.
      const r = await analyze([{ path }]);
      expect(renderText(r, { color: false })).toMatch(/Capture/);
      expect(renderHtmlReport(r)).toMatch(/^<!doctype html>/i);
    }, 20_000);
  }
});
