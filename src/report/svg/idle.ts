/** Idle time before a connection's close, as the overview's histogram draws it. */
import type { Flow } from '../../conn/flow.js';

export interface IdleClose {
  flow: number;
  /** Seconds from the last response byte (or the handshake) to the first FIN/RST. */
  idle: number;
  closer: 'client' | 'server';
  how: 'fin' | 'rst';
}

/**
 * The idle time the closing side saw: from the end of the last response before the
 * close (requests sent into the close do not count: the closer had not seen them yet)
 * to the first FIN or RST. Undefined when the connection never closed.
 */
export function idleBeforeClose(flow: Flow): IdleClose | undefined {
  const close = flow.events.find((e) => (e.type === 'fin' || e.type === 'rst') && !e.retransmission);
  if (!close) return undefined;
  let last = -1;
  for (const e of flow.events) {
    if (e.time > close.time) break;
    if (e.type === 'response') {
      const end = e.http && e.http.endTime > 0 && e.http.endTime <= close.time ? e.http.endTime : e.time;
      last = Math.max(last, end);
    } else if (e.type === 'handshake-ack' || e.type === 'syn-ack') {
      last = Math.max(last, e.time);
    }
  }
  if (last < 0) return undefined;
  return { flow: flow.id, idle: close.time - last, closer: close.dir === 0 ? 'client' : 'server', how: close.type === 'rst' ? 'rst' : 'fin' };
}
