/**
 * Link layers and the L2 encapsulations below IP: finds the network-layer header
 * of a frame and hands it to ipv4.ts / ipv6.ts.
 *
 * Every function takes (buf, off, end, wend): `off` is where its header starts,
 * `end` the end of the CAPTURED bytes (never read at or past it) and `wend` the end
 * of the bytes ON THE WIRE (>= end; larger when the snap length cut the frame).
 */
import { u16, u16le, u32, u32le } from './bytes.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import {
  P_LINK_CUT, P_MPLS_CUT, P_NEST_DEPTH, P_NFLOG_BAD, P_PKTAP_BAD, P_PPPOE_CUT,
  P_PPP_CUT, P_VLAN_CUT, P_VLAN_DEPTH,
} from './problems.js';
import { MAX_NEST, type DecodeState } from './state.js';

/** LINKTYPE_* values this decoder understands (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9;
export const LINKTYPE_RAW_12 = 12;
export const LINKTYPE_RAW_14 = 14;
export const LINKTYPE_PPP_HDLC = 50;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_C_HDLC = 104;
export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IEEE802_11_RADIOTAP = 127;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_NFLOG = 239;
export const LINKTYPE_PKTAP = 258;
export const LINKTYPE_LINUX_SLL2 = 276;

/** True when decodeLink knows `linkType`. */
export function isKnownLinkType(linkType: number): boolean {
  switch (linkType) {
    case LINKTYPE_NULL: case LINKTYPE_ETHERNET: case LINKTYPE_PPP: case LINKTYPE_RAW_12:
    case LINKTYPE_RAW_14: case LINKTYPE_PPP_HDLC: case LINKTYPE_RAW: case LINKTYPE_C_HDLC:
    case LINKTYPE_IEEE802_11: case LINKTYPE_LOOP: case LINKTYPE_LINUX_SLL:
    case LINKTYPE_IEEE802_11_RADIOTAP: case LINKTYPE_IPV4: case LINKTYPE_IPV6: case LINKTYPE_NFLOG:
    case LINKTYPE_PKTAP: case LINKTYPE_LINUX_SLL2:
      return true;
    default:
      return false;
  }
}

/** Max 802.1Q/802.1ad tags followed in one Ethernet header. */
const MAX_VLAN_TAGS = 8;

/** Decode a frame of `linkType`. Returns false when the link type is unknown. */
export function decodeLink(s: DecodeState, linkType: number, buf: Buffer, off: number, end: number, wend: number): boolean {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      decodeEthernet(s, buf, off, end, wend);
      return true;
    case LINKTYPE_LINUX_SLL:
      decodeSll(s, buf, off, end, wend);
      return true;
    case LINKTYPE_LINUX_SLL2:
      decodeSll2(s, buf, off, end, wend);
      return true;
    case LINKTYPE_RAW: case LINKTYPE_RAW_12: case LINKTYPE_RAW_14:
      decodeIpByVersion(s, buf, off, end, wend);
      return true;
    case LINKTYPE_IPV4:
      decodeIPv4(s, buf, off, end, wend); // hands an IPv6 header on to IPv6
      return true;
    case LINKTYPE_IPV6:
      decodeIPv6(s, buf, off, end, wend);
      return true;
    case LINKTYPE_NULL:
      decodeNull(s, buf, off, end, wend, false);
      return true;
    case LINKTYPE_LOOP:
      decodeNull(s, buf, off, end, wend, true);
      return true;
    case LINKTYPE_PPP: case LINKTYPE_PPP_HDLC:
      decodePpp(s, buf, off, end, wend);
      return true;
    case LINKTYPE_C_HDLC:
      if (end - off < 4) { s.fail(P_LINK_CUT); return true; }
      decodeEthertype(s, u16(buf, off + 2), buf, off + 4, end, wend);
      return true;
    case LINKTYPE_NFLOG:
      decodeNflog(s, buf, off, end, wend);
      return true;
    case LINKTYPE_PKTAP:
      decodePktap(s, buf, off, end, wend);
      return true;
    case LINKTYPE_IEEE802_11:
      decode80211(s, buf, off, end, wend);
      return true;
    case LINKTYPE_IEEE802_11_RADIOTAP: {
      if (end - off < 4) { s.fail(P_LINK_CUT); return true; }
      const len = u16le(buf, off + 2);
      if (len < 8 || off + len > end) { s.fail(P_LINK_CUT, `radiotap header length ${len} invalid`); return true; }
      decode80211(s, buf, off + len, end, wend);
      return true;
    }
    default:
      return false;
  }
}

