/**
 * request-timeout-abort: a request stayed unanswered for T seconds, then the connection
 * was closed or reset by a timeout on either side: the client's (nginx proxy_read_timeout,
 * Envoy route timeout, Go Client.Timeout) or the server's (gunicorn --timeout kills the
 * worker, Node server.requestTimeout).
 *
 * Per connection: closeStory class 'request-timeout-abort' (the closer's peer had the
 * request: for a server close, the wait is measured on the server's clock, i.e. minus the
 * capture point ↔ server round trip). Across connections (finish): T inferred per server
 * and closer as the lower edge of the cluster of waits, written to every finding as
 * `timeout_s`, plus an aggregate finding when several agree.
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence, Finding } from './finding.js';
import { closeStory } from './common/close.js';
import { clusterValues } from './common/cluster.js';
import { evidenceOf, flowRef, requestName, tidyEvidence } from './common/evidence.js';
import { capitalize, fmtConfigS, fmtMs, fmtS, plural, round3 } from './common/format.js';
import { clientLabel, PerServer, serverHeaderOf } from './common/per-server.js';
import { CLOSED_BEFORE_RESPONSE, TIMEOUT } from './common/symptoms.js';
import { guessSoftware } from '../knowledge/guess.js';
import { requestTimeoutAdvice } from '../knowledge/advice.js';
import { minOf } from '../util/extremes.js';
import { Budget } from './common/budget.js';

interface State {
  findings: Finding[];
  clients: Set<string>;
  serverHeader?: string;
}

export function createRequestTimeoutAbort(): Detector {
  // Keyed by "server|closer": a client timeout and a server timeout are different settings.
  const groups = new PerServer<State>(() => ({ findings: [], clients: new Set() }));
  const budget = new Budget('request-timeout-abort');
  return {
    kinds: ['request-timeout-abort'],
    onFlowEnd(flow: Flow, ctx: DetectorContext) {
      const st = closeStory(flow);
      if (st.class !== 'request-timeout-abort' || !st.close || !st.unanswered || !budget.take()) return;
      const closer = st.closer as 'client' | 'server';
      const g = groups.get(`${flow.server}|${closer}`);
      g.serverHeader ??= serverHeaderOf(flow);
      g.clients.add(flow.clientAddr);
      const un = st.unanswered;
      const closeWord = st.how === 'rst' ? 'RST' : 'FIN';
      const ev: Evidence[] = [
        evidenceOf(flow, un.req, `request #${un.nth + 1} ${requestName(un.req)}: no response byte follows`),
        evidenceOf(flow, st.close, `${closer} ${closeWord} ${fmtS(st.waitS)} after the request${closer === 'server' ? ' arrived (server clock)' : ''}: ${closer === 'client' ? 'the client gave up' : 'the server aborted it'}`),
      ];
      const late = st.events.find((e) => e.type === 'response' && e.packet > st.close!.packet);
      if (late) ev.push(evidenceOf(flow, late, `the response arrives ${fmtS(late.time - st.close.time)} after the close, too late`));
      const rst = st.events.find((e) => e.type === 'rst' && e.packet > st.close!.packet && e !== st.close);
      if (rst && st.how === 'fin') ev.push(evidenceOf(flow, rst, `RST from ${rst.dir === 0 ? 'client' : 'server'} after the close`));
      const f: Finding = {
        kind: 'request-timeout-abort',
        severity: 'error',
        summary: `${requestName(un.req)} to ${flow.server} got no response for ${fmtS(st.waitS)}; then the ${closer} closed the connection (${closeWord})`,
        flow: flowRef(flow),
        flows: [flow.id],
        time: st.close.time,
        params: { timeout_s: round3(st.waitS), wait_s: round3(st.waitS), closer, close: st.how, failures: 1 },
        evidence: tidyEvidence(ev),
        symptoms: closer === 'client' ? TIMEOUT : CLOSED_BEFORE_RESPONSE,
        advice: '',
        confidence: 0.8,
      };
      g.findings.push(f);
      ctx.report(f);
    },
    finish(ctx: DetectorContext) {
      budget.finish(ctx);
      for (const [key, g] of groups.entries()) {
        const [server, closer] = key.split('|') as [string, 'client' | 'server'];
        const waits = g.findings.map((f) => f.params['wait_s'] as number);
        const cl = clusterValues(waits);
        const agreed = cl && cl.count >= 2 ? cl : null;
        const timeout = agreed ? agreed.value : minOf(waits);
        const valueText = fmtConfigS(timeout);
        const guesses = closer === 'server' ? guessSoftware('requestTimeout', timeout, valueText, g.serverHeader) : [];
        let advice = requestTimeoutAdvice(timeout, closer, guesses.map((x) => x.software));
        if (guesses.length) advice += ` ${capitalize(guesses.map((x) => x.text).join('; '))}.`;
        for (const f of g.findings) {
          if (agreed && agreed.members.includes(g.findings.indexOf(f))) {
            f.params['timeout_s'] = timeout;
            f.confidence = agreed.count >= 3 ? 0.92 : 0.88;
          }
          f.advice = advice;
        }
        if (!agreed) continue;
        const members = agreed.members.map((i) => g.findings[i]!);
        ctx.report({
          kind: 'request-timeout-abort',
          severity: 'error',
          summary: `Requests to ${server} are aborted by the ${closer} after ${valueText} without a response (${plural(agreed.count, 'request')}, waits ${fmtS(agreed.min)}–${fmtS(agreed.max)}, spread ±${fmtMs(agreed.spread)})`,
          flow: { client: clientLabel(g.clients), server },
          time: minOf(members, (f) => f.time),
          params: { timeout_s: timeout, closer, failures: agreed.count, count: agreed.count },
          evidence: tidyEvidence(members.slice(0, 4).flatMap((f) => f.evidence.slice(0, 2))),
          symptoms: members[0]!.symptoms,
          advice,
          confidence: agreed.count >= 3 ? 0.92 : 0.88,
          aggregate: true,
          flows: members.map((f) => f.flow.id!),
        });
      }
    },
  };
}
