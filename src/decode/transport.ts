/** Dispatch on the IP protocol number: TCP, UDP, ICMP, ICMPv6 and IP-level tunnels. */
import type { Packet } from './packet.js';
import { decodeIcmp, decodeIcmpv6 } from './icmp.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import { decodeMpls } from './link.js';
import { MAX_NEST, type DecodeState } from './state.js';
import { decodeTcp } from './tcp.js';
import { decodeGre, decodeEtherIp } from './tunnels.js';
import { decodeUdp } from './udp.js';

/**
 * Decode the payload of an IP header: `proto` is the protocol / next header, the
 * payload starts at `off`; `end` is the captured end, `wend` the datagram's end.
 */
export function decodeIpPayload(
  s: DecodeState, proto: number, buf: Buffer, off: number, end: number, wend: number,
): void {
  switch (proto) {
    case 6:
      decodeTcp(s, buf, off, end, wend);
      return;
    case 17:
      decodeUdp(s, buf, off, end, wend);
      return;
    case 1:
      decodeIcmp(s, buf, off, end, wend);
      return;
    case 58:
      decodeIcmpv6(s, buf, off, end, wend);
      return;
    case 4: // IPv4 in IP (RFC 2003)
      decodeIPv4(s, buf, off, end, wend);
      return;
    case 41: // IPv6 in IP (RFC 4213, 6in4)
      decodeIPv6(s, buf, off, end, wend);
      return;
    case 47:
      decodeGre(s, buf, off, end, wend);
      return;
    case 97:
      decodeEtherIp(s, buf, off, end, wend);
      return;
    case 137: // MPLS in IP (RFC 4023)
      decodeMpls(s, buf, off, end, wend);
      return;
    case 51: { // IPv4 Authentication Header (RFC 4302): (len + 2) * 4 bytes, then its next header
      // (IPv6 AH is walked with the extension headers.)
      if (end - off < 2 || ++s.nest > MAX_NEST) return;
      const len = (buf[off + 1]! + 2) << 2;
      if (off + len > end) return;
      s.pkt.proto = buf[off]!;
      decodeIpPayload(s, buf[off]!, buf, off + len, end, wend);
      return;
    }
    default:
      return; // ESP, SCTP, ...: proto is set, l4 stays None
  }
}

/** Reset the transport-layer fields before (re)decoding an IP payload. */
export function resetTransport(pkt: Packet): void {
  pkt.l4 = 0;
  pkt.srcPort = 0;
  pkt.dstPort = 0;
  pkt.seq = 0;
  pkt.ack = 0;
  pkt.flags = 0;
  pkt.window = 0;
  pkt.tcpHeaderLen = 0;
  pkt.payloadLen = 0;
  pkt.payloadCaptured = 0;
  pkt.payloadOff = 0;
  pkt.optMss = -1;
  pkt.optWscale = -1;
  pkt.optSackPerm = false;
  pkt.optTsVal = -1;
  pkt.optTsEcr = -1;
  pkt.icmpType = -1;
  pkt.icmpCode = -1;
  pkt.icmpMtu = -1;
  const q = pkt.quoted;
  q.ipVersion = 0;
  q.src[0] = 0; q.src[1] = 0; q.src[2] = 0; q.src[3] = 0;
  q.dst[0] = 0; q.dst[1] = 0; q.dst[2] = 0; q.dst[3] = 0;
  q.proto = 0;
  q.srcPort = 0;
  q.dstPort = 0;
  q.seq = 0;
  q.ipTotalLen = 0;
}
