/**
 * idle-close-race: a keep-alive connection sat idle, the server closed it (FIN, or RST)
 * at about the moment the client reused it, and the reused request crossed the close on
 * the wire (RFC 9112 §9.6: "a client, server, or proxy MAY close the transport connection
 * at any time"; a request in flight then gets RST or nothing).
 *
 * Per connection: the race itself (closeStory class 'idle-close-race': at least the second
 * request on the connection, sent inside the crossing window the capture-point RTT allows,
 * after an idle close). Across connections (finish): the server's idle timeout inferred
 * from every idle close toward it (lower edge of the cluster), the client's reuse behaviour
 * (the longest idle gap it reused a connection after), the software the value matches,
 * and one aggregate finding counting the failures the fix would have avoided.
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence, Finding } from './finding.js';
import { closeStory, IDLE_MIN_S, type CloseStory } from './common/close.js';
import { clusterValues, type Cluster } from './common/cluster.js';
import { evidenceOf, flowRef, requestName, tidyEvidence } from './common/evidence.js';
import { capitalize, fmtConfigS, fmtMs, fmtS, plural, round3 } from './common/format.js';
import { clientLabel, PerServer, serverHeaderOf } from './common/per-server.js';
import { CLOSED_BEFORE_RESPONSE, RESET_BEFORE_RESPONSE } from './common/symptoms.js';
import { guessSoftware } from '../knowledge/guess.js';
import { idleTimeoutAdvice } from '../knowledge/advice.js';
import { maxOf, minOf } from '../util/extremes.js';
import { Budget } from './common/budget.js';

interface IdleClose {
  idleS: number;
  /** The close packet, as evidence. */
  ev: Evidence;
}

interface ServerState {
  closes: IdleClose[];
  /** Longest idle gap after which the client reused a connection (answered or not); -1 none. */
  maxReuse: number;
  /** Idle closes by the client (its own idle timeout). */
  clientCloses: number[];
  races: Finding[];
  /** Races where the request reached the server just before its idle close (need the cluster to confirm). */
  serverSide: Finding[];
  clients: Set<string>;
  serverHeader?: string;
}

/** Below this many agreeing idle closes, the per-connection idle is reported, not a setting. */
const MIN_CLOSES_FOR_SETTING = 2;

