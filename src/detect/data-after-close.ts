/**
 * data-after-close: one side kept sending after the peer's FIN had already reached it,
 * and the peer answered RST (RFC 9293 §3.6.1: a fully closed socket answers new data
 * with RST; on Linux, data for a closed socket is "Connection reset"). The sender did
 * not notice the close: a client that reuses a pooled connection without checking it
 * (urllib3 and Go's Transport check for a pending FIN/EOF before reuse; raw sockets do not).
 *
 * Different from idle-close-race: here the capture-point timing proves the sender had the
 * FIN (sent later than the FIN + the round trip to the sender + scheduling slack).
 * HTTP connections: closeStory class 'data-after-close'. Other protocols: the peer's last
 * payload follows the FIN by more than that window and the FIN sender then sent RST.
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence, Finding } from './finding.js';
import { closeStory, IDLE_MIN_S } from './common/close.js';
import { evidenceAt, evidenceOf, flowRef, requestName, tidyEvidence } from './common/evidence.js';
import { fmtMs, fmtS, round3 } from './common/format.js';
import { WRITE_AFTER_CLOSE } from './common/symptoms.js';
import { judgeCrossing } from './common/timing.js';

export function createDataAfterClose(): Detector {
  return {
    kinds: ['data-after-close'],
    onFlowEnd(flow: Flow, ctx: DetectorContext) {
      const f = httpCase(flow) ?? rawCase(flow);
      if (f) ctx.report(f);
    },
  };
}

function httpCase(flow: Flow): Finding | null {
  const st = closeStory(flow);
  if (st.class !== 'data-after-close' || !st.close || !st.unanswered || !st.rstAfter || !st.crossing) return null;
  const close = st.close;
  const un = st.unanswered;
  const closeWord = st.how === 'rst' ? 'RST' : 'FIN';
  const idleClose = st.idleS >= IDLE_MIN_S;
  const why = st.announcedClose ? 'after the previous response announced Connection: close' : idleClose ? `its idle close after ${fmtS(st.idleS)}` : 'a close right after a response';
  const ev: Evidence[] = [
    evidenceOf(flow, close, `server ${closeWord}: ${why}`),
    evidenceOf(flow, un.req, `request #${un.nth + 1} ${requestName(un.req)} written ${fmtS(st.crossing.deltaS)} after the server's close (${st.crossing.why})`),
    evidenceOf(flow, st.rstAfter, 'RST from server: the connection was already closed'),
  ];
  const params: Finding['params'] = {
    closer: 'server',
    after_close_s: round3(st.crossing.deltaS),
    requests: flow.requests,
    failures: 1,
  };
  if (idleClose) params['idle_s'] = round3(st.idleS);
  return {
    kind: 'data-after-close',
    severity: 'error',
    summary: `${requestName(un.req)} was written into a connection to ${flow.server} ${fmtS(st.crossing.deltaS)} after the server's ${closeWord} had arrived (${why}); the client did not notice the close and the server answered RST`,
    flow: flowRef(flow),
    flows: [flow.id],
    time: un.req.time,
    params,
    evidence: tidyEvidence(ev),
    symptoms: WRITE_AFTER_CLOSE,
    advice: 'Make the client check a pooled connection before reusing it (a readable socket with EOF means the server closed it) and retry idempotent requests on a new connection; ' +
      (idleClose ? `and retire idle connections before the server does (its idle close came after ${fmtS(st.idleS)}).` : 'honour Connection: close and the server\'s FIN.'),
    confidence: Math.round(st.crossing.confidence * 100) / 100,
  };
}

/** Non-HTTP: payload after the peer's FIN, then RST from the FIN sender. */
function rawCase(flow: Flow): Finding | null {
  const st = closeStory(flow);
  if (st.exchanges.length > 0 || !st.close || st.how !== 'fin') return null;
  const closer = st.close.dir;
  const sender = (closer ^ 1) as 0 | 1;
  const sd = flow.dirs[sender];
  if (sd.lastPayloadPacket <= st.close.packet) return null;
  const rst = st.events.find((e) => e.type === 'rst' && e.dir === closer && e.packet > sd.lastPayloadPacket);
  if (!rst) return null;
  const c = judgeCrossing(flow, sender, sd.lastPayloadTime, st.close.time);
  if (c.kind !== 'after-close') return null;
  const who = (d: number) => (d === 0 ? 'client' : 'server');
  return {
    kind: 'data-after-close',
    severity: 'error',
    summary: `The ${who(sender)} kept sending ${fmtS(c.deltaS)} after the ${who(closer)}'s FIN had reached it; the ${who(closer)} answered RST`,
    flow: flowRef(flow),
    flows: [flow.id],
    time: sd.lastPayloadTime,
    params: { closer: who(closer), after_close_s: round3(c.deltaS), failures: 1 },
    evidence: tidyEvidence([
      evidenceOf(flow, st.close, `${who(closer)} FIN`),
      evidenceAt(flow, sd.lastPayloadPacket, sd.lastPayloadTime, `${who(sender)} data ${fmtMs(c.deltaS)} after the FIN`),
      evidenceOf(flow, rst, `RST from ${who(closer)}: the connection was already closed`),
    ]),
    symptoms: WRITE_AFTER_CLOSE,
    advice: `The ${who(sender)} must stop writing once the peer has closed (read the FIN / EOF before reusing the connection).`,
    confidence: Math.round(c.confidence * 0.9 * 100) / 100,
  };
}