/** Raw IP: the version nibble says which. */
export function decodeIpByVersion(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end <= off) { s.fail(P_LINK_CUT, 'no IP header'); return; }
  const v = buf[off]! >> 4;
  if (v === 4) decodeIPv4(s, buf, off, end, wend);
  else if (v === 6) decodeIPv6(s, buf, off, end, wend);
  // anything else: not IP, leave ipVersion 0
}

/** Ethernet II / 802.3 (LLC/SNAP) header at `off`. */
export function decodeEthernet(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (++s.nest > MAX_NEST) { s.fail(P_NEST_DEPTH); return; }
  if (end - off < 14) { s.fail(P_LINK_CUT, 'Ethernet header cut'); return; }
  const type = u16(buf, off + 12);
  if (type >= 0x600) {
    decodeEthertype(s, type, buf, off + 14, end, wend);
    return;
  }
  // 802.3 length field: only LLC/SNAP carries IP.
  decodeLlc(s, buf, off + 14, end, wend);
}

/** 802.2 LLC header: follow SNAP (AA AA 03, OUI 00-00-00) to its ethertype. */
function decodeLlc(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 8) return;
  if (buf[off] !== 0xaa || buf[off + 1] !== 0xaa || buf[off + 2] !== 0x03) return;
  decodeEthertype(s, u16(buf, off + 6), buf, off + 8, end, wend);
}

/**
 * Network layer identified by an ethertype (also used for GRE protocol types, SLL
 * and Cisco HDLC protocol fields). VLAN tags are followed in a loop; non-IP types
 * (ARP, LLDP, ...) leave ipVersion 0.
 */
export function decodeEthertype(s: DecodeState, type: number, buf: Buffer, off: number, end: number, wend: number): void {
  for (let tags = 0; ; tags++) {
    switch (type) {
      case 0x0800:
        decodeIPv4(s, buf, off, end, wend);
        return;
      case 0x86dd:
        decodeIPv6(s, buf, off, end, wend);
        return;
      case 0x8100: case 0x88a8: case 0x9100: case 0x9200: case 0x9300:
        if (tags >= MAX_VLAN_TAGS) { s.fail(P_VLAN_DEPTH); return; }
        if (end - off < 4) { s.fail(P_VLAN_CUT); return; }
        type = u16(buf, off + 2);
        off += 4;
        if (type < 0x600) { decodeLlc(s, buf, off, end, wend); return; }
        continue;
      case 0x8864:
        decodePppoe(s, buf, off, end, wend);
        return;
      case 0x8847: case 0x8848:
        decodeMpls(s, buf, off, end, wend);
        return;
      case 0x6558: // transparent Ethernet bridging (GRE, Geneve)
        decodeEthernet(s, buf, off, end, wend);
        return;
      case 0x880b: // PPP (GRE)
        decodePpp(s, buf, off, end, wend);
        return;
      default:
        return;
    }
  }
}

/** PPPoE session stage (RFC 2516): 6-byte header, then a PPP protocol field (possibly compressed). */
function decodePppoe(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 7) { s.fail(P_PPPOE_CUT); return; }
  const len = u16(buf, off + 4);
  // The PPPoE length bounds the payload (Ethernet padding follows it).
  const pend = off + 6 + len;
  if (len >= 2 && pend < wend) {
    wend = pend;
    if (end > wend) end = wend;
  }
  decodePppPayload(s, buf, off + 6, end, wend);
}

/**
 * PPP frame: optional address/control 0xff 0x03, then the protocol field (one byte
 * when compressed, i.e. odd first byte; RFC 1661 §6.5).
 */
