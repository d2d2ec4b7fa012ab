/** IPv6 header (RFC 8200) and its extension-header chain. */
import { u16, u32 } from './bytes.js';
import {
  P_FRAG_CUT, P_IPV6_CUT, P_IPV6_EXT_CUT, P_IPV6_EXT_LONG, P_IPV6_EXT_PAST, P_IP_VERSION, P_TUNNEL_DEPTH,
} from './problems.js';
import { MAX_TUNNEL_DEPTH, SEEN_V6, SEEN_V6_ATOMIC, SEEN_V6_FRAGHDR, type DecodeState } from './state.js';
import { decodeIpPayload, resetTransport } from './transport.js';

/**
 * Longest extension-header chain followed. Each header is >= 8 bytes, so the walk is
 * bounded by the packet anyway; tshark follows chains of ~100 headers (libpcap's
 * ipv6_ext_headers.pcap), so the limit is generous.
 */
export const MAX_EXT_HEADERS = 128;

/** Decode the IPv6 header at `off`; see decodeIPv4 for the (end, wend) convention. */
export function decodeIPv6(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  const pkt = s.pkt;
  if (end - off < 1) { s.fail(P_IPV6_CUT, 'IPv6 header cut (0 bytes)'); return; }
  // Counted as soon as an IPv6 header is expected, as tshark lists "ipv6" in frame.protocols.
  s.seen |= SEEN_V6;
  if (buf[off]! >> 4 !== 6) { s.fail(P_IP_VERSION, `IP version ${buf[off]! >> 4} where IPv6 was expected`); return; }
  if (s.ipCount >= MAX_TUNNEL_DEPTH + 1) { s.fail(P_TUNNEL_DEPTH); return; }
  if (end - off < 40) {
    if (end < wend) pkt.truncated = true;
    s.fail(P_IPV6_CUT, `IPv6 header cut (${end - off} of 40 bytes)`);
    return;
  }
  pkt.tunnelDepth = s.ipCount;
  s.ipCount++;
  const plen = u16(buf, off + 4);
  const nh = buf[off + 6]!;
  pkt.ipVersion = 6;
  for (let i = 0; i < 4; i++) {
    pkt.src[i] = u32(buf, off + 8 + 4 * i);
    pkt.dst[i] = u32(buf, off + 24 + 4 * i);
  }
  pkt.ttl = buf[off + 7]!;
  pkt.ipId = -1;
  pkt.df = false;
  resetTransport(pkt);

  // Payload length 0: a jumbogram (RFC 2675) or a BIG TCP / TSO capture: use the frame.
  let ipEnd: number;
  if (plen === 0) {
    ipEnd = wend;
  } else if (plen > wend - off - 40) {
    s.warn('IPv6 payload length exceeds packet length',
      `IPv6 payload length ${plen} exceeds packet length (${wend - off - 40} bytes)`);
    ipEnd = wend;
    pkt.truncated = true; // fewer bytes captured than the header needs
  } else {
    ipEnd = off + 40 + plen;
  }
  pkt.ipTotalLen = ipEnd - off;
  if (end < ipEnd) pkt.truncated = true;
  const cend = end < ipEnd ? end : ipEnd;

  if (!walkIPv6Ext(s, buf, off + 40, cend, ipEnd, nh, false)) {
    pkt.ipHeaderLen = s.extOff - off;
    pkt.proto = s.extNh;
    return;
  }
  pkt.ipHeaderLen = s.extOff - off;
  pkt.proto = s.extNh;
  const fh = s.fragHdrOff;
  if (fh < 0) {
    decodeIpPayload(s, s.extNh, buf, s.extOff, cend, ipEnd);
    return;
  }

  // A real (non-atomic) fragment.
  pkt.isFragment = true;
  if (cend < ipEnd) {
    s.stats.fragmentsDropped++;
    s.fail(P_FRAG_CUT, 'IPv6 fragment cut by the snap length: not reassembled');
    return;
  }
  const fragWord = u16(buf, fh + 2);
  const id = u32(buf, fh + 4);
  const r = s.frags.add(6, pkt.src, pkt.dst, id, -1, s.time,
    buf, off, fh - off, fh + 8, ipEnd - fh - 8, fragWord & 0xfff8, (fragWord & 1) !== 0);
  if (r === null) return;
  pkt.reassembled = true;
  pkt.fragmentCount = s.frags.lastFragmentCount;
  pkt.reassembledLen = r.length;
  // The reassembled buffer is the unfragmentable part (fixed header + extension headers
  // before the Fragment header) followed by the fragmentable part, which may start with
  // more extension headers. Its next-header comes from the first fragment.
  const hl = s.frags.lastHeaderLen;
  if (!walkIPv6Ext(s, r, hl, r.length, r.length, s.frags.lastNextHeader, false)) return;
  pkt.proto = s.extNh;
  if (s.fragHdrOff >= 0) { s.fail(P_IPV6_EXT_PAST, 'IPv6 reassembled datagram holds another fragment'); return; }
  decodeIpPayload(s, s.extNh, r, s.extOff, r.length, r.length);
}

