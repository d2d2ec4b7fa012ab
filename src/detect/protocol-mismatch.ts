/**
 * protocol-mismatch: the bytes spoken do not match the server.
 *   - HTTP/2 prior knowledge (the "PRI * HTTP/2.0" preface, RFC 9113 §3.4) sent to an
 *     HTTP/1.x server: it answers with an HTTP/1 error (or an odd "HTTP/2.0 404") and
 *     closes or resets, instead of its own SETTINGS frame (payload kind 'h2-settings').
 *   - A TLS ClientHello (RFC 8446 §4.1.2) sent to a plain HTTP server: it answers
 *     "HTTP/1.1 400 Bad Request" or closes, never a TLS record.
 *   - Plain HTTP sent to a TLS (or SSH, or other) port: the server answers with a TLS
 *     record, an SSH banner or other bytes, and closes.
 * The judgement lives in common/mismatch.ts (the reset-cause detectors skip these
 * connections); this file reports it. Never reads bytes.
 */
import type { Flow, PayloadKind } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence } from './finding.js';
import { closeStory } from './common/close.js';
import { evidenceOf, flowRef, tidyEvidence } from './common/evidence.js';
import { protocolMismatch } from './common/mismatch.js';
import { SYMPTOM } from './common/symptoms.js';

const SPOKE: Partial<Record<PayloadKind, string>> = {
  'h2-preface': 'the HTTP/2 connection preface (prior knowledge)',
  'tls-client-hello': 'a TLS ClientHello',
  'http-request': 'a plain HTTP/1 request',
};

const ADVICE: Partial<Record<PayloadKind, string>> = {
  'h2-preface': 'The server speaks HTTP/1.1 only: stop using HTTP/2 prior knowledge toward it (curl --http2-prior-knowledge, gRPC/h2c clients, Envoy http2_protocol_options on the cluster), or enable h2c on the server.',
  'tls-client-hello': 'The port serves plain HTTP: use http:// (no TLS) toward it, or enable TLS on the server (nginx: listen ... ssl), or point the client at the TLS port.',
  'http-request': 'The port does not serve plain HTTP: use https:// if it expects TLS (nginx upstream: proxy_pass https://...), or point the client at the right port.',
};

export function createProtocolMismatch(): Detector {
  return {
    kinds: ['protocol-mismatch'],
    onFlowEnd(flow: Flow, ctx: DetectorContext) {
      const m = protocolMismatch(flow);
      if (!m) return;
      const st = closeStory(flow);
      const ck = m.clientSpoke;
      const closeWord = st.how === 'rst' ? 'RST' : 'FIN';
      const ev: Evidence[] = [evidenceOf(flow, m.clientEvent, `client sends ${SPOKE[ck]}`)];
      if (m.serverEvent) ev.push(evidenceOf(flow, m.serverEvent, `server answers ${m.answer}`));
      if (st.close) ev.push(evidenceOf(flow, st.close, `${st.closer} ${closeWord} ends the connection`));
      ctx.report({
        kind: 'protocol-mismatch',
        severity: 'error',
        summary: `The client sent ${SPOKE[ck]} to ${flow.server}, which speaks ${m.expected}: it answered ${m.answer}${st.close ? ` and the ${st.closer} closed the connection (${closeWord})` : ''}`,
        flow: flowRef(flow),
        flows: [flow.id],
        time: m.clientEvent.time,
        params: { client_spoke: ck, server_answered: m.serverAnswered || 'nothing', failures: 1 },
        evidence: tidyEvidence(ev),
        symptoms: ck === 'h2-preface' ? [SYMPTOM.envoyProtocol, SYMPTOM.lb502] : [SYMPTOM.envoyProtocol, SYMPTOM.nodeReset, SYMPTOM.lb502],
        advice: ADVICE[ck] ?? '',
        confidence: m.confidence,
      });
    },
  };
}