export function decodePpp(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 2) { s.fail(P_PPP_CUT); return; }
  if (buf[off] === 0xff && buf[off + 1] === 0x03) off += 2;
  decodePppPayload(s, buf, off, end, wend);
}

/** PPP protocol field (2 bytes, or 1 when compressed: odd first byte) and what it carries. */
function decodePppPayload(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 1) { s.fail(P_PPP_CUT); return; }
  let proto: number;
  if (buf[off]! & 1) {
    proto = buf[off]!;
    off += 1;
  } else {
    if (end - off < 2) { s.fail(P_PPP_CUT); return; }
    proto = u16(buf, off);
    off += 2;
  }
  decodePppProtocol(s, proto, buf, off, end, wend);
}

function decodePppProtocol(s: DecodeState, proto: number, buf: Buffer, off: number, end: number, wend: number): void {
  switch (proto) {
    case 0x0021:
      decodeIPv4(s, buf, off, end, wend);
      return;
    case 0x0057:
      decodeIPv6(s, buf, off, end, wend);
      return;
    case 0x0281: case 0x0283:
      decodeMpls(s, buf, off, end, wend);
      return;
    default:
      return; // LCP, IPCP, CCP, VJ-compressed TCP, ...: no IP header to decode
  }
}

/** MPLS label stack; the payload after the bottom label is guessed by its first nibble. */
export function decodeMpls(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  let label = 0;
  for (;;) { // bounded by the captured bytes (Wireshark has no depth limit either)
    if (end - off < 4) { s.fail(P_MPLS_CUT); return; }
    label = u32(buf, off) >>> 12;
    const bos = buf[off + 2]! & 1;
    off += 4;
    if (bos) break;
  }
  if (end <= off) return;
  if (label === 13 || label === 14) return; // GAL / OAM alert (Y.1711): OAM, not user traffic
  const nibble = buf[off]! >> 4;
  if (nibble === 4) decodeIPv4(s, buf, off, end, wend);
  else if (nibble === 6) decodeIPv6(s, buf, off, end, wend);
  // 0: a pseudowire control word (Ethernet PW) or something else: Wireshark's default
  // only decodes it as Ethernet after a heuristic; we leave it undecoded.
}

/** Linux cooked capture v1: packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2). */
function decodeSll(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 16) { s.fail(P_LINK_CUT, 'Linux cooked (SLL) header cut'); return; }
  setSllDirection(s, u16(buf, off));
  const hatype = u16(buf, off + 2);
  const proto = u16(buf, off + 14);
  if (hatype === 824) return; // ARPHRD_NETLINK: protocol is a netlink family
  sllProtocol(s, proto, buf, off + 16, end, wend);
}

/** Linux cooked capture v2: protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8). */
function decodeSll2(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 20) { s.fail(P_LINK_CUT, 'Linux cooked (SLL2) header cut'); return; }
  setSllDirection(s, buf[off + 10]!);
  const hatype = u16(buf, off + 8);
  if (hatype === 824) return;
  sllProtocol(s, u16(buf, off), buf, off + 20, end, wend);
}

function sllProtocol(s: DecodeState, proto: number, buf: Buffer, off: number, end: number, wend: number): void {
  if (proto === 0x0004) { decodeLlc(s, buf, off, end, wend); return; } // 802.2 LLC frames
  if (proto < 0x600) return; // 802.3 / CAN / other Linux pseudo-protocols
  decodeEthertype(s, proto, buf, off, end, wend);
}

/** SLL packet types 0-3 (to us, broadcast, multicast, other host) are inbound; 4 (outgoing) outbound. */
function setSllDirection(s: DecodeState, pkttype: number): void {
  if (pkttype <= 3) s.pkt.direction = 1;
  else if (pkttype === 4) s.pkt.direction = 2;
}

/**
 * BSD loopback: a 4-byte address family, in the capturing host's byte order for NULL
 * (either is accepted) and network order for LOOP.
 */
