import { describe, expect, it } from 'vitest';
import { EventLog, eventTypeIndex, type EventObjects } from '../../src/conn/event-log.js';
import { flowEventWith, type FlowEvent, type FlowEventType, type HttpInfo } from '../../src/conn/flow.js';
import { newHttpInfo } from '../../src/conn/http1.js';

const fresh: EventObjects = { plainEvent: () => undefined, httpEvent: () => undefined, info: () => undefined, newInfo: newHttpInfo };

/** The bounded event list as it was kept before EventLog: an array, its middle spliced out. */
class ArrayModel {
  events: FlowEvent[] = [];
  dropped = 0;
  requestsDropped: number | undefined;
  gap: number | undefined;
  constructor(private readonly max: number) {}
  push(ev: FlowEvent): void {
    if (this.events.length >= this.max) {
      const keepHead = Math.min(100, Math.floor(this.max / 4));
      const drop = Math.floor(this.max / 2);
      const requests = this.events.slice(keepHead, keepHead + drop).filter((e) => e.type === 'request').length;
      this.events.splice(keepHead, drop);
      this.dropped += drop;
      if (requests > 0) this.requestsDropped = (this.requestsDropped ?? 0) + requests;
      this.gap = keepHead < this.events.length ? this.events[keepHead]!.packet : ev.packet;
    }
    this.events.push(ev);
  }
}

/** A small deterministic generator (no flaky seeds). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const PLAIN: FlowEventType[] = ['syn', 'syn-ack', 'handshake-ack', 'fin', 'keep-alive', 'lost-segment', 'zero-window'];

describe('EventLog: the bounded event list, its tail as rows', () => {
  for (const max of [8, 20, 128, 600]) {
    it(`keeps, drops and counts as the spliced array did (max ${max})`, () => {
      const rnd = lcg(max);
      const log = new EventLog(max);
      // As the flow table does: the first keepHead events as objects, the rest in the log.
      const head: FlowEvent[] = [];
      const model = new ArrayModel(max);
      let requestsDropped: number | undefined;
      let gap: number | undefined;
      for (let n = 1; n <= max * 9 + 7; n++) {
        const pick = rnd();
        const dir = (rnd() < 0.5 ? 0 : 1) as 0 | 1;
        const time = 1_700_000_000 + n / 1000;
        let ev: FlowEvent;
        let http: HttpInfo | undefined;
        if (pick < 0.6) {
          http = newHttpInfo();
          const req = rnd() < 0.5;
          if (req) { http.method = 'GET'; http.path = `/p${n}`; http.host = 'h'; http.version = 'HTTP/1.1'; }
          else { http.status = 200 + (n % 3); http.reason = 'OK'; http.server = 'nginx'; http.contentLength = n; http.requestIndex = n; }
          http.connectionClose = n % 5 === 0 ? true : n % 7 === 0 ? false : undefined;
          http.chunked = n % 11 === 0 ? true : undefined;
          http.bodyBytes = n * 3; http.complete = n % 2 === 0; http.endPacket = n + 1; http.endTime = time + 0.5;
          ev = { type: req ? 'request' : 'response', dir, packet: n, time, tsNsec: n, seq: n * 100, len: n % 1500, ttl: 64, ipId: n, http: { ...http } };
        } else if (pick < 0.85) {
          ev = { type: PLAIN[n % PLAIN.length]!, dir, packet: n, time, tsNsec: n, seq: n, len: 0, ttl: 63, ipId: -1 };
        } else {
          ev = flowEventWith('rst', dir, n, time, n, n, 0, 60, n, n % 2 === 0, n % 3 === 0, n % 4 === 0 ? true : undefined,
            n % 5 === 0 ? 0.25 : undefined, n % 6 === 0 ? 'tls' : undefined);
        }
        model.push(ev);
        if (head.length < log.keepHead) { head.push(ev); continue; }
        const before = log.dropped;
        const r = log.push(eventTypeIndex(ev.type), ev.packet);
        log.set(r, eventTypeIndex(ev.type), dir, ev.time, ev.tsNsec, ev.seq, ev.len, ev.ttl, ev.ipId,
          ev.ack, ev.retransmission, ev.duplicate, ev.stallS, ev.proto);
        if (http) log.setMessage(r, http);
        if (log.dropped !== before) {
          gap = log.firstPacket();
          if (log.droppedRequests > 0) requestsDropped = (requestsDropped ?? 0) + log.droppedRequests;
        }
      }
      expect(log.dropped).toBe(model.dropped);
      expect(log.dropped).toBeGreaterThan(0);
      expect(requestsDropped).toBe(model.requestsDropped);
      expect(gap).toBe(model.gap);
      const out: FlowEvent[] = [...head];
      log.materialize(out, fresh);
      // Same events, same fields, same key order (JSON.stringify keeps both visible).
      expect(JSON.stringify(out)).toBe(JSON.stringify(model.events));
      expect(out.map((e) => Object.keys(e).join())).toEqual(model.events.map((e) => Object.keys(e).join()));
    });
  }

  it('writes a message\'s later progress into its row only while the row is kept', () => {
    const log = new EventLog(8); // a head of 2 (not here), a tail of 6 rows, 4 dropped at once
    const h = newHttpInfo();
    h.method = 'GET';
    const r = log.push(eventTypeIndex('request'), 1);
    log.set(r, eventTypeIndex('request'), 0, 1.5, 0, 0, 40, 64, 1, undefined, undefined, undefined, undefined, undefined);
    log.setMessage(r, h);
    h.bodyBytes = 10; h.complete = true; h.endPacket = 9; h.endTime = 2.5;
    expect(log.rowOfPushed(0)).toBe(r);
    log.progress(log.rowOfPushed(0), h);
    const out: FlowEvent[] = [];
    log.materialize(out, fresh);
    expect(out[0]!.http).toMatchObject({ method: 'GET', bodyBytes: 10, complete: true, endPacket: 9, endTime: 2.5 });
    for (let n = 2; n <= 7; n++) {
      const q = log.push(eventTypeIndex('fin'), n);
      log.set(q, eventTypeIndex('fin'), 1, n, 0, 0, 0, 64, 1, undefined, undefined, undefined, undefined, undefined);
    }
    // The 7th tail event finds 2 + 6 kept: pushed numbers 0 to 3 are dropped.
    expect(log.dropped).toBe(4);
    expect(log.firstPacket()).toBe(5);
    expect(log.droppedRequests).toBe(1);
    expect(log.rowOfPushed(0)).toBe(-1);
    expect(log.rowOfPushed(3)).toBe(-1);
    expect(log.rowOfPushed(4)).toBeGreaterThanOrEqual(0);
    expect(log.rowOfPushed(6)).toBeGreaterThanOrEqual(0);
    expect(log.length).toBe(3);
  });

  it('materializes into reused objects when the pools have them', () => {
    const log = new EventLog(16);
    const r = log.push(eventTypeIndex('syn'), 1);
    log.set(r, eventTypeIndex('syn'), 0, 1.25, 0, 0, 0, 64, 7, undefined, undefined, undefined, undefined, undefined);
    const old: FlowEvent = { type: 'fin', dir: 1, packet: 99, time: 9.5, tsNsec: 9, seq: 9, len: 9, ttl: 9, ipId: 9 };
    const out: FlowEvent[] = [];
    log.materialize(out, { ...fresh, plainEvent: () => old });
    expect(out[0]).toBe(old);
    expect(old).toEqual({ type: 'syn', dir: 0, packet: 1, time: 1.25, tsNsec: 0, seq: 0, len: 0, ttl: 64, ipId: 7 });
  });
});