export function createIdleCloseRace(): Detector {
  const servers = new PerServer<ServerState>(() => ({ closes: [], maxReuse: -1, clientCloses: [], races: [], serverSide: [], clients: new Set() }));
  const budget = new Budget('idle-close-race');

  return {
    kinds: ['idle-close-race'],

    onFlowEnd(flow: Flow, ctx: DetectorContext) {
      const st = closeStory(flow);
      if (st.exchanges.length === 0 && st.class === '') return;
      const s = servers.get(flow.server);
      s.serverHeader ??= serverHeaderOf(flow);
      // Reuse gaps: every request after the first, measured from the previous exchange's last byte.
      for (const x of st.exchanges) {
        if (x.index === 0) continue;
        const prev = st.exchanges[x.index - 1]!;
        const prevEnd = Math.max(prev.req.http?.endTime ?? prev.req.time, prev.resp?.http?.endTime ?? prev.resp?.time ?? 0);
        if (prevEnd > 0 && x.req.time > prevEnd) s.maxReuse = Math.max(s.maxReuse, x.req.time - prevEnd);
      }
      if (st.closer === 'server' && st.close && st.idleS >= IDLE_MIN_S &&
          (st.class === 'idle-close' || st.class === 'abortive-idle-close' || st.class === 'idle-close-race' || st.class === 'data-after-close')) {
        if (!budget.take()) return;
        const note = `server ${st.how === 'rst' ? 'RST' : 'FIN'} after ${fmtS(st.idleS)} idle (connection ${flow.id})`;
        s.closes.push({ idleS: st.idleS, ev: evidenceOf(flow, st.close, note) });
      }
      if (st.class === 'client-idle-close') s.clientCloses.push(st.idleS);
      if (st.class !== 'idle-close-race' || !budget.take()) return;
      s.clients.add(flow.clientAddr);
      const f = raceFinding(flow, st);
      if (st.serverSideRace) {
        s.serverSide.push(f); // confirmed in finish against the server's idle-close cluster
        return;
      }
      s.races.push(f);
      ctx.report(f); // reported now (the flow's timeline is kept); completed in finish
    },

    finish(ctx: DetectorContext) {
      budget.finish(ctx);
      for (const [server, s] of servers.entries()) {
        const cl = s.closes.length >= MIN_CLOSES_FOR_SETTING ? clusterValues(s.closes.map((c) => c.idleS)) : null;
        const useCl = cl && cl.count >= MIN_CLOSES_FOR_SETTING ? cl : null;
        // A server-side race counts only when its close fits the server's idle closes.
        for (const f of s.serverSide) {
          const idle = f.params['server_idle_s'] as number;
          if (useCl && idle >= useCl.min - Math.max(0.05, 0.1 * useCl.min) && idle <= useCl.max + Math.max(0.05, 0.1 * useCl.max)) {
            s.races.push(f);
            ctx.report(f);
          }
        }
        if (s.races.length === 0) continue;
        const timeout = useCl ? useCl.value : minOf(s.races, (f) => f.params['server_idle_s'] as number);
        const valueText = fmtConfigS(timeout);
        const guesses = guessSoftware('idleTimeout', timeout, valueText, s.serverHeader);
        const failures = s.races.length;
        const advice = idleTimeoutAdvice(timeout, guesses.map((g) => g.software), failures);
        const maxReuse = s.maxReuse;
        const clientCl = s.clientCloses.length >= 2 ? clusterValues(s.clientCloses) : null;
        for (const f of s.races) {
          f.params['server_idle_timeout_s'] = timeout;
          if (useCl) f.params['idle_closes'] = useCl.count;
          f.advice = advice;
          if (guesses[0]) f.params['software'] = guesses[0].software.id;
          f.summary += `; the server closes connections idle for ${valueText}${useCl ? ` (${plural(useCl.count, 'idle close')} in this capture)` : ''}`;
        }
        ctx.report(aggregateFinding(server, s, timeout, useCl, guesses.map((g) => g.text), maxReuse, clientCl, advice));
      }
    },
  };
}

function raceFinding(flow: Flow, st: CloseStory): Finding {
  const close = st.close!;
  const un = st.unanswered!;
  const prev = st.exchanges[un.index - 1];
  const c = st.crossing!;
  const closeWord = st.how === 'rst' ? 'RST' : 'FIN';
  const ev: Evidence[] = [];
  const lastResp = prev?.resp;
  if (lastResp) {
    const endPkt = lastResp.http && lastResp.http.endPacket > 0 ? lastResp.http.endPacket : lastResp.packet;
    const endTime = lastResp.http && lastResp.http.endPacket > 0 ? lastResp.http.endTime : lastResp.time;
    ev.push(evidenceOf(flow, { ...lastResp, packet: endPkt, time: endTime, tsNsec: Math.round((endTime % 1) * 1e9) },
      `last response byte (request #${prev!.nth + 1}): the connection is idle from here`));
  }
  ev.push(evidenceOf(flow, close, `server ${closeWord} after ${fmtS(st.idleS)} idle: the server's idle close`));
  // (request notes never name the close's flag: a note that says RST must point at a RST packet)
  const rel = c.deltaS < 0 ? `${fmtMs(-c.deltaS)} before the server's close arrived` : `${fmtMs(c.deltaS)} after the server's close was seen`;
  const why = st.serverSideRace
    ? `it reached the server ${st.waitS < 0.001 ? 'just' : `about ${fmtMs(st.waitS)}`} before the server closed: the server's idle check did not see it`
    : c.why;
  ev.push(evidenceOf(flow, un.req, `request #${un.nth + 1} ${requestName(un.req)} after ${fmtS(st.reuseGapS)} idle, sent ${rel} (${why})`));
  if (st.rstAfter) ev.push(evidenceOf(flow, st.rstAfter, `RST from server: the request reached a closed socket`));
  const confidence = st.serverSideRace ? 0.7 : Math.min(0.97, c.confidence + (st.rstAfter ? 0.05 : 0));
  const outcome = st.rstAfter ? 'was answered by RST' : 'got no response';
  return {
    kind: 'idle-close-race',
    severity: 'error',
    summary: `${requestName(un.req)} reused a keep-alive connection to ${flow.server} after ${fmtS(st.reuseGapS)} idle and crossed the server's idle ${closeWord} (sent after ${fmtS(st.idleS)} idle); it ${outcome}`,
    flow: flowRef(flow),
    flows: [flow.id],
    time: close.time,
    params: {
      idle_s: round3(st.reuseGapS),
      closer: 'server',
      close: st.how,
      server_idle_s: round3(st.idleS),
      crossed_ms: round3(c.deltaS * 1000),
      requests: flow.requests,
      failures: 1,
    },
    evidence: tidyEvidence(ev),
    symptoms: st.rstAfter ? RESET_BEFORE_RESPONSE : CLOSED_BEFORE_RESPONSE,
    advice: '',
    confidence: Math.round(confidence * 100) / 100,
  };
}

