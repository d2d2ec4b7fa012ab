/**
 * Edge cases of the network detectors on hand-built connections (the proof is the lab
 * captures in test/lab and the corpus in network-corpus.test.ts; these pin the rules).
 */
import { describe, expect, it } from 'vitest';
import { newDirStats, type Flow, type FlowEvent } from '../../src/conn/flow.js';
import type { Detector, DetectorContext } from '../../src/detect/detector.js';
import type { Finding } from '../../src/detect/finding.js';
import { middleboxReset } from '../../src/detect/middlebox-reset.js';
import { pmtuBlackhole } from '../../src/detect/pmtu-blackhole.js';
import { zeroWindow } from '../../src/detect/zero-window.js';
import { synUnanswered } from '../../src/detect/syn-unanswered.js';
import { connectionRefused } from '../../src/detect/connection-refused.js';
import { portReuse } from '../../src/detect/port-reuse.js';
import { retransmissionLoss } from '../../src/detect/retransmission-loss.js';

function flow(id: number, over: Partial<Flow> = {}): Flow {
  return {
    id, ipVersion: 4, client: `10.0.0.1:${40000 + id}`, server: '10.0.0.2:80', clientAddr: '10.0.0.1', serverAddr: '10.0.0.2',
    clientPort: 40000 + id, serverPort: 80, clientBy: 'syn', start: 100 + id, end: 101 + id, firstPacket: 1, lastPacket: 9, file: 0,
    dirs: [newDirStats(), newDirStats()], synTime: 100 + id, synAckTime: 100.01 + id, handshakeAckTime: 100.02 + id, rtt: 0.02,
    rttClientSide: 0.01, rttServerSide: 0.01, state: 'closed-rst', firstFinBy: '', firstRstBy: 'server', requests: 0, responses: 0,
    events: [], eventsDropped: 0, truncated: false, evicted: false, ...over,
  };
}
function ev(type: FlowEvent['type'], dir: 0 | 1, packet: number, time: number, extra: Partial<FlowEvent> = {}): FlowEvent {
  return { type, dir, packet, time, tsNsec: 0, seq: 0, len: 0, ttl: 64, ipId: -1, ...extra };
}
function run(d: Detector, flows: Flow[]): Finding[] {
  const out: Finding[] = [];
  const ctx: DetectorContext = { report: (f) => out.push(f), captures: [] };
  for (const f of flows) d.onFlowEnd?.(f, ctx);
  d.finish?.(ctx);
  return out;
}

describe('middlebox-reset', () => {
  it('does not flag a RST with the TTL of its sender', () => {
    const f = flow(0);
    Object.assign(f.dirs[1], { ttlMin: 61, ttlMax: 61, ttlFirst: 61, rst: 1, packets: 3 });
    f.events = [ev('syn-ack', 1, 2, 100.01, { ttl: 61 }), ev('rst', 1, 5, 100.5, { ttl: 61 })];
    expect(run(middleboxReset(), [f])).toEqual([]);
  });
  it('flags a RST whose TTL differs and names both TTLs', () => {
    const f = flow(0);
    Object.assign(f.dirs[1], { ttlMin: 61, ttlMax: 61, ttlFirst: 61, rst: 1, packets: 3 });
    f.events = [ev('syn-ack', 1, 2, 100.01, { ttl: 61 }), ev('rst', 1, 5, 100.5, { ttl: 63 })];
    const [x] = run(middleboxReset(), [f]);
    expect(x?.params).toMatchObject({ ttl_seen: 63, ttl_expected: 61 });
    expect(x?.evidence.map((e) => e.packet)).toContain(5);
  });
  it('cannot judge a RST when its sender sent nothing else', () => {
    const f = flow(0, { state: 'refused' });
    Object.assign(f.dirs[1], { rst: 1, packets: 1 });
    f.events = [ev('syn', 0, 1, 100), ev('rst', 1, 2, 100.01, { ttl: 255 })];
    expect(run(middleboxReset(), [f])).toEqual([]);
  });
});

describe('pmtu-blackhole', () => {
  it('is never reported on a connection without retransmissions', () => {
    const f = flow(0, { state: 'open' });
    Object.assign(f.dirs[1], { maxSegment: 1448, maxAckedSegment: 200, packets: 10 });
    f.dirs[0].mss = 1460;
    expect(run(pmtuBlackhole(), [f])).toEqual([]);
  });
  it('reports full-size segments retransmitted while smaller ones were acknowledged', () => {
    const f = flow(0, { state: 'open' });
    Object.assign(f.dirs[1], { maxSegment: 1448, maxAckedSegment: 300, packets: 10, retransmissions: 3 });
    f.dirs[0].mss = 1460;
    f.events = [ev('data', 1, 4, 100.1, { len: 300 }), ...[0.5, 1.5, 3.5].map((t, i) => ev('retransmission', 1, 6 + i, 100 + t, { len: 1448, seq: 301 }))];
    const [x] = run(pmtuBlackhole(), [f]);
    expect(x?.params['largest_acked_segment']).toBe(300);
  });
});

