/** Number and label formatting shared by the SVG pictures and the HTML report. */
import { epochIso } from '../../util/epoch.js';
import type { FlowEvent } from '../../conn/flow.js';

/** A duration for people: "200 µs", "32.3 ms", "2.003 s". */
export function fmtDur(s: number): string {
  if (!Number.isFinite(s)) return '-';
  const a = Math.abs(s);
  if (a < 1e-3) return `${Math.round(s * 1e6)} µs`;
  if (a < 1) return `${(s * 1e3).toFixed(1)} ms`;
  if (a < 600) return `${s.toFixed(3)} s`;
  return `${(s / 60).toFixed(1)} min`;
}

export function fmtBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '-';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Epoch seconds → "2026-11-20 10:00:01.234567 UTC". */
export function fmtClock(t: number): string {
  if (!t) return '-';
  const whole = Math.floor(t);
  const full = epochIso(whole);
  if (!full) return `${t} s`;
  const iso = full.slice(0, 19).replace('T', ' ');
  const frac = Math.round((t - whole) * 1e6).toString().padStart(6, '0').slice(0, 6);
  return `${iso}.${frac} UTC`;
}

/** Cut long untrusted text for a label (the full text goes in the <title>). */
export function cut(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

const DIR = ['client → server', 'server → client'] as const;

export function dirName(dir: 0 | 1): string {
  return DIR[dir];
}

/** The one-line label drawn on an event's arrow. */
export function eventLabel(e: FlowEvent): string {
  const retx = e.retransmission ? ' (retransmitted)' : '';
  switch (e.type) {
    case 'syn':
      return 'SYN' + retx;
    case 'syn-ack':
      return 'SYN-ACK' + retx;
    case 'handshake-ack':
      return 'ACK';
    case 'request': {
      const h = e.http;
      const what = `${h?.method ?? '?'} ${h?.path ?? ''}`.trim();
      const body = h && h.bodyBytes > 0 ? ` · body ${fmtBytes(h.bodyBytes)}` : '';
      return what + body + retx;
    }
    case 'response': {
      const h = e.http;
      if (!h) return 'response' + retx;
      let s = `${h.status ?? '?'}${h.reason ? ' ' + h.reason : ''}`;
      if (h.contentLength !== undefined) {
        s += h.complete || h.bodyBytes >= h.contentLength ? ` · ${fmtBytes(h.contentLength)}` : ` · ${fmtBytes(h.bodyBytes)} of ${fmtBytes(h.contentLength)}`;
      } else if (h.bodyBytes) s += ` · ${fmtBytes(h.bodyBytes)}${h.chunked ? ' chunked' : ''}`;
      if (!h.complete) s += ' (incomplete)';
      if (h.connectionClose) s += ' · Connection: close';
      return s + retx;
    }
    case 'data':
      return `data (${e.proto ?? 'other'}) · ${fmtBytes(e.len)}` + retx;
    case 'fin':
      return 'FIN' + retx;
    case 'rst':
      return 'RST' + retx;
    case 'retransmission':
      return `retransmission · ${fmtBytes(e.len)}`;
    case 'zero-window':
      return 'zero window (receiver full)';
    case 'window-open':
      return e.stallS !== undefined ? `window open after ${fmtDur(e.stallS)}` : 'window open';
    case 'keep-alive':
      return 'TCP keep-alive probe';
    case 'lost-segment':
      return 'segment not captured';
  }
}

/**
 * The hover text of an event: Wireshark packet number, exact time, what it is. `packet`: the
 * number as shown (several files: "file:packet").
 */
export function eventTitle(e: FlowEvent, start: number, packet = String(e.packet)): string {
  const parts = [`packet ${packet}`, `${eventLabel(e)}`, dirName(e.dir), `t+${(e.time - start).toFixed(6)} s`, fmtClock(e.time)];
  if (e.len) parts.push(`${e.len} B payload`);
  if (e.http?.host) parts.push(`Host: ${e.http.host}`);
  if (e.type === 'rst' && e.ttl >= 0) parts.push(`TTL ${e.ttl}`);
  return parts.join(' · ');
}