function decodeNull(s: DecodeState, buf: Buffer, off: number, end: number, wend: number, loop: boolean): void {
  if (end - off < 4) { s.fail(P_LINK_CUT, 'loopback header cut'); return; }
  if (!loop && buf[off] === 0xff && buf[off + 1] === 0x03) { // PPP in a NULL frame (Wireshark does the same)
    decodePpp(s, buf, off, end, wend);
    return;
  }
  const be = u32(buf, off);
  if (!loop && (be & 0xffff0000) !== 0 && (be & 0xffff) !== 0) {
    // Neither byte order gives a small family: like Wireshark, take the low half as an ethertype.
    decodeEthertype(s, be & 0xffff, buf, off + 4, end, wend);
    return;
  }
  const fam = loop ? be : nullFamily(be, u32le(buf, off));
  off += 4;
  if (fam === 2) decodeIPv4(s, buf, off, end, wend);
  else if (fam === 10 || fam === 24 || fam === 28 || fam === 30) decodeIPv6(s, buf, off, end, wend);
}

function nullFamily(be: number, le: number): number {
  // The family is a small number; whichever order yields one is the writer's order.
  return be <= 0xffff ? be : le;
}

/** NFLOG (Linux netfilter log): family(1) version(1) resource id(2), then TLVs; the packet is NFULA_PAYLOAD (9). */
function decodeNflog(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 4) { s.fail(P_LINK_CUT, 'NFLOG header cut'); return; }
  const family = buf[off]!;
  off += 4;
  for (let n = 0; n < 64; n++) {
    if (end - off < 4) return; // no payload TLV
    // TLV length and type are in the capturing host's byte order.
    let len = u16le(buf, off);
    let type = u16le(buf, off + 2);
    if (len < 4 || off + len > wend) {
      len = u16(buf, off);
      type = u16(buf, off + 2);
      if (len < 4 || off + len > wend) { s.fail(P_NFLOG_BAD); return; }
    }
    type &= 0x3fff; // strip NLA_F_NESTED / NLA_F_NET_BYTEORDER
    if (type === 9) {
      const pend = off + len;
      const cend = end < pend ? end : pend;
      const p = off + 4;
      if (family === 2) decodeIPv4(s, buf, p, cend, pend);
      else if (family === 10) decodeIPv6(s, buf, p, cend, pend);
      else decodeIpByVersion(s, buf, p, cend, pend);
      return;
    }
    off += (len + 3) & ~3;
  }
  s.fail(P_NFLOG_BAD, 'NFLOG: too many TLVs');
}

/** Apple PKTAP: header length (LE u32) then the DLT of the packet after the header. */
function decodePktap(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 8) { s.fail(P_LINK_CUT, 'PKTAP header cut'); return; }
  const hlen = u32le(buf, off);
  const dlt = u32le(buf, off + 4);
  if (hlen < 8 || hlen > end - off) { s.fail(P_PKTAP_BAD, `PKTAP header length ${hlen} invalid`); return; }
  if (dlt === LINKTYPE_PKTAP || ++s.nest > MAX_NEST) { s.fail(P_NEST_DEPTH); return; }
  if (!decodeLink(s, dlt, buf, off + hlen, end, wend)) {
    s.warn(`PKTAP inner link type ${dlt}`, `PKTAP inner link type ${dlt} not supported`);
  }
}

/** IEEE 802.11 data frame without FCS: follow LLC/SNAP. Protected (encrypted) frames are not decoded. */
export function decode80211(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 24) return;
  const fc0 = buf[off]!;
  const fc1 = buf[off + 1]!;
  if (((fc0 >> 2) & 3) !== 2) return; // not a data frame
  const subtype = fc0 >> 4;
  if (subtype & 4) return; // null function: no body
  if (fc1 & 0x40) return; // protected
  let hl = 24;
  if ((fc1 & 3) === 3) hl += 6; // 4-address frame
  if (subtype & 8) { // QoS data
    hl += 2;
    if (fc1 & 0x80) hl += 4; // +HTC
  }
  decodeLlc(s, buf, off + hl, end, wend);
}