describe('retransmission-loss', () => {
  // A download under heavy loss: the server's segments retransmitted with backoff until t+4 s,
  // new data after that, then the client's FIN at `end` (curl --max-time). Half-closed: the
  // server never answered the FIN.
  function lossy(end: number, lastData: number): Flow {
    const f = flow(0, { start: 100, end, state: 'half-closed', firstFinBy: 'client', firstRstBy: '' });
    Object.assign(f.dirs[1], { packets: 20, dataPackets: 16, retransmissions: 8, lastPayloadTime: lastData });
    Object.assign(f.dirs[0], { packets: 12, dataPackets: 1, lastPayloadTime: 100.05 });
    const retrans = [0.4, 0.6, 1.0, 1.8, 2.2, 2.6, 3.0, 4.0].map((t, i) => ev('retransmission', 1, 10 + i, 100 + t, { len: 1448, seq: 1 + 1448 * (i >> 1) }));
    f.events = [ev('request', 0, 4, 100.05, { len: 80 }), ...retrans, ev('data', 1, 30, lastData, { len: 1448 }), ev('fin', 0, 40, end)];
    return f;
  }
  it('reports a transfer that crawled until the client gave up, 6 s after the last retransmission', () => {
    const [x] = run(retransmissionLoss(), [lossy(110, 108.5)]);
    expect(x?.kind).toBe('retransmission-loss');
    expect(x?.summary).toContain('abandoned mid-transfer by the client (FIN)');
  });
  it('does not blame the loss when the connection recovered and then sat idle for a minute', () => {
    expect(run(retransmissionLoss(), [lossy(165, 105)])).toEqual([]);
  });
});

describe('zero-window', () => {
  it('ignores a short stall and reports a long one with stall_s', () => {
    const short = flow(0, { state: 'closed-fin' });
    short.dirs[0].zeroWindows = 1;
    short.events = [ev('zero-window', 0, 5, 100.1), ev('window-open', 0, 6, 100.15, { stallS: 0.05 })];
    expect(run(zeroWindow(), [short])).toEqual([]);
    const long = flow(1, { state: 'closed-fin' });
    long.dirs[0].zeroWindows = 3;
    long.events = [ev('zero-window', 0, 5, 101.1), ev('window-open', 0, 9, 105.1, { stallS: 4 })];
    expect(run(zeroWindow(), [long])[0]?.params['stall_s']).toBe(4);
  });
});

describe('handshake failures', () => {
  it('does not take duplicate copies of one SYN for retransmissions', () => {
    const f = flow(0, { state: 'closed-fin', synAckTime: 100.0003 });
    f.dirs[1].firstTime = 100.0003;
    f.events = [ev('syn', 0, 1, 100), ev('syn', 0, 2, 100.000001, { retransmission: true }), ev('syn-ack', 1, 3, 100.0003)];
    expect(run(synUnanswered(), [f])).toEqual([]);
  });
  it('groups refusals toward one server into one window', () => {
    const fs = [0, 1, 2].map((i) => {
      const f = flow(i, { state: 'refused', synAckTime: -1, handshakeAckTime: -1 });
      f.dirs[0].syn = 1;
      f.dirs[1].rst = 1;
      f.events = [ev('syn', 0, 10 * i + 1, 100 + i * 0.4), ev('rst', 1, 10 * i + 2, 100 + i * 0.4 + 0.001, { ack: true })];
      return f;
    });
    const out = run(connectionRefused(), fs);
    expect(out).toHaveLength(1);
    expect(out[0]?.params).toMatchObject({ refused: 3, window_s: 0.8 });
    expect(out[0]?.aggregate).toBe(true);
  });
  it('reports a 4-tuple reused within 2 MSL once per client address', () => {
    const a = flow(0, { state: 'closed-fin', firstFinBy: 'server', firstRstBy: '' });
    const b = flow(1, { state: 'closed-fin', client: a.client, clientPort: a.clientPort, start: 102, end: 102.5 });
    b.events = [ev('syn', 0, 20, 102)];
    const out = run(portReuse(), [a, b]);
    expect(out).toHaveLength(1);
    expect(out[0]?.params).toMatchObject({ client: '10.0.0.1', ports: 1, reuses: 1 });
  });
});
