/**
 * One keep-alive connection carrying many requests (an upstream pool's connection can carry
 * millions): the tracker's memory stays bounded, and responses are still matched to the
 * methods of their requests (a HEAD's response has no body) long after the first ones.
 */
import { describe, expect, it } from 'vitest';
import { Http1Direction, type HttpHost } from '../../src/conn/http1.js';
import type { HttpInfo } from '../../src/conn/flow.js';

describe('HTTP/1 tracking on a connection of many requests', () => {
  it('keeps a bounded list of request methods and still answers HEAD without a body', () => {
    const req = new Http1Direction(true, null);
    const resp = new Http1Direction(false, req);
    const responses: HttpInfo[] = [];
    const host: HttpHost = {
      message: (info, from) => { if (from === resp) responses.push(info); },
      spareInfo: () => undefined,
    };
    const N = 20_000;
    let packet = 0;
    const at = () => ({ number: ++packet, time: packet / 1000 });
    const feed = (d: Http1Direction, text: string) => {
      const b = Buffer.from(text, 'latin1');
      d.feed(b, 0, b.length, b.length, at(), host);
    };
    let maxKept = 0;
    for (let i = 0; i < N; i++) {
      const head = i % 1000 === 999; // every thousandth request is a HEAD
      feed(req, `${head ? 'HEAD' : 'GET'} /r${i} HTTP/1.1\r\nHost: h\r\n\r\n`);
      // A HEAD's response announces a length it does not send (RFC 9110 §9.3.2).
      feed(resp, `HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n${head ? '' : 'hello'}`);
      maxKept = Math.max(maxKept, req.pendingMethods.length);
    }
    expect(responses).toHaveLength(N);
    // Every response was found where it starts: none was taken for body bytes of a HEAD's response.
    expect(responses.every((r) => r.status === 200 && r.complete)).toBe(true);
    expect(responses[N - 1]!.requestIndex).toBe(N - 1);
    expect(responses[N - 1]!.bodyBytes).toBe(0); // request N-1 (19 999) is a HEAD
    expect(responses[N - 2]!.bodyBytes).toBe(5);
    expect(maxKept).toBeLessThanOrEqual(4097);
  });

  it('keeps a bounded list of methods when the responses never come (one direction captured)', () => {
    const req = new Http1Direction(true, null);
    const host: HttpHost = { message: () => undefined, spareInfo: () => undefined };
    const b = Buffer.from('GET / HTTP/1.1\r\nHost: h\r\n\r\n', 'latin1');
    let maxKept = 0;
    for (let i = 1; i <= 50_000; i++) {
      req.feed(b, 0, b.length, b.length, { number: i, time: i / 1000 }, host);
      maxKept = Math.max(maxKept, req.pendingMethods.length);
    }
    expect(req.count).toBe(50_000);
    expect(maxKept).toBeLessThanOrEqual(8192);
    // Requests still waiting keep their methods; the ones given up are unknown ('').
    expect(req.methodOf(49_999)).toBe('GET');
    expect(req.methodOf(0)).toBe('');
  });
});
