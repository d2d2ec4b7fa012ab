/**
 * Every capture of the lab (captures/<name>.json labels) analyzed and checked
 * against its label: the expected finding kinds on the right server, the inferred
 * values within 10 % or 50 ms of the configured ones, the absent kinds absent.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.js';
import type { Finding } from '../../src/detect/finding.js';
import { CAPTURES } from '../helpers/paths.js';

interface Label {
  capture: string;
  story: string[];
  expect: Array<{ kind: string; server?: string; min_count?: number; params?: Record<string, number | string> }>;
  expect_absent: string[];
}

const labels = readdirSync(CAPTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, label: JSON.parse(readFileSync(join(CAPTURES, f), 'utf8')) as Label }))
  .filter((x) => typeof x.label.capture === 'string');

export function paramMatches(actual: unknown, want: number | string): boolean {
  if (typeof want === 'number') {
    if (typeof actual !== 'number') return false;
    return Math.abs(actual - want) <= Math.max(0.1 * Math.abs(want), 0.05);
  }
  return actual === want;
}

describe('capture lab labels', () => {
  it('has labelled captures', () => {
    expect(labels.length).toBeGreaterThan(0);
  });
  for (const { file, label } of labels) {
    describe(label.capture, () => {
      const path = join(CAPTURES, label.capture);
      let findingsP: Promise<Finding[]> | null = null;
      const findings = () => (findingsP ??= analyze([{ path }]).then((r) => {
        for (const c of r.captures) expect(c.error, `${label.capture} must read without error`).toBeUndefined();
        return r.findings;
      }));
      it('exists', () => expect(existsSync(path), `${file} names ${label.capture}`).toBe(true));
      for (const e of label.expect) {
        it(`finds ${e.kind}${e.server ? ' toward ' + e.server : ''}`, async () => {
          const all = await findings();
          const hits = all.filter((f) => f.kind === e.kind && (!e.server || f.flow.server === e.server));
          const seen = all.map((f) => `${f.kind} ${f.flow.server}`).join('; ');
          expect(hits.length, `${e.kind} on ${e.server}; seen: ${seen}`).toBeGreaterThanOrEqual(e.min_count ?? 1);
          for (const [name, want] of Object.entries(e.params ?? {})) {
            const values = hits.map((f) => f.params[name]);
            expect(values.some((v) => paramMatches(v, want)), `${e.kind}.params.${name}: want ${want}, got ${JSON.stringify(values)}`).toBe(true);
          }
        });
      }
      it('produces none of the kinds it must not', async () => {
        const all = await findings();
        const bad = all.filter((f) => label.expect_absent.includes(f.kind));
        expect(bad.map((f) => `${f.kind}: ${f.summary}`)).toEqual([]);
      });
    });
  }
});
