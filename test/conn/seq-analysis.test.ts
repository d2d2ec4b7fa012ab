/**
 * analyzeSegment against cases where tshark 4.0's tcp.analysis verdicts are known (each one
 * seen in the public corpus: see the comments).
 */
import { describe, expect, it } from 'vitest';
import { ACK, FIN, SYN } from '../../src/decode/packet.js';
import {
  A_ACKED_UNSEEN, A_FAST_RETRANSMISSION, A_OUT_OF_ORDER, A_RETRANSMISSION, A_SPURIOUS, analyzeSegment, newSeqState,
} from '../../src/conn/seq-analysis.js';

function conn() {
  const c = newSeqState();
  const s = newSeqState();
  return {
    c: (seq: number, ack: number, flags: number, len: number, t: number, win = 8192) => analyzeSegment(c, s, seq, ack, flags, win, len, t, 0),
    s: (seq: number, ack: number, flags: number, len: number, t: number, win = 8192) => analyzeSegment(s, c, seq, ack, flags, win, len, t, 0),
  };
}

describe('analyzeSegment (Wireshark tcp.analysis)', () => {
  it('an exact copy of a SYN or FIN, even at once, is a retransmission, not out-of-order', () => {
    // zeek__vlan-pcp-dei.pcapng frames 1-3, pcpp__sll2.pcap frame 3
    const k = conn();
    expect(k.c(1000, 0, SYN, 0, 0)).toBe(0);
    expect(k.c(1000, 0, SYN, 0, 0) & (A_RETRANSMISSION | A_OUT_OF_ORDER)).toBe(A_RETRANSMISSION);
    k.s(2000, 1001, SYN | ACK, 0, 0.001);
    k.c(1001, 2001, ACK, 0, 0.002);
    k.c(1001, 2001, FIN | ACK, 0, 0.010);
    expect(k.c(1001, 2001, FIN | ACK, 0, 0.0101) & (A_RETRANSMISSION | A_OUT_OF_ORDER)).toBe(A_RETRANSMISSION);
  });

  it('data the peer already acknowledged is a spurious retransmission before any out-of-order test', () => {
    // zeek__pppoe-over-qinq.pcap frame 13
    const k = conn();
    k.s(5000, 0, 0, 1440, 0); // server data
    k.s(6440, 0, 0, 1440, 0.0001);
    k.c(100, 7880, ACK, 0, 0.001); // client acknowledges all of it
    const a = k.s(5000, 101, ACK, 1440, 0.002); // within the 3 ms out-of-order window
    expect(a & (A_SPURIOUS | A_RETRANSMISSION | A_OUT_OF_ORDER)).toBe(A_SPURIOUS | A_RETRANSMISSION);
  });

  it('more than one byte starting one before nextseq is new data, not a retransmission', () => {
    // suricata__issue-3341-tcphdr-01__urgent11_cve_2019_12260.pcap frame 10
    const k = conn();
    k.c(1000000, 0, SYN, 0, 0);
    expect(k.c(1000000, 1000001, ACK, 1024, 0.05) & A_RETRANSMISSION).toBe(0);
  });

  it('after an ACK of unseen data, the next ACK-matching segment is a fast retransmission (tshark 4.0)', () => {
    // zeek__tcp__reassembly.pcap frames 7-12: the client's 1448-byte segment was cut to 1440
    const k = conn();
    k.c(100, 0, SYN, 0, 0);
    k.s(500, 101, SYN | ACK, 0, 0.01);
    k.c(101, 501, ACK, 0, 0.04);
    k.s(501, 101, FIN | ACK, 0, 0.05);
    k.c(101, 501, ACK, 1440, 0.1);
    const a = k.s(501, 1549, FIN | ACK, 0, 0.1002); // acknowledges 8 bytes never seen
    expect(a & A_ACKED_UNSEEN).toBe(A_ACKED_UNSEEN);
    expect(a & (A_FAST_RETRANSMISSION | A_RETRANSMISSION)).toBe(A_FAST_RETRANSMISSION | A_RETRANSMISSION);
  });
});
