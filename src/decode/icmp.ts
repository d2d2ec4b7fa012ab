/**
 * ICMP (RFC 792/1191) and ICMPv6 (RFC 4443): type, code, the path-MTU value of
 * frag-needed / packet-too-big, and the IP + first transport bytes an error message
 * quotes (into pkt.quoted). The quoted TCP header is NOT reported as TCP: pkt.l4 is
 * ICMP / ICMPv6 for these frames.
 */
import { u16, u32 } from './bytes.js';
import { walkIPv6Ext } from './ipv6.js';
import { L4 } from './packet.js';
import { P_ICMPV6_CUT, P_ICMP_CUT } from './problems.js';
import {
  SEEN_FRAG_NEEDED, SEEN_ICMP, SEEN_ICMPV6, SEEN_TOO_BIG, SEEN_UDP, SEEN_V4, SEEN_V4_FRAG, SEEN_V6,
  type DecodeState,
} from './state.js';

export function decodeIcmp(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  const pkt = s.pkt;
  const cap = end - off;
  if (cap < 1) { s.fail(P_ICMP_CUT, 'ICMP header cut (0 bytes)'); return; }
  s.seen |= SEEN_ICMP;
  const type = buf[off]!;
  pkt.icmpType = type;
  if (cap >= 2) {
    pkt.icmpCode = buf[off + 1]!;
    if (type === 3 && pkt.icmpCode === 4) s.seen |= SEEN_FRAG_NEEDED;
  }
  if (cap < 8) {
    if (end < wend) pkt.truncated = true;
    s.fail(P_ICMP_CUT, `ICMP header cut (${cap} of 8 bytes)`);
    return;
  }
  setBody(s, buf, off, end, wend);
  pkt.l4 = L4.ICMP;
  if (type === 3 && pkt.icmpCode === 4) pkt.icmpMtu = u16(buf, off + 6);
  // Error messages quote the offending datagram: unreachable, source quench, redirect,
  // time exceeded, parameter problem.
  if (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) decodeQuoted(s, buf, off + 8, end);
}

export function decodeIcmpv6(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  const pkt = s.pkt;
  const cap = end - off;
  if (cap < 1) { s.fail(P_ICMPV6_CUT, 'ICMPv6 header cut (0 bytes)'); return; }
  s.seen |= SEEN_ICMPV6;
  const type = buf[off]!;
  pkt.icmpType = type;
  if (type === 2) s.seen |= SEEN_TOO_BIG;
  if (cap >= 2) pkt.icmpCode = buf[off + 1]!;
  if (cap < 8) {
    if (end < wend) pkt.truncated = true;
    s.fail(P_ICMPV6_CUT, `ICMPv6 header cut (${cap} of 8 bytes)`);
    return;
  }
  setBody(s, buf, off, end, wend);
  pkt.l4 = L4.ICMPv6;
  if (type === 2) pkt.icmpMtu = u32(buf, off + 4);
  // Errors: destination unreachable, packet too big, time exceeded, parameter problem.
  if (type >= 1 && type <= 4) decodeQuoted(s, buf, off + 8, end);
}

/** ICMP body (after the 8-byte header) as the packet's payload. */
function setBody(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  const pkt = s.pkt;
  pkt.l4Buf = buf;
  pkt.payloadOff = off + 8;
  pkt.payloadLen = wend - off - 8;
  const c = end - off - 8;
  pkt.payloadCaptured = c < pkt.payloadLen ? c : pkt.payloadLen;
  if (end < wend) pkt.truncated = true;
}

/**
 * The quoted IP header (and first 8 transport bytes) of an ICMP error at `off`; the
 * quote is usually shorter than the datagram, so only captured bytes are used and
 * nothing here is a problem. Headers seen here are counted like tshark does (an IPv4
 * fragment quoted in an error counts as a fragment frame).
 */
function decodeQuoted(s: DecodeState, buf: Buffer, off: number, end: number): void {
  const q = s.pkt.quoted;
  if (end - off < 1) return;
  const v = buf[off]! >> 4;
  if (v === 4) {
    s.seen |= SEEN_V4;
    if (end - off < 20) return;
    const ihl = (buf[off]! & 15) << 2;
    if (ihl < 20) return;
    q.ipVersion = 4;
    q.src[0] = u32(buf, off + 12);
    q.dst[0] = u32(buf, off + 16);
    q.proto = buf[off + 9]!;
    q.ipTotalLen = u16(buf, off + 2);
    const fw = u16(buf, off + 6);
    if (fw & 0x3fff) s.seen |= SEEN_V4_FRAG;
    if ((fw & 0x1fff) !== 0) return; // a later fragment: no transport header
    quotedTransport(s, q.proto, buf, off + ihl, end);
  } else if (v === 6) {
    s.seen |= SEEN_V6;
    if (end - off < 40) return;
    q.ipVersion = 6;
    for (let i = 0; i < 4; i++) {
      q.src[i] = u32(buf, off + 8 + 4 * i);
      q.dst[i] = u32(buf, off + 24 + 4 * i);
    }
    q.ipTotalLen = 40 + u16(buf, off + 4);
    q.proto = buf[off + 6]!;
    if (!walkIPv6Ext(s, buf, off + 40, end, end, q.proto, true)) return;
    q.proto = s.extNh;
    if (s.fragHdrOff >= 0 && (u16(buf, s.fragHdrOff + 2) & 0xfff8) !== 0) return;
    quotedTransport(s, q.proto, buf, s.extOff, end);
  }
}

function quotedTransport(s: DecodeState, proto: number, buf: Buffer, off: number, end: number): void {
  if (proto !== 6 && proto !== 17) return;
  if (end - off < 4) return;
  const q = s.pkt.quoted;
  q.srcPort = u16(buf, off);
  q.dstPort = u16(buf, off + 2);
  if (proto === 17) s.seen |= SEEN_UDP;
  else if (end - off >= 8) q.seq = u32(buf, off + 4);
}
