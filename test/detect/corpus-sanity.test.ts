/**
 * Precision of the reset-cause detectors on the public corpus (../shared/corpus, real
 * captures from other projects), checked against tshark's oracle files:
 *  - no keep-alive race (idle-close-race) claimed on a connection that carried fewer than
 *    two requests;
 *  - every evidence packet number exists in the capture, and a per-connection finding's
 *    evidence lies inside that connection (oracle stream matched by endpoints + first frame);
 *  - an evidence note that cites a RST points at a frame tshark lists in `rst_frames`
 *    (of that connection, or of any stream for aggregate findings).
 * The last two hold for every detector, so they are checked for every finding.
 */
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.js';
import type { AnalysisResult, FlowSummary } from '../../src/analyze/result.js';
import type { Finding } from '../../src/detect/finding.js';
import { corpusFiles, endpoint, oracleFor, type Oracle, type OracleStream } from '../helpers/oracle.js';

interface Run { file: string; oracle: Oracle; result: AnalysisResult }

const runs: Run[] = [];

beforeAll(async () => {
  for (const path of corpusFiles()) {
    runs.push({ file: basename(path), oracle: oracleFor(path), result: await analyze([{ path }]) });
  }
}, 300_000);

const CITES_RST = /\bRST\b/;

function streamOf(oracle: Oracle, flow: FlowSummary | undefined): OracleStream | undefined {
  if (!flow) return undefined;
  return oracle.streams.find((s) => {
    const a = endpoint(s.ip_version, s.a.addr, s.a.port);
    const b = endpoint(s.ip_version, s.b.addr, s.b.port);
    const same = (a === flow.client && b === flow.server) || (a === flow.server && b === flow.client);
    return same && s.first_frame === flow.first_packet;
  });
}

/**
 * The oracle stream when it is the same connection as ours (same first and last frame, same
 * packet count). Where the connection layer splits a 4-tuple differently from tshark (fuzzed
 * captures: a segment with SYN among odd flags), test/conn/corpus-oracle.test.ts owns the
 * difference; here such a flow is checked like an aggregate (packets exist, RSTs are RSTs).
 */
function sameStream(oracle: Oracle, flow: FlowSummary | undefined): OracleStream | undefined {
  const s = streamOf(oracle, flow);
  return s && flow && s.last_frame === flow.last_packet && s.packets === flow.packets ? s : undefined;
}

function flowIds(f: Finding): number[] {
  const ids = new Set<number>(f.flows ?? []);
  if (f.flow.id !== undefined) ids.add(f.flow.id);
  return [...ids];
}

describe('reset-cause detectors on the public corpus', () => {
  it('has captures', () => expect(runs.length).toBeGreaterThan(50));

  it('claims no keep-alive race on a connection with fewer than two requests', () => {
    const bad: string[] = [];
    for (const r of runs) {
      const byId = new Map(r.result.flows.map((f) => [f.id, f]));
      for (const f of r.result.findings.filter((x) => x.kind === 'idle-close-race')) {
        for (const id of flowIds(f)) {
          const fl = byId.get(id);
          if (!fl || fl.requests < 2) bad.push(`${r.file}: flow ${id} (${fl?.requests ?? '?'} requests): ${f.summary}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('cites only packets that exist, inside the connection a finding is about', () => {
    const bad: string[] = [];
    for (const r of runs) {
      const total = r.result.captures.reduce((n, c) => n + c.packets, 0);
      const byId = new Map(r.result.flows.map((f) => [f.id, f]));
      for (const f of r.result.findings) {
        const st = !f.aggregate && f.flow.id !== undefined ? sameStream(r.oracle, byId.get(f.flow.id)) : undefined;
        for (const e of f.evidence) {
          if (!Number.isInteger(e.packet) || e.packet < 1 || e.packet > total || e.packet > r.oracle.packets) {
            bad.push(`${r.file}: ${f.kind} cites packet ${e.packet} of ${total}`);
          } else if (st && (e.packet < st.first_frame || e.packet > st.last_frame)) {
            bad.push(`${r.file}: ${f.kind} flow ${f.flow.id} cites packet ${e.packet} outside stream ${st.stream} (${st.first_frame}-${st.last_frame}): ${e.note}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('points every evidence note that cites a RST at a RST frame tshark sees', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const r of runs) {
      const byId = new Map(r.result.flows.map((f) => [f.id, f]));
      const allRst = new Set(r.oracle.streams.flatMap((s) => s.rst_frames));
      for (const f of r.result.findings) {
        const st = !f.aggregate && f.flow.id !== undefined ? sameStream(r.oracle, byId.get(f.flow.id)) : undefined;
        for (const e of f.evidence) {
          if (!CITES_RST.test(e.note)) continue;
          checked++;
          const ok = st ? st.rst_frames.includes(e.packet) : allRst.has(e.packet);
          if (!ok) bad.push(`${r.file}: ${f.kind} packet ${e.packet} "${e.note}" is not a RST frame${st ? ` of stream ${st.stream}` : ''}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(0);
  });

  it('matches every per-connection reset-cause finding to a tshark stream', () => {
    const kinds = new Set(['idle-close-race', 'data-after-close', 'abortive-idle-close', 'request-timeout-abort',
      'reset-before-response', 'truncated-response', 'protocol-mismatch']);
    const bad: string[] = [];
    for (const r of runs) {
      const byId = new Map(r.result.flows.map((f) => [f.id, f]));
      for (const f of r.result.findings) {
        if (!kinds.has(f.kind) || f.aggregate || f.flow.id === undefined) continue;
        if (!streamOf(r.oracle, byId.get(f.flow.id))) bad.push(`${r.file}: ${f.kind} flow ${f.flow.id} has no tshark stream`);
      }
    }
    expect(bad).toEqual([]);
  });
});
