/** A finished connection as the JSON contract's `flows[]` entry. */
import type { Flow } from '../conn/flow.js';
import type { FlowSummary } from './result.js';
import { grown } from '../util/typed-array.js';

/** The connection's first close was a RST (sent before any FIN), which decides `closed_by` and `close`. */
function rstFirst(f: Flow): boolean {
  return f.firstRstBy !== '' && (f.firstFinBy === '' || firstOf(f.dirs[0].firstRstTime, f.dirs[1].firstRstTime) < firstOf(f.dirs[0].firstFinTime, f.dirs[1].firstFinTime));
}

/** The earlier of two first-FIN/RST times (0 = none); Infinity when neither. */
function firstOf(a: number, b: number): number {
  if (a > 0 && b > 0) return Math.min(a, b);
  return a > 0 ? a : b > 0 ? b : Infinity;
}

/** A connection worth keeping in full for reports: it did not end cleanly or had trouble on the way. */
export function isInteresting(f: Flow): boolean {
  if (f.state !== 'closed-fin' && f.state !== 'open') return true;
  const [c, s] = f.dirs;
  if (c.retransmissions + s.retransmissions > 0 || c.zeroWindows + s.zeroWindows > 0) return true;
  if (c.firstPayloadKind !== '' && c.firstPayloadKind !== 'http-request' && s.firstPayloadKind === '') return true;
  return false;
}

const STATES: FlowSummary['state'][] = ['refused', 'syn-unanswered', 'reset-in-handshake', 'closed-rst', 'closed-fin', 'half-closed', 'open'];
const SIDES: FlowSummary['closed_by'][] = ['', 'client', 'server'];
const CLOSES: FlowSummary['close'][] = ['', 'fin', 'rst'];

/**
 * `flows[]` while the analysis runs: each connection's summary values, kept in typed-array
 * columns (about 100 bytes a connection instead of an object with boxed numbers, 250), so
 * 100 000 listed connections do not weigh on the heap while the capture is read.
 * `toSummaries` makes the objects once, at the end.
 */
export class FlowList {
  length = 0;
  private cap = 0;
  private f64 = new Float64Array(0); // start, end, rtt_ms, payload_bytes, first_packet, last_packet
  private i32 = new Int32Array(0); // id, packets, syn, fin, rst, retransmissions, requests, responses, file
  private u8 = new Uint8Array(0); // state, closed_by, close
  private client: string[] = [];
  private server: string[] = [];

  /** `max`: connections listed at most (the columns never grow past it). */
  constructor(private readonly max = Infinity) {}

  add(f: Flow): void {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    // Straight into the columns (no FlowSummary object per connection): toSummaries makes the objects.
    const [c, s] = f.dirs;
    const rst = rstFirst(f);
    const d = this.f64, n = this.i32, b = this.u8;
    d[i * 6] = f.start; d[i * 6 + 1] = f.end; d[i * 6 + 2] = f.rtt >= 0 ? Math.round(f.rtt * 1e6) / 1e3 : -1;
    d[i * 6 + 3] = c.payloadBytes + s.payloadBytes; d[i * 6 + 4] = f.firstPacket; d[i * 6 + 5] = f.lastPacket;
    n[i * 9] = f.id; n[i * 9 + 1] = c.packets + s.packets; n[i * 9 + 2] = c.syn + s.syn; n[i * 9 + 3] = c.fin + s.fin;
    n[i * 9 + 4] = c.rst + s.rst; n[i * 9 + 5] = c.retransmissions + s.retransmissions; n[i * 9 + 6] = f.requests;
    n[i * 9 + 7] = f.responses; n[i * 9 + 8] = f.file;
    b[i * 3] = STATES.indexOf(f.state); b[i * 3 + 1] = SIDES.indexOf(rst ? f.firstRstBy : f.firstFinBy);
    b[i * 3 + 2] = CLOSES.indexOf(rst ? 'rst' : f.firstFinBy !== '' ? 'fin' : '');
    this.client.push(f.client);
    this.server.push(f.server);
  }

  private grow(): void {
    const cap = Math.max(this.length + 1, Math.min(this.max, Math.max(1024, this.cap * 2)));
    this.f64 = grown(this.f64, cap * 6);
    this.i32 = grown(this.i32, cap * 9);
    this.u8 = grown(this.u8, cap * 3);
    this.cap = cap;
  }

  toSummaries(): FlowSummary[] {
    const out: FlowSummary[] = new Array(this.length);
    const d = this.f64, n = this.i32, b = this.u8;
    for (let i = 0; i < this.length; i++) {
      const s0: FlowSummary = {
        id: n[i * 9]!,
        client: this.client[i]!,
        server: this.server[i]!,
        packets: n[i * 9 + 1]!,
        payload_bytes: d[i * 6 + 3]!,
        syn: n[i * 9 + 2]!,
        fin: n[i * 9 + 3]!,
        rst: n[i * 9 + 4]!,
        retransmissions: n[i * 9 + 5]!,
        start: d[i * 6]!,
        end: d[i * 6 + 1]!,
        state: STATES[b[i * 3]!]!,
        requests: n[i * 9 + 6]!,
        responses: n[i * 9 + 7]!,
        first_packet: d[i * 6 + 4]!,
        last_packet: d[i * 6 + 5]!,
        closed_by: SIDES[b[i * 3 + 1]!]!,
        close: CLOSES[b[i * 3 + 2]!]!,
        rtt_ms: d[i * 6 + 2]!,
      };
      const file = n[i * 9 + 8]!;
      if (file) s0.file = file;
      out[i] = s0;
    }
    return out;
  }
}
