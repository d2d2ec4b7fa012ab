/**
 * Edge cases of the reset-cause detectors on hand-built connections (flow-builder.ts):
 * race timing against the capture-point RTT, what is NOT a keep-alive race, the inference
 * of configured values (lower edge of the cluster), the knowledge table, and the verdict.
 */
import { describe, expect, it } from 'vitest';
import { judgeCrossing } from '../../src/detect/common/timing.js';
import { clusterValues, inferSetting, snapDown } from '../../src/detect/common/cluster.js';
import { closeStory } from '../../src/detect/common/close.js';
import { createIdleCloseRace } from '../../src/detect/idle-close-race.js';
import { createDataAfterClose } from '../../src/detect/data-after-close.js';
import { createAbortiveIdleClose } from '../../src/detect/abortive-idle-close.js';
import { createRequestTimeoutAbort } from '../../src/detect/request-timeout-abort.js';
import { createRequestCapClose } from '../../src/detect/request-cap-close.js';
import { createResetBeforeResponse } from '../../src/detect/reset-before-response.js';
import { guessSoftware } from '../../src/knowledge/guess.js';
import { pickVerdict } from '../../src/analyze/verdict.js';
import type { Detector } from '../../src/detect/detector.js';
import type { Flow } from '../../src/conn/flow.js';
import type { Finding } from '../../src/detect/finding.js';
import { collect, keepAlive, makeFlow, T0 } from './flow-builder.js';

function run(detectors: Detector[], flows: Flow[]): Finding[] {
  const { ctx, findings } = collect();
  for (const f of flows) for (const d of detectors) d.onFlowEnd?.(f, ctx);
  for (const d of detectors) d.finish?.(ctx);
  return findings;
}

describe('crossing judgement (capture-point timing)', () => {
  const flow = makeFlow({ rs: 0.05, rc: 0.0001, events: [] });
  it('a request seen 30 ms before the server FIN, 50 ms RTT to the server: crossed', () => {
    expect(judgeCrossing(flow, 0, T0 + 1.0, T0 + 1.03).kind).toBe('crossed');
  });
  it('a request seen 80 ms before the FIN reached the server before it closed', () => {
    expect(judgeCrossing(flow, 0, T0 + 1.0, T0 + 1.08).kind).toBe('before-close');
  });
  it('a request 300 ms after the FIN, capture point at the client: the client had the FIN', () => {
    expect(judgeCrossing(flow, 0, T0 + 1.3, T0 + 1.0).kind).toBe('after-close');
  });
  it('a request 5 ms after the FIN is still a crossing (scheduling slack)', () => {
    expect(judgeCrossing(flow, 0, T0 + 1.005, T0 + 1.0).kind).toBe('crossed');
  });
  it('without a handshake the judgement is less confident', () => {
    const noHs = makeFlow({ rs: -1, events: [] });
    const c = judgeCrossing(noHs, 0, T0 + 1.0, T0 + 1.03);
    expect(c.kind).toBe('crossed');
    expect(c.confidence).toBeLessThan(0.7);
  });
});

describe('inferring a configured value', () => {
  it('snaps a tight cluster to the round value just below (or a hair above)', () => {
    expect(snapDown(2.002)).toBe(2);
    expect(snapDown(1.999)).toBe(2);
    expect(snapDown(6.003)).toBe(6);
    expect(snapDown(75.02)).toBe(75);
    expect(snapDown(0.301)).toBe(0.3);
    expect(snapDown(3.004)).toBe(3);
  });
  it('takes the round value in [max − 1 s, min] for a once-a-second checker', () => {
    expect(inferSetting(2.002, 2.9)).toBe(2);
    expect(inferSetting(2.453, 3.002)).toBe(2);
    expect(inferSetting(60.0, 60.3)).toBe(60);
    // server-clock estimate a hair below the setting (capture-point wait minus RTT)
    expect(inferSetting(1.997, 2.514)).toBe(2);
  });
  it('picks the largest cluster and reports its lower edge', () => {
    const c = clusterValues([2.003, 2.002, 2.6, 2.004, 9.5])!;
    expect(c.count).toBe(4);
    expect(c.min).toBe(2.002);
    expect(c.value).toBe(2);
  });
});

describe('what is and is not a keep-alive race', () => {
  it('a reused connection whose request crosses an idle FIN is a race', () => {
    const f = keepAlive({ reqs: [0, 0.3], closeAt: 2.37, rstAt: 2.4, extra: [{ type: 'request', dir: 0, t: 2.34 }] });
    expect(closeStory(f).class).toBe('idle-close-race');
  });
  it('the first request on a connection is never a keep-alive race', () => {
    const f = keepAlive({ reqs: [2.0], unanswered: [2.0], closeAt: 2.03, rstAt: 2.06 });
    expect(closeStory(f).class).not.toBe('idle-close-race');
    expect(run([createIdleCloseRace()], [f]).filter((x) => x.kind === 'idle-close-race')).toEqual([]);
  });
  it('a request written well after the FIN arrived is data-after-close', () => {
    const f = keepAlive({ reqs: [0, 0.3], closeAt: 2.35, rstAt: 2.9, extra: [{ type: 'request', dir: 0, t: 2.85 }] });
    const st = closeStory(f);
    expect(st.class).toBe('data-after-close');
    const found = run([createIdleCloseRace(), createDataAfterClose()], [f]);
    expect(found.map((x) => x.kind)).toEqual(['data-after-close']);
    expect(found[0]!.evidence.find((e) => /RST/.test(e.note))!.packet).toBe(st.rstAfter!.packet);
  });
  it('a RST whose TTL does not match the server is not the server closing (middlebox)', () => {
    const f = keepAlive({ reqs: [0, 0.35], unanswered: [0.35], closeAt: 0.3501, close: 'rst', closeTtl: 63 });
    const st = closeStory(f);
    expect(st.injected).toBe(true);
    expect(st.class).toBe('');
  });
  it('a server RST after retransmissions is not an idle close', () => {
    const f = makeFlow({ events: [
      { type: 'request', dir: 0, t: 0 }, { type: 'response', dir: 1, t: 0.05 },
      { type: 'retransmission', dir: 1, t: 1.0 }, { type: 'retransmission', dir: 1, t: 3.0 },
      { type: 'rst', dir: 1, t: 20 },
    ] });
    expect(closeStory(f).class).toBe('');
    expect(run([createAbortiveIdleClose()], [f])).toEqual([]);
  });
});

