/** Shared helpers of the report tests: XML well-formedness, real-capture analysis, a test detector. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { D3Node } from 'd3-node';
import { analyze } from '../../src/analyze/analyze.js';
import type { AnalysisResult } from '../../src/analyze/result.js';
import type { Detector } from '../../src/detect/detector.js';
import { DETECTORS } from '../../src/detect/registry.js';
import { CAPTURES, REPO } from '../helpers/paths.js';

export const ARTIFACTS = join(REPO, 'test-artifacts');

/** Parses SVG text with jsdom's XML parser. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseSvg(text: string): any {
  const w = new D3Node().window;
  return new w.DOMParser().parseFromString(text, 'image/svg+xml');
}

/** Elements and attributes that could run code, found in a parsed document. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function activeContent(doc: any): string[] {
  const bad: string[] = [];
  for (const el of Array.from(doc.getElementsByTagName('*')) as any[]) {
    if (/^(script|img|iframe|foreignobject|object|embed|a|use|image)$/i.test(el.localName)) bad.push(`<${el.localName}>`);
    for (const a of Array.from(el.attributes) as any[]) {
      if (/^on/i.test(a.name) || /^(href|xlink:href|src)$/i.test(a.name)) bad.push(`${el.localName}@${a.name}`);
    }
  }
  return bad;
}

/** Parses `text` as XML (jsdom's parser); returns the error text or '' when well-formed. */
export function xmlError(text: string): string {
  const w = new D3Node().window;
  const doc = new w.DOMParser().parseFromString(text, 'image/svg+xml');
  const err = doc.getElementsByTagName('parsererror');
  if (err.length) return String(err[0].textContent || 'parse error');
  if (doc.documentElement.localName !== 'svg') return `root is <${doc.documentElement.localName}>`;
  return '';
}

export function capturePath(name: string): string {
  return join(CAPTURES, `${name}.pcap`);
}

export function haveCapture(name: string): boolean {
  return existsSync(capturePath(name));
}

/**
 * Flags every connection that carried HTTP requests, quoting them in the summary and
 * evidence: puts a capture's raw request lines into every part of the report (for
 * the escaping tests on a capture without failures).
 */
export function flagEveryRequest(): Detector {
  return {
    kinds: ['reset-before-response'],
    onFlowEnd(flow, ctx) {
      const reqs = flow.events.filter((e) => e.type === 'request');
      if (!reqs.length) return;
      ctx.report({
        kind: 'reset-before-response',
        severity: 'warning',
        summary: `test finding: ${reqs.map((e) => `${e.http?.method} ${e.http?.path} (Host: ${e.http?.host ?? '-'})`).join(' | ')}`,
        flow: { client: flow.client, server: flow.server, id: flow.id },
        time: reqs[0]!.time,
        params: { paths: reqs.map((e) => e.http?.path ?? '') },
        evidence: reqs.map((e) => ({ packet: e.packet, time: e.time, note: `request ${e.http?.method} ${e.http?.path}` })),
        symptoms: reqs.map((e) => String(e.http?.path)),
        advice: `test advice quoting ${reqs[0]!.http?.path}`,
        flows: [flow.id],
      });
    },
  };
}

export async function analyzeCapture(name: string, extra: Detector[] = []): Promise<AnalysisResult> {
  const detectors = [...DETECTORS, ...extra.map((d) => () => d)];
  return analyze([{ path: capturePath(name) }], { detectors });
}