function aggregateFinding(
  server: string, s: ServerState, timeout: number, cl: Cluster | null, guessText: string[],
  maxReuse: number, clientCl: Cluster | null, advice: string,
): Finding {
  const failures = s.races.length;
  const valueText = fmtConfigS(timeout);
  let summary = `${server} closes idle keep-alive connections after ${valueText}`;
  if (cl) summary += ` (${plural(cl.count, 'close')}, ${fmtS(cl.min)}–${fmtS(cl.max)}, spread ±${fmtMs(cl.spread)})`;
  if (maxReuse > 0) summary += ` while the client reused connections idle up to ${fmtS(maxReuse)}`;
  if (clientCl) summary += ` (the client's own idle timeout is about ${fmtConfigS(clientCl.value)})`;
  summary += `: ${plural(failures, 'request')} crossed the close and failed`;
  if (guessText.length) summary += `. ${capitalize(guessText.join('; '))}`;
  const members = cl ? cl.members.map((i) => s.closes[i]!) : [];
  const ev: Evidence[] = [];
  for (const c of members.slice(0, 4)) ev.push(c.ev);
  for (const f of s.races.slice(0, 6)) {
    const req = f.evidence.find((e) => e.note.startsWith('request'));
    if (req) ev.push({ ...req, note: `connection ${f.flow.id}: ${req.note}` });
  }
  const confs = s.races.map((f) => f.confidence ?? 0.7);
  let confidence = maxOf(confs);
  if (cl && cl.count >= 3) confidence = Math.min(0.98, confidence + 0.03);
  const params: Finding['params'] = {
    server_idle_timeout_s: timeout,
    closer: 'server',
    failures,
    count: failures,
  };
  if (cl) {
    params['idle_closes'] = cl.count;
    params['idle_close_min_s'] = round3(cl.min);
    params['idle_close_max_s'] = round3(cl.max);
  }
  if (maxReuse > 0) {
    params['idle_s'] = round3(maxReuse);
    params['client_max_reuse_idle_s'] = round3(maxReuse);
  }
  if (clientCl) params['client_idle_timeout_s'] = clientCl.value;
  return {
    kind: 'idle-close-race',
    severity: 'error',
    summary,
    flow: { client: clientLabel(s.clients), server },
    time: minOf(s.races, (f) => f.time),
    params,
    evidence: tidyEvidence(ev),
    symptoms: [...new Set(s.races.flatMap((f) => f.symptoms))],
    advice,
    confidence: Math.round(confidence * 100) / 100,
    aggregate: true,
    flows: s.races.map((f) => f.flow.id!),
  };
}
