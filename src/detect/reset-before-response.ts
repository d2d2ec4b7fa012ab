/**
 * reset-before-response: a request was sent and the server reset (or closed) the
 * connection before any response byte, in a way the other kinds do not explain (not an
 * idle-close race, not a request cap, not a timeout): Envoy's "upstream connect error or
 * disconnect/reset before headers", nginx's "upstream prematurely closed connection".
 * Typical causes: the server process crashed or was killed mid-request, a listener
 * closed during a deploy, the server rejected the request at the TCP level.
 *
 * Two sources (closeStory): class 'reset-before-response' (the server had the request and
 * closed within TIMEOUT_MIN_S without answering) and class 'close-race' (a request crossed
 * a close that came right after a response), the latter deferred to `finish` and dropped
 * when request-cap-close explains it (common/run-state.ts; registry order matters).
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence, Finding } from './finding.js';
import { closeStory } from './common/close.js';
import { evidenceOf, flowRef, requestName, tidyEvidence } from './common/evidence.js';
import { fmtS, round3 } from './common/format.js';
import { protocolMismatch } from './common/mismatch.js';
import { explainedFlows } from './common/run-state.js';
import { CLOSED_BEFORE_RESPONSE, RESET_BEFORE_RESPONSE } from './common/symptoms.js';
import { Budget } from './common/budget.js';

export function createResetBeforeResponse(): Detector {
  const deferred: Finding[] = [];
  const budget = new Budget('reset-before-response');
  return {
    kinds: ['reset-before-response'],
    onFlowEnd(flow: Flow, ctx: DetectorContext) {
      const st = closeStory(flow);
      if ((st.class !== 'reset-before-response' && st.class !== 'close-race') || !st.close || !st.unanswered) return;
      if (protocolMismatch(flow)) return; // explained by protocol-mismatch
      const un = st.unanswered;
      const close = st.close;
      const closeWord = st.how === 'rst' ? 'RST' : 'FIN';
      const race = st.class === 'close-race';
      const ev: Evidence[] = [evidenceOf(flow, un.req, `request #${un.nth + 1} ${requestName(un.req)}`)];
      if (race) {
        const prev = st.exchanges[un.index - 1];
        if (prev?.resp) ev.push(evidenceOf(flow, prev.resp, `previous response${prev.resp.http?.connectionClose ? ' (Connection: close)' : ''}`));
        ev.push(evidenceOf(flow, close, `server ${closeWord} right after that response; the request crossed it (${st.crossing?.why ?? ''})`));
      } else {
        ev.push(evidenceOf(flow, close, `server ${closeWord} ${fmtS(Math.max(0, st.waitS))} after the request arrived, no response byte before it`));
      }
      if (st.rstAfter && st.rstAfter !== close) ev.push(evidenceOf(flow, st.rstAfter, 'RST from server'));
      const gotRst = st.how === 'rst' || st.rstAfter !== null;
      const f: Finding = {
        kind: 'reset-before-response',
        severity: 'error',
        summary: race
          ? `${requestName(un.req)} to ${flow.server} crossed the server's close right after request #${un.nth} and got ${gotRst ? 'RST' : 'no response'}`
          : `${flow.server} ${st.how === 'rst' ? 'reset' : 'closed'} the connection ${fmtS(Math.max(0, st.waitS))} after receiving ${requestName(un.req)}, before any response byte`,
        flow: flowRef(flow),
        flows: [flow.id],
        time: close.time,
        params: { closer: 'server', close: st.how, wait_s: round3(Math.max(0, st.waitS)), requests: flow.requests, failures: 1 },
        evidence: tidyEvidence(ev),
        symptoms: gotRst ? RESET_BEFORE_RESPONSE : CLOSED_BEFORE_RESPONSE,
        advice: race
          ? 'The server closes connections right after a response without announcing it: send Connection: close on the last response (or stop capping requests per connection), and let the client retry idempotent requests on a new connection.'
          : 'Look at the server side at that moment (crash, worker kill, restart, request rejected): the server received the request and dropped the connection without answering. Retry idempotent requests; for deploys, drain connections before stopping the listener.',
        confidence: race ? st.crossing?.confidence ?? 0.6 : 0.75,
      };
      if (race) { if (budget.take()) deferred.push(f); }
      else ctx.report(f);
    },
    finish(ctx: DetectorContext) {
      budget.finish(ctx);
      const explained = explainedFlows(ctx);
      for (const f of deferred) if (!explained.has(f.flow.id!)) ctx.report(f);
    },
  };
}