/**
 * Walk IPv6 extension headers starting at `off` with next-header `nh`; `cend` is the
 * captured end, `ipEnd` the end of the datagram. On return s.extOff/s.extNh are the
 * offset and protocol of the first non-extension header (or of the header where the
 * walk stopped), and s.fragHdrOff the offset of a non-atomic Fragment header (which
 * ends the walk: what follows is fragmentable data), -1 if none. Atomic fragments
 * (offset 0, M = 0) are walked through. Fragment headers are counted in `s.seen`.
 * Returns false when the chain is cut, runs past the datagram or is too long (then
 * a problem is recorded unless `quoted`).
 */
export function walkIPv6Ext(
  s: DecodeState, buf: Buffer, off: number, cend: number, ipEnd: number, nh: number, quoted: boolean,
): boolean {
  s.fragHdrOff = -1;
  for (let n = 0; ; n++) {
    s.extOff = off;
    s.extNh = nh;
    let len: number;
    switch (nh) {
      case 0: case 43: case 60: case 135: case 139: case 140:
        // hop-by-hop, routing, destination options, mobility, HIP, shim6: (len + 1) * 8
        if (off + 2 > cend) return extCut(s, off, cend, ipEnd, quoted);
        len = (buf[off + 1]! + 1) << 3;
        break;
      case 51: // AH: (len + 2) * 4
        if (off + 2 > cend) return extCut(s, off, cend, ipEnd, quoted);
        len = (buf[off + 1]! + 2) << 2;
        break;
      case 44: { // Fragment
        if (off + 8 > cend) return extCut(s, off, cend, ipEnd, quoted); // not counted (tshark neither)
        s.seen |= SEEN_V6_FRAGHDR;
        const fw = u16(buf, off + 2);
        if ((fw & 0xfff9) === 0) {
          s.seen |= SEEN_V6_ATOMIC; // atomic fragment (RFC 6946): decode straight through
          len = 8;
          break;
        }
        s.fragHdrOff = off;
        s.extOff = off + 8;
        s.extNh = buf[off]!;
        return true;
      }
      default:
        return true; // upper layer, ESP (50), No Next Header (59) or unknown
    }
    if (n >= MAX_EXT_HEADERS) {
      if (!quoted) s.fail(P_IPV6_EXT_LONG, `IPv6 extension header chain longer than ${MAX_EXT_HEADERS}`);
      return false;
    }
    if (off + len > ipEnd) {
      if (!quoted) s.fail(P_IPV6_EXT_PAST, `IPv6 extension header ${nh} (${len} bytes) runs past the packet`);
      return false;
    }
    if (off + len > cend) return extCut(s, off, cend, ipEnd, quoted);
    nh = buf[off]!;
    off += len;
  }
}

function extCut(s: DecodeState, off: number, cend: number, ipEnd: number, quoted: boolean): boolean {
  if (quoted) return false;
  if (cend < ipEnd) {
    s.pkt.truncated = true;
    s.fail(P_IPV6_EXT_CUT, `IPv6 extension header ${s.extNh} at offset ${off} cut by the snap length`);
  } else {
    s.fail(P_IPV6_EXT_PAST, `IPv6 extension header ${s.extNh} at offset ${off} runs past the packet`);
  }
  return false;
}
