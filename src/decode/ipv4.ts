/** IPv4 header (RFC 791): fills the network-layer fields of the packet and hands the payload on. */
import { u16, u32 } from './bytes.js';
import { P_FRAG_CUT, P_IPV4_CUT, P_IPV4_IHL, P_IPV4_TOTLEN, P_IP_VERSION, P_TUNNEL_DEPTH } from './problems.js';
import { MAX_TUNNEL_DEPTH, SEEN_V4, SEEN_V4_FRAG, type DecodeState } from './state.js';
import { decodeIPv6 } from './ipv6.js';
import { decodeIpPayload, resetTransport } from './transport.js';

/**
 * Decode the IPv4 header at `off` (captured bytes end at `end`, wire bytes at `wend`).
 * A tunnelled header overwrites the outer one's fields: the packet ends up describing
 * the innermost IP header.
 */
export function decodeIPv4(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  const pkt = s.pkt;
  if (end - off < 1) { s.fail(P_IPV4_CUT, 'IPv4 header cut (0 bytes)'); return; }
  // Counted as soon as an IPv4 header is expected, as tshark lists "ip" in frame.protocols.
  s.seen |= SEEN_V4;
  const vihl = buf[off]!;
  if (vihl >> 4 !== 4) {
    // Like Wireshark's IPv4 dissector, hand an IPv6 header on to IPv6.
    if (vihl >> 4 === 6) { decodeIPv6(s, buf, off, end, wend); return; }
    s.fail(P_IP_VERSION, `IP version ${vihl >> 4} where IPv4 was expected`);
    return;
  }
  if (s.ipCount >= MAX_TUNNEL_DEPTH + 1) { s.fail(P_TUNNEL_DEPTH); return; }
  if (end - off < 20) {
    if (end < wend) pkt.truncated = true;
    s.fail(P_IPV4_CUT, `IPv4 header cut (${end - off} of 20 bytes)`);
    return;
  }
  pkt.tunnelDepth = s.ipCount;
  s.ipCount++;
  const ihl = (vihl & 15) << 2;
  const totalLen = u16(buf, off + 2);
  const fragWord = u16(buf, off + 6);
  pkt.ipVersion = 4;
  pkt.src[0] = u32(buf, off + 12);
  pkt.src[1] = 0; pkt.src[2] = 0; pkt.src[3] = 0;
  pkt.dst[0] = u32(buf, off + 16);
  pkt.dst[1] = 0; pkt.dst[2] = 0; pkt.dst[3] = 0;
  pkt.ttl = buf[off + 8]!;
  pkt.ipId = u16(buf, off + 4);
  pkt.df = (fragWord & 0x4000) !== 0;
  pkt.ipTotalLen = totalLen;
  pkt.ipHeaderLen = ihl;
  const proto = buf[off + 9]!;
  pkt.proto = proto;
  resetTransport(pkt);
  if (ihl < 20) { s.fail(P_IPV4_IHL, `IPv4 header length ${ihl} < 20`); return; }
  if (totalLen !== 0 && totalLen < ihl) { // (0: TSO, see below)
    s.fail(P_IPV4_TOTLEN, `IPv4 total length ${totalLen} < header length ${ihl}`);
    return;
  }

  const more = (fragWord & 0x2000) !== 0;
  const fragOff = (fragWord & 0x1fff) << 3;
  const isFrag = more || fragOff !== 0;
  if (isFrag) {
    s.seen |= SEEN_V4_FRAG;
    pkt.isFragment = true;
  }
  if (ihl > end - off) {
    if (end < wend) pkt.truncated = true;
    s.fail(P_IPV4_CUT, `IPv4 options cut (${end - off} of ${ihl} bytes)`);
    return;
  }

  // Where the datagram ends on the wire. Total length bounds it (Ethernet padding is
  // not payload); 0 means a TSO / BIG TCP capture (Wireshark then uses the frame
  // length); a total length past the end of the frame is ignored in favour of what
  // is there (Wireshark: "IPv4 total length exceeds packet length") and the packet is
  // marked truncated, since fewer bytes were captured than the header needs.
  let ipEnd: number;
  if (totalLen === 0) {
    ipEnd = wend;
  } else if (totalLen > wend - off) {
    s.warn('IPv4 total length exceeds packet length',
      `IPv4 total length ${totalLen} exceeds packet length (${wend - off} bytes)`);
    ipEnd = wend;
    pkt.truncated = true;
  } else {
    ipEnd = off + totalLen;
  }
  if (end < ipEnd) pkt.truncated = true;
  const cend = end < ipEnd ? end : ipEnd;

  if (!isFrag) {
    decodeIpPayload(s, proto, buf, off + ihl, cend, ipEnd);
    return;
  }

  // Fragment: hand its payload to the reassembler (data is copied).
  if (cend < ipEnd) {
    s.stats.fragmentsDropped++;
    s.fail(P_FRAG_CUT, `IPv4 fragment (id ${pkt.ipId}) cut by the snap length: not reassembled`);
    return;
  }
  const r = s.frags.add(4, pkt.src, pkt.dst, pkt.ipId, proto, s.time,
    buf, off, ihl, off + ihl, ipEnd - off - ihl, fragOff, more);
  if (r === null) return;
  pkt.reassembled = true;
  pkt.fragmentCount = s.frags.lastFragmentCount;
  pkt.reassembledLen = r.length;
  const hl = s.frags.lastHeaderLen;
  decodeIpPayload(s, proto, r, hl, r.length, r.length);
}
