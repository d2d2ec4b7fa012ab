/**
 * request-cap-close (aggregate per server): the server ends keep-alive connections after
 * a fixed number of requests: nginx keepalive_requests (closes after N, with Connection:
 * close on the last response), Tomcat maxKeepAliveRequests, Apache MaxKeepAliveRequests,
 * Node server.maxRequestsPerSocket (announces Connection: close, answers later requests
 * with 503, does not close), or servers that just close after N without announcing it.
 *
 * Per connection it records N, the requests served when the server ended keep-alive:
 *   - announced: the first response carrying Connection: close to a request that did not
 *     ask for it (RFC 9112 §9.6: the server "MUST NOT process any further requests");
 *   - unannounced: the server closed (FIN/RST) right after its N-th response (closeStory
 *     classes 'close-after-response', 'close-race', and 'data-after-close' of a non-idle close).
 * `raced` counts requests sent into the ending connection (after the announcement, or
 * crossing the unannounced close). In finish, the most frequent N (seen on at least two
 * connections, and on most of them) is the cap; the raced connections it explains are
 * recorded for reset-before-response (common/run-state.ts).
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence, Finding } from './finding.js';
import { closeStory, IDLE_MIN_S } from './common/close.js';
import { mode } from './common/cluster.js';
import { evidenceOf, responseName, tidyEvidence } from './common/evidence.js';
import { capitalize, plural } from './common/format.js';
import { clientLabel, PerServer, serverHeaderOf } from './common/per-server.js';
import { explainedFlows } from './common/run-state.js';
import { RESET_BEFORE_RESPONSE } from './common/symptoms.js';
import { guessSoftware } from '../knowledge/guess.js';
import { requestCapAdvice } from '../knowledge/advice.js';
import { minOf } from '../util/extremes.js';
import { Budget } from './common/budget.js';

interface Capped {
  flow: number;
  n: number;
  announced: boolean;
  raced: number;
  /** The last response (announcing or followed by the close), the close, raced requests. */
  evidence: Evidence[];
  time: number;
}

interface ServerState {
  capped: Capped[];
  clients: Set<string>;
  serverHeader?: string;
}

export function createRequestCapClose(): Detector {
  const servers = new PerServer<ServerState>(() => ({ capped: [], clients: new Set() }));
  const budget = new Budget('request-cap-close');
  return {
    kinds: ['request-cap-close'],
    onFlowEnd(flow: Flow) {
      const c = cappedOf(flow);
      if (!c || !budget.take()) return;
      const s = servers.get(flow.server);
      s.serverHeader ??= serverHeaderOf(flow);
      s.clients.add(flow.clientAddr);
      s.capped.push(c);
    },
    finish(ctx: DetectorContext) {
      budget.finish(ctx);
      const explained = explainedFlows(ctx);
      for (const [server, s] of servers.entries()) {
        const m = mode(s.capped.map((c) => c.n));
        if (!m || m.value < 2 || m.count < 2 || m.count * 2 < s.capped.length) continue;
        const members = s.capped.filter((c) => c.n === m.value);
        const raced = members.reduce((a, c) => a + c.raced, 0);
        const announced = members.filter((c) => c.announced).length;
        const allAnnounced = announced === members.length;
        const guesses = guessSoftware('requestCap', m.value, `${m.value} requests`, s.serverHeader);
        for (const c of members) if (c.raced > 0) explained.add(c.flow);
        const how = allAnnounced ? 'announcing it with Connection: close' : announced === 0 ? 'without announcing it (no Connection: close)' : `announcing it on ${announced} of ${members.length}`;
        let summary = `${server} ends keep-alive connections after exactly ${m.value} requests (${plural(members.length, 'connection')}), ${how}`;
        summary += raced > 0 ? `: ${plural(raced, 'request')} ${raced === 1 ? 'was' : 'were'} sent into a closing connection and failed` : '; no request raced the close';
        if (guesses.length) summary += `. ${capitalize(guesses.map((g) => g.text).join('; '))}`;
        const ev = members.filter((c) => c.raced > 0).concat(members.filter((c) => c.raced === 0)).slice(0, 4).flatMap((c) => c.evidence);
        ctx.report({
          kind: 'request-cap-close',
          severity: raced > 0 ? 'error' : allAnnounced ? 'info' : 'warning',
          summary,
          flow: { client: clientLabel(s.clients), server },
          time: minOf(members, (c) => c.time),
          params: {
            max_requests_per_connection: m.value,
            raced,
            connections: members.length,
            announced,
            failures: raced,
            count: members.length,
          },
          evidence: tidyEvidence(ev),
          symptoms: raced > 0 ? RESET_BEFORE_RESPONSE : [],
          advice: requestCapAdvice(m.value, guesses.map((g) => g.software), raced, allAnnounced),
          confidence: Math.min(0.95, 0.6 + 0.1 * m.count),
          aggregate: true,
          flows: members.map((c) => c.flow),
        });
      }
    },
  };
}

function cappedOf(flow: Flow): Capped | null {
  const st = closeStory(flow);
  const xs = st.exchanges;
  // Announced: the first Connection: close the client did not ask for.
  for (const x of xs) {
    if (!x.resp?.http) continue;
    if (x.req.http?.connectionClose || x.req.http?.version === 'HTTP/1.0') return null; // the client ends it
    if (x.resp.http.version === 'HTTP/1.0' && !x.resp.http.connectionClose) continue;
    if (x.resp.http.connectionClose !== true) continue;
    if (x.resp.http.version === 'HTTP/1.0') return null; // no keep-alive at all
    const later = xs.filter((y) => y.index > x.index);
    const ev: Evidence[] = [evidenceOf(flow, x.resp, `${responseName(x.resp)} to request #${x.nth + 1} with Connection: close`)];
    if (st.close) ev.push(evidenceOf(flow, st.close, `${st.closer} ${st.how === 'rst' ? 'RST' : 'FIN'} ends the connection`));
    for (const y of later.slice(0, 2)) ev.push(evidenceOf(flow, y.req, `request #${y.nth + 1} sent after the Connection: close`));
    return { flow: flow.id, n: x.nth + 1, announced: true, raced: later.length, evidence: ev, time: x.resp.time };
  }
  // Unannounced: the server closed right after its N-th response.
  if (st.closer !== 'server' || !st.close) return null;
  const nonIdle = st.idleS >= 0 && st.idleS < IDLE_MIN_S;
  const ok = st.class === 'close-after-response' || st.class === 'close-race' || (st.class === 'data-after-close' && nonIdle);
  if (!ok) return null;
  const answered = xs.filter((x) => x.resp && x.resp.packet < st.close!.packet);
  if (answered.length === 0) return null;
  const last = answered[answered.length - 1]!;
  const raced = xs.length - answered.length;
  const n = (flow.requestsDropped ?? 0) + answered.length;
  const ev: Evidence[] = [
    evidenceOf(flow, last.resp!, `${responseName(last.resp)} to request #${last.nth + 1}, no Connection: close`),
    evidenceOf(flow, st.close, `server ${st.how === 'rst' ? 'RST' : 'FIN'} right after response #${n}`),
  ];
  if (st.unanswered && raced > 0) ev.push(evidenceOf(flow, st.unanswered.req, `request #${st.unanswered.nth + 1} sent into the closing connection`));
  if (st.rstAfter && raced > 0) ev.push(evidenceOf(flow, st.rstAfter, 'RST from server'));
  return { flow: flow.id, n, announced: false, raced, evidence: ev, time: st.close.time };
}
