/**
 * truncated-response: an HTTP/1 response ended because the connection closed before its
 * Content-Length was reached or its final chunk arrived (RFC 9112 §8: "a message that
 * uses a valid Content-Length is incomplete if the size of the message body received is
 * less than the value given"; a chunked body is incomplete without the last-chunk).
 * The client sees "transfer closed with N bytes remaining" (curl 18), Go "unexpected EOF",
 * nginx "upstream prematurely closed connection while reading upstream".
 *
 * Only a server-side end counts (the server's FIN or RST comes first): a client that
 * aborts mid-body is not a truncation by the server. Connections with lost or snap-length
 * cut segments in the response direction are skipped: the HTTP tracker may have lost sync.
 */
import type { Flow, FlowEvent } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Finding } from './finding.js';
import { closeStory } from './common/close.js';
import { evidenceAt, evidenceOf, flowRef, responseName, tidyEvidence } from './common/evidence.js';
import { plural } from './common/format.js';
import { SYMPTOM } from './common/symptoms.js';

export function createTruncatedResponse(): Detector {
  return {
    kinds: ['truncated-response'],
    onFlowEnd(flow: Flow, ctx: DetectorContext) {
      const st = closeStory(flow);
      if (!st.close || st.closer !== 'server') return;
      const sd = flow.dirs[1];
      if (sd.lostSegments > 0 || sd.truncatedPackets > 0) return;
      const close = st.close;
      // A long connection's middle events may have been dropped (the recent ones are kept): the
      // close must still be its first FIN/RST, so the last response before it is among the events.
      if (flow.eventsDropped > 0 && close.packet !== firstClosePacket(flow)) return;
      // The last response started before the close, still incomplete.
      let resp: FlowEvent | undefined;
      for (const e of st.events) if (e.type === 'response' && e.packet <= close.packet) resp = e;
      const h = resp?.http;
      if (!resp || !h || h.complete) return;
      if (h.contentLength === undefined && !h.chunked) return; // delimited by close: complete by definition
      if ((h.status ?? 0) < 200) return;
      const expected = h.contentLength;
      const received = h.bodyBytes;
      if (expected !== undefined && received >= expected) return;
      const closeWord = close.type === 'rst' ? 'RST' : 'FIN';
      const what = expected !== undefined ? `${received} of ${plural(expected, 'body byte')}` : `${plural(received, 'body byte')} of a chunked body without its final chunk`;
      const ev = [
        evidenceOf(flow, resp, `${responseName(resp)}${expected !== undefined ? `, Content-Length ${expected}` : ', chunked'}`),
      ];
      if (h.endPacket > 0 && h.endPacket !== resp.packet) ev.push(evidenceAt(flow, h.endPacket, h.endTime, `last body bytes seen (${received} received)`));
      ev.push(evidenceOf(flow, close, `server ${closeWord} with the body incomplete`));
      const params: Finding['params'] = { received_bytes: received, closer: 'server', close: st.how, failures: 1 };
      if (expected !== undefined) {
        params['expected_bytes'] = expected;
        params['missing_bytes'] = expected - received;
      } else params['chunked'] = true;
      ctx.report({
        kind: 'truncated-response',
        severity: 'error',
        summary: `${flow.server} closed the connection (${closeWord}) in the middle of a ${responseName(resp)}: ${what} arrived`,
        flow: flowRef(flow),
        flows: [flow.id],
        time: close.time,
        params,
        evidence: tidyEvidence(ev),
        symptoms: [SYMPTOM.nginxPremature, SYMPTOM.goEof, SYMPTOM.nodeHangUp, 'curl: (18) transfer closed with outstanding read data remaining'],
        advice: 'The server stopped sending mid-response: look for the server process dying or a timeout on its side while writing (gunicorn --timeout, send_timeout), a body shorter than the Content-Length it announced, or a proxy buffer limit.',
        confidence: 0.9,
      });
    },
  };
}

/** Packet of the connection's first FIN or RST, from the counters (0 none). */
function firstClosePacket(flow: Flow): number {
  let first = 0;
  for (const d of flow.dirs) {
    for (const p of [d.firstFinPacket, d.firstRstPacket]) if (p > 0 && (first === 0 || p < first)) first = p;
  }
  return first;
}
