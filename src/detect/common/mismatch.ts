/**
 * Protocol mismatch judgement from the connection layer's payload classification
 * (DirStats.firstPayloadKind), shared by protocol-mismatch (which reports it) and the
 * reset-cause detectors (which leave such connections alone: a reset after a mismatch is
 * explained by the mismatch).
 *   - HTTP/2 prior knowledge (RFC 9113 §3.4) to a server that does not answer with its
 *     SETTINGS frame ('h2-settings');
 *   - a TLS ClientHello (RFC 8446 §4.1.2) answered by an HTTP/1 response or by no TLS at all;
 *   - an HTTP/1 request answered by TLS, an SSH banner, or other non-HTTP bytes and a close.
 */
import type { Flow, FlowEvent, PayloadKind } from '../../conn/flow.js';
import { closeStory } from './close.js';

/** A server that closes first within this long after the client's first bytes rejected them. */
export const QUICK_CLOSE_S = 5;

export interface Mismatch {
  clientSpoke: PayloadKind;
  serverAnswered: PayloadKind | '';
  /** What the server answered, in words. */
  answer: string;
  /** What the server speaks, in words. */
  expected: string;
  confidence: number;
  clientEvent: FlowEvent;
  serverEvent: FlowEvent | undefined;
}

export function protocolMismatch(flow: Flow): Mismatch | null {
  const ck = flow.dirs[0].firstPayloadKind;
  const sk = flow.dirs[1].firstPayloadKind;
  if (ck !== 'h2-preface' && ck !== 'tls-client-hello' && ck !== 'http-request') return null;
  // An HTTP/1 request is a mismatch only when answered by TLS, SSH or other bytes (the common healthy case exits here).
  if (ck === 'http-request' && sk !== 'tls' && sk !== 'ssh' && sk !== 'other') return null;
  const st = closeStory(flow);
  const first = (dir: 0 | 1) =>
    st.events.find((e) => e.dir === dir && (e.type === 'data' || (dir === 0 ? e.type === 'request' : e.type === 'response')));
  const cEv = first(0);
  if (!cEv) return null;
  const sEv = first(1);
  const serverClosedQuickly = st.closer === 'server' && st.close !== null && st.close.time - cEv.time <= QUICK_CLOSE_S;
  const status = sEv?.http?.status ? ` (${sEv.http.status}${sEv.http.reason ? ' ' + sEv.http.reason : ''})` : '';
  const m = (confidence: number, answer: string, expected: string): Mismatch =>
    ({ clientSpoke: ck, serverAnswered: sk, answer, expected, confidence, clientEvent: cEv, serverEvent: sEv });
  if (ck === 'http-request') {
    if (sk === 'tls') return m(0.9, 'a TLS record', 'TLS');
    if (sk === 'ssh') return m(0.9, 'an SSH banner', 'SSH');
    if (sk === 'other' && serverClosedQuickly) return m(0.75, 'bytes that are not HTTP', 'another protocol');
    return null;
  }
  if (ck === 'tls-client-hello') {
    if (sk === 'http-response') return m(0.95, `an HTTP/1 response${status}`, 'plain HTTP (no TLS)');
    if (sk !== 'tls' && serverClosedQuickly) return m(sk === '' ? 0.6 : 0.8, sk === '' ? 'nothing' : 'bytes that are not TLS', 'plain HTTP (no TLS)');
    return null;
  }
  // HTTP/2 prior knowledge: an HTTP/2 server's first bytes are its SETTINGS frame.
  if (sk === 'h2-settings') return null;
  if (sk === 'http-response') return m(0.95, `an HTTP/1 response${status}`, 'HTTP/1.x');
  if (sk !== '') return m(0.9, 'bytes that are not an HTTP/2 SETTINGS frame', 'HTTP/1.x');
  if (serverClosedQuickly) return m(0.6, 'nothing', 'HTTP/1.x');
  return null;
}
