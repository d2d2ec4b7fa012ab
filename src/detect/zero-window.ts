/**
 * zero-window: a receiver advertised a zero window (RFC 9293 §3.8.6.1: the sender must
 * stop and probe) and the transfer stalled until the window opened again or the
 * connection ended. Stalls come from the 'zero-window' / 'window-open' events of the
 * advertising side; `stall_s` is the longest one. Short stalls (< MIN_STALL_S) are normal
 * flow control on a busy receiver and are not reported. Error when the connection ended
 * (RST / FIN) during a stall, warning for a stall of a second or more, info otherwise.
 */
import type { Flow, FlowEvent } from '../conn/flow.js';
import type { Detector, DetectorContext } from './detector.js';
import type { Evidence } from './finding.js';
import { NETWORK } from '../knowledge/network.js';
import { capEvidence, evOf, flowRef, fmtS, plural, round, senderOf, sideName, tidyEvidence } from './common/net-util.js';

export const MIN_STALL_S = 0.2;

interface Stall {
  dir: 0 | 1;
  start: FlowEvent;
  end: FlowEvent | null;
  seconds: number;
}

export function zeroWindow(): Detector {
  return {
    kinds: ['zero-window'],
    onFlowEnd(f: Flow, ctx: DetectorContext) {
      if (f.dirs[0].zeroWindows + f.dirs[1].zeroWindows === 0) return;
      const stalls: Stall[] = [];
      const open: [FlowEvent | null, FlowEvent | null] = [null, null];
      for (const e of f.events) {
        if (e.type === 'zero-window') { if (!open[e.dir]) open[e.dir] = e; }
        else if (e.type === 'window-open' && open[e.dir]) {
          const s = open[e.dir]!;
          stalls.push({ dir: e.dir, start: s, end: e, seconds: e.stallS ?? e.time - s.time });
          open[e.dir] = null;
        }
      }
      for (const dir of [0, 1] as const) {
        const s = open[dir];
        if (s) stalls.push({ dir, start: s, end: null, seconds: f.end - s.time });
      }
      const real = stalls.filter((s) => s.seconds >= MIN_STALL_S || (s.end === null && closedDuring(f, s)));
      if (!real.length) return;
      report(ctx, f, real);
    },
  };
}

function closedDuring(f: Flow, s: Stall): boolean {
  return f.events.some((e) => (e.type === 'rst' || e.type === 'fin') && e.time >= s.start.time);
}

function report(ctx: DetectorContext, f: Flow, stalls: Stall[]): void {
  const longest = stalls.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const receiver = senderOf(f, longest.dir);
  const sender = senderOf(f, longest.dir ^ 1);
  const unresolved = stalls.filter((s) => s.end === null);
  const died = unresolved.find((s) => closedDuring(f, s));
  const total = stalls.reduce((n, s) => n + s.seconds, 0);
  const ev: Evidence[] = [];
  for (const s of stalls.slice(0, 4)) {
    ev.push(evOf(s.start, `${sideName(s.dir)} ${senderOf(f, s.dir)} advertises window 0: its application stopped reading`, f.file));
    if (s.end) ev.push(evOf(s.end, `window opens again after ${fmtS(s.seconds)}`, f.file));
  }
  if (died) {
    const end = f.events.find((e) => (e.type === 'rst' || e.type === 'fin') && e.time >= died.start.time)!;
    ev.push(evOf(end, `${end.type === 'rst' ? 'RST' : 'FIN'} from ${sideName(end.dir)} while the window was still closed (${fmtS(end.time - died.start.time)} into the stall)`, f.file));
  }
  const k = NETWORK['zero-window'];
  const severity = died ? 'error' : longest.seconds >= 1 ? 'warning' : 'info';
  let summary = `${sideName(longest.dir)} ${receiver} advertised a zero window: ${sender}'s transfer stalled ${fmtS(longest.seconds)}`;
  if (stalls.length > 1) summary += ` (${plural(stalls.length, 'stall')}, ${fmtS(total)} in all)`;
  summary += died ? '; the connection was closed before the window opened' : longest.end ? ', then resumed' : ' until the capture ended';
  ctx.report({
    kind: 'zero-window',
    severity,
    summary,
    flow: flowRef(f),
    time: longest.start.time,
    params: {
      stall_s: round(longest.seconds, 3), total_stall_s: round(total, 3), stalls: stalls.length,
      receiver: sideName(longest.dir), zero_window_acks: f.dirs[longest.dir].zeroWindows, resumed: longest.end !== null,
    },
    evidence: capEvidence(tidyEvidence(ev), 10),
    symptoms: k.symptoms,
    advice: k.advice,
    confidence: 0.9,
    flows: [f.id],
  });
}
