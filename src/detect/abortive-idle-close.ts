/**
 * abortive-idle-close: the server closed an idle connection with RST and no FIN.
 * Servers that set SO_LINGER {1, 0} before close() (IIS-style, some load balancers'
 * idle timeouts, Python/Java servers tuned to avoid TIME_WAIT) abort instead of closing
 * (RFC 9293 §3.10.7.1 ABORT). A client that reuses the connection at that moment gets
 * "connection reset" instead of a clean EOF, and nothing tells it the close was intended.
 *
 * Per connection (closeStory class 'abortive-idle-close': nothing in flight, idle at
 * least IDLE_MIN_S on the server's clock); across connections (finish) the idle
 * timeout is inferred as the lower edge of the cluster and written into every finding.
 * A request that crosses such a RST is an idle-close-race, not this.
 */
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Finding } from './finding.js';
import { closeStory } from './common/close.js';
import { clusterValues } from './common/cluster.js';
import { evidenceAt, evidenceOf, flowRef, tidyEvidence } from './common/evidence.js';
import { capitalize, fmtConfigS, fmtMs, fmtS, plural, round3 } from './common/format.js';
import { clientLabel, PerServer, serverHeaderOf } from './common/per-server.js';
import { SYMPTOM } from './common/symptoms.js';
import { guessSoftware } from '../knowledge/guess.js';
import { minOf } from '../util/extremes.js';
import { Budget } from './common/budget.js';

interface ServerState {
  findings: Finding[];
  clients: Set<string>;
  serverHeader?: string;
}

export function createAbortiveIdleClose(): Detector {
  const servers = new PerServer<ServerState>(() => ({ findings: [], clients: new Set() }));
  const budget = new Budget('abortive-idle-close');
  return {
    kinds: ['abortive-idle-close'],
    onFlowEnd(flow: Flow, ctx: DetectorContext) {
      const st = closeStory(flow);
      if (st.class !== 'abortive-idle-close' || !st.close || !budget.take()) return;
      const s = servers.get(flow.server);
      s.serverHeader ??= serverHeaderOf(flow);
      s.clients.add(flow.clientAddr);
      const ev = [evidenceOf(flow, st.close, `RST from server after ${fmtS(st.idleS)} idle, no FIN: an abortive close (SO_LINGER 0)`)];
      if (st.lastBeforeClose) {
        ev.push(evidenceAt(flow, st.lastBeforeClose.packet, st.lastBeforeClose.time,
          `last payload (${plural(flow.requests, 'request')} on this connection): idle from here`));
      }
      const f: Finding = {
        kind: 'abortive-idle-close',
        severity: 'warning',
        summary: `${flow.server} reset an idle keep-alive connection after ${fmtS(st.idleS)} (RST, no FIN); a request sent at that moment would fail with "connection reset"`,
        flow: flowRef(flow),
        flows: [flow.id],
        time: st.close.time,
        params: { idle_s: round3(st.idleS), closer: 'server', requests: flow.requests },
        evidence: tidyEvidence(ev),
        symptoms: [SYMPTOM.nginxReset, SYMPTOM.nodeReset, SYMPTOM.goReset, SYMPTOM.javaReset],
        advice: '',
        confidence: 0.85,
      };
      s.findings.push(f);
      ctx.report(f);
    },
    finish(ctx: DetectorContext) {
      budget.finish(ctx);
      for (const [server, s] of servers.entries()) {
        const idles = s.findings.map((f) => f.params['idle_s'] as number);
        const cl = clusterValues(idles);
        const timeout = cl && cl.count >= 2 ? cl.value : minOf(idles);
        const valueText = fmtConfigS(timeout);
        const guesses = guessSoftware('idleTimeout', timeout, valueText, s.serverHeader);
        const advice = `The server closes idle connections after ${valueText} with RST instead of FIN (SO_LINGER 0): let it close with FIN (drop SO_LINGER {1,0}), ` +
          `or make the client retire idle connections well before ${valueText} (e.g. nginx keepalive_timeout in the upstream block, Go http.Transport.IdleConnTimeout) so no request meets the RST.` +
          (guesses.length ? ` ${capitalize(guesses.map((g) => g.text).join('; '))}.` : '');
        for (const f of s.findings) {
          f.params['server_idle_timeout_s'] = timeout;
          f.advice = advice;
          f.confidence = cl && cl.count >= 3 ? 0.9 : 0.8;
        }
        if (!cl || cl.count < 2) continue;
        const members = cl.members.map((i) => s.findings[i]!);
        ctx.report({
          kind: 'abortive-idle-close',
          severity: 'warning',
          summary: `${server} closes idle connections with RST (no FIN) after ${valueText} (${plural(cl.count, 'close')}, ${fmtS(cl.min)}–${fmtS(cl.max)}, spread ±${fmtMs(cl.spread)})`,
          flow: { client: clientLabel(s.clients), server },
          time: minOf(members, (f) => f.time),
          params: { server_idle_timeout_s: timeout, idle_s: round3(cl.min), closer: 'server', count: cl.count, failures: 0 },
          evidence: tidyEvidence(members.slice(0, 6).map((f) => f.evidence.find((e) => e.note.startsWith('RST'))!).filter(Boolean)),
          symptoms: s.findings[0]!.symptoms,
          advice,
          confidence: 0.9,
          aggregate: true,
          flows: members.map((f) => f.flow.id!),
        });
      }
    },
  };
}
