/**
 * accept-queue-overflow (aggregate per server and time window): the server's kernel
 * completed the handshake but its listen (accept) queue was full, so the application
 * never got the connection:
 *  - with `net.ipv4.tcp_abort_on_overflow=1` Linux answers the client's handshake ACK
 *    (or its first data) with a RST at once: the server sent nothing but SYN-ACK and RST,
 *    no payload, within a few round trips of the handshake. A kernel RST answering a
 *    segment that carried ACK has no ACK bit itself (RFC 9293 §3.10.7.1), unlike the
 *    RST|ACK of an application's abortive close: only such RSTs are counted;
 *  - with `tcp_abort_on_overflow=0` (default) the kernel drops the ACK and retransmits
 *    the SYN-ACK although the client's ACK was seen. Only trusted when the capture point
 *    is near the server (SYN→SYN-ACK much shorter than SYN-ACK→ACK) or the connection
 *    shows no other loss: seen from the client, a lost ACK looks the same.
 * Told apart from a refusal (connection-refused: no SYN-ACK at all).
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { capEvidence, evOf, eventsOf, fmtS, plural, round, tidyEvidence, timeWindows } from './common/net-util.js';
import { maxOf } from '../util/extremes.js';
import { Budget } from './common/budget.js';

const WINDOW_GAP_S = 10;

interface Hit {
  flow: number;
  client: string;
  time: number;
  mode: 'abort' | 'drop';
  after: number;
  kernelRst: boolean;
  evidence: Evidence[];
}

export function acceptQueueOverflow(): Detector {
  const servers = new Map<string, Hit[]>();
  const add = (server: string, h: Hit) => {
    const l = servers.get(server);
    if (l) l.push(h); else servers.set(server, [h]);
  };
  const budget = new Budget('accept-queue-overflow');
  return {
    kinds: ['accept-queue-overflow'],
    onFlowEnd(f: Flow) {
      const h = classify(f);
      if (h && budget.take()) add(f.server, h);
    },
    finish(ctx: DetectorContext) {
      for (const [server, hits] of servers) {
        hits.sort((a, b) => a.time - b.time);
        for (const w of timeWindows(hits, (h) => h.time, WINDOW_GAP_S)) report(ctx, server, w);
      }
      budget.finish(ctx);
    },
  };
}

export function classify(f: Flow): Hit | null {
  if (f.synAckTime < 0 || f.handshakeAckTime < 0 || f.clientBy !== 'syn') return null;
  const s = f.dirs[1];
  // (1) needs a RST from the server, (2) a retransmitted SYN-ACK: most connections have neither.
  if (s.rst === 0 && s.syn < 2) return null;
  const synAcks = eventsOf(f, 'syn-ack', 1);
  const hsAck = f.events.find((e) => e.type === 'handshake-ack');
  if (!hsAck || !synAcks.length) return null;
  const rtt = f.rtt > 0 ? f.rtt : 0;
  // (1) RST right after the handshake, the server having sent nothing else.
  const rst = eventsOf(f, 'rst', 1)[0];
  if (rst && s.payloadBytes === 0 && s.fin === 0 && s.packets === s.syn + s.rst) {
    const after = rst.time - hsAck.time;
    const kernelRst = rst.ack === false;
    if (kernelRst && after >= 0 && after <= Math.max(0.5, 4 * rtt)) {
      const ev: Evidence[] = [
        evOf(synAcks[0]!, `SYN-ACK from ${f.server}: the kernel accepted the SYN`, f.file),
        evOf(hsAck, `${f.client}'s ACK completes the handshake`, f.file),
      ];
      const data = f.events.find((e) => e.dir === 0 && e.len > 0 && e.time <= rst.time && e.type !== 'retransmission');
      if (data && data.packet !== hsAck.packet) ev.push(evOf(data, `client sends ${data.len} bytes`, f.file));
      ev.push(evOf(rst, `RST from ${f.server} ${fmtS(after)} after the handshake, before any byte from the server${kernelRst ? ' (no ACK bit: sent by the kernel in reply, not by an application close)' : ''}`, f.file));
      return { flow: f.id, client: f.client, time: rst.time, mode: 'abort', after, kernelRst, evidence: ev };
    }
  }
  // (2) SYN-ACK retransmitted although the client's handshake ACK was seen: the ACK was dropped.
  const late = synAcks.filter((e) => e.retransmission && e.time > hsAck.time);
  if (!late.length) return null;
  const nearServer = f.rttServerSide >= 0 && f.rttClientSide > 0 && f.rttServerSide < f.rttClientSide / 5;
  const otherLoss = f.dirs[0].retransmissions + s.retransmissions - late.length > 0;
  if (!nearServer && otherLoss) return null;
  const ev: Evidence[] = [
    evOf(synAcks[0]!, `SYN-ACK from ${f.server}`, f.file),
    evOf(hsAck, `${f.client}'s ACK completes the handshake`, f.file),
    ...late.map((e) => evOf(e, `SYN-ACK retransmitted ${fmtS(e.time - hsAck.time)} after the client's ACK: the server dropped that ACK (accept queue full)`, f.file)),
  ];
  return { flow: f.id, client: f.client, time: late[0]!.time, mode: 'drop', after: late[late.length - 1]!.time - hsAck.time, kernelRst: false, evidence: ev };
}

function report(ctx: DetectorContext, server: string, hits: Hit[]): void {
  const aborted = hits.filter((h) => h.mode === 'abort');
  const dropped = hits.filter((h) => h.mode === 'drop');
  const first = hits[0]!, last = hits[hits.length - 1]!;
  const parts: string[] = [];
  if (aborted.length) {
    const maxAfter = maxOf(aborted, (h) => h.after);
    parts.push(`${plural(aborted.length, 'connection')} reset by ${server} at most ${fmtS(maxAfter)} after completing the handshake, before sending a byte`);
  }
  if (dropped.length) parts.push(`${plural(dropped.length, 'connection')} whose handshake ACK was dropped (SYN-ACK retransmitted after it)`);
  const summary = `${server}'s accept queue overflowed${hits.length > 1 ? ` (${fmtS(last.time - first.time)} window)` : ''}: ${parts.join('; ')} — the application did not accept() fast enough`;
  const evidence: Evidence[] = [];
  for (const h of hits.slice(0, 3)) evidence.push(...h.evidence);
  const k = NETWORK['accept-queue-overflow'];
  const kernel = aborted.filter((h) => h.kernelRst).length;
  const clients = new Set(hits.map((h) => h.client.replace(/:\d+$/, '')));
  ctx.report({
    kind: 'accept-queue-overflow',
    severity: aborted.length ? 'error' : 'warning',
    summary,
    flow: { client: clients.size === 1 ? [...clients][0]! : '*', server, id: first.flow },
    time: first.time,
    params: {
      count: hits.length, failures: aborted.length, aborted: aborted.length, synack_retransmitted: dropped.length,
      kernel_rsts: kernel, window_s: round(last.time - first.time, 3),
      ...(aborted.length ? { rst_after_handshake_s: round(maxOf(aborted, (h) => h.after), 4) } : {}),
    },
    evidence: capEvidence(tidyEvidence(evidence), 12),
    symptoms: aborted.length ? k.symptoms : ['(slow first response: the request waits until the server accepts the connection)', ...k.symptoms],
    advice: k.advice,
    confidence: aborted.length ? (kernel === aborted.length ? 0.85 : 0.65) : 0.6,
    aggregate: true,
    flows: hits.map((h) => h.flow),
  });
}