describe('aggregates across connections', () => {
  it('infers the server idle timeout from every idle close and counts the failures', () => {
    const flows = [
      keepAlive({ id: 0, reqs: [0], closeAt: 2.053 }),
      keepAlive({ id: 1, reqs: [10], closeAt: 12.052 }),
      keepAlive({ id: 2, reqs: [20, 20.3], closeAt: 22.354, rstAt: 22.36, extra: [{ type: 'request', dir: 0, t: 22.33 }] }),
    ];
    const found = run([createIdleCloseRace()], flows);
    const agg = found.find((f) => f.aggregate)!;
    expect(agg.params['server_idle_timeout_s']).toBe(2);
    expect(agg.params['failures']).toBe(1);
    expect(agg.params['closer']).toBe('server');
    expect(agg.summary).toMatch(/gunicorn/);
    const per = found.find((f) => !f.aggregate)!;
    expect(per.flow.id).toBe(2);
    expect(per.params['server_idle_timeout_s']).toBe(2);
    expect(per.severity).toBe('error');
  });
  it('infers a request cap from connections that end after the same number of requests', () => {
    const cap = (id: number, base: number, raced: boolean) => keepAlive({
      id, reqs: [base, base + 0.2, base + 0.4], closeAt: base + 0.46, rstAt: raced ? base + 0.52 : undefined,
      extra: raced ? [{ type: 'request', dir: 0, t: base + 0.4605 }] : [],
    });
    const flows = [cap(0, 0, true), cap(1, 10, false), cap(2, 20, true)];
    const found = run([createRequestCapClose(), createResetBeforeResponse()], flows);
    const agg = found.find((f) => f.kind === 'request-cap-close')!;
    expect(agg.params['max_requests_per_connection']).toBe(3);
    expect(agg.params['raced']).toBe(2);
    expect(agg.severity).toBe('error');
    // the raced requests are explained by the cap, not reported again
    expect(found.filter((f) => f.kind === 'reset-before-response')).toEqual([]);
  });
  it('infers a client request timeout', () => {
    const flows = [0, 10, 20].map((b, i) => makeFlow({ id: i, events: [
      { type: 'request', dir: 0, t: b }, { type: 'fin', dir: 0, t: b + 30.002 },
    ] }));
    const found = run([createRequestTimeoutAbort()], flows);
    const agg = found.find((f) => f.aggregate)!;
    expect(agg.params['timeout_s']).toBe(30);
    expect(agg.params['closer']).toBe('client');
    expect(found.filter((f) => !f.aggregate).every((f) => f.params['timeout_s'] === 30)).toBe(true);
  });
});

describe('knowledge table', () => {
  it('matches defaults and says so', () => {
    expect(guessSoftware('idleTimeout', 2, '2.0 s').map((g) => g.software.id)).toContain('gunicorn');
    expect(guessSoftware('idleTimeout', 6, '6.0 s').map((g) => g.software.id)).toContain('node');
    expect(guessSoftware('idleTimeout', 75, '75 s').map((g) => g.software.id)).toContain('nginx');
    expect(guessSoftware('requestCap', 100, '100 requests').map((g) => g.software.id)).toContain('tomcat');
  });
  it('prefers the Server header', () => {
    const g = guessSoftware('idleTimeout', 2, '2.0 s', 'gunicorn/20.1.0');
    expect(g).toHaveLength(1);
    expect(g[0]!.by).toBe('header');
    expect(g[0]!.text).toMatch(/--keep-alive/);
  });
});

describe('verdict', () => {
  const base = (over: Partial<Finding>): Finding => ({
    kind: 'idle-close-race', severity: 'error', summary: 's', flow: { client: 'c', server: 'srv:1' }, time: 1,
    params: {}, evidence: [], symptoms: [], advice: 'a', ...over,
  });
  it('names the aggregate of the cause that explains most failures', () => {
    const v = pickVerdict([
      base({ summary: 'race 1', flow: { client: 'c', server: 'srv:1', id: 1 }, params: { failures: 1 } }),
      base({ summary: 'race 2', flow: { client: 'c', server: 'srv:1', id: 2 }, params: { failures: 1 } }),
      base({ summary: 'closes idle after 2.0 s', aggregate: true, params: { failures: 2 }, advice: 'lower keepalive_timeout', confidence: 0.95 }),
      base({ kind: 'reset-before-response', summary: 'other', flow: { client: 'c', server: 'srv:2', id: 3 }, params: { failures: 1 } }),
      base({ kind: 'abortive-idle-close', severity: 'warning', summary: 'w', params: { failures: 0 } }),
    ]);
    expect(v.cause).toBe('closes idle after 2.0 s');
    expect(v.explains).toBe(2);
    expect(v.fix).toBe('lower keepalive_timeout');
    expect(v.confidence).toBe(0.95);
  });
});
