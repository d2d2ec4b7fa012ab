/**
 * Tunnels above IP that tshark follows to the inner TCP: GRE (RFC 2784/2890, PPTP
 * enhanced GRE RFC 2637, ERSPAN, Aruba WLAN), EtherIP, and the UDP tunnels VXLAN
 * (4789), Geneve (6081) and Teredo (3544). IP-in-IP (4, 41) is in transport.ts.
 * The inner IP header increments pkt.tunnelDepth (see ipv4.ts / ipv6.ts).
 */
import { u16 } from './bytes.js';
import { decodeIPv6 } from './ipv6.js';
import { decode80211, decodeEthernet, decodeEthertype, decodePpp } from './link.js';
import { P_GRE_CUT, P_GRE_UNSUPPORTED, P_NEST_DEPTH, P_TUNNEL_CUT } from './problems.js';
import { MAX_NEST, type DecodeState } from './state.js';

export const VXLAN_PORT = 4789;
export const GENEVE_PORT = 6081;
export const TEREDO_PORT = 3544;

/** GRE header at `off`. */
export function decodeGre(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (++s.nest > MAX_NEST) { s.fail(P_NEST_DEPTH); return; }
  if (end - off < 4) { s.fail(P_GRE_CUT, `GRE header cut (${end - off} of 4 bytes)`); return; }
  const flags = u16(buf, off);
  const proto = u16(buf, off + 2);
  const version = flags & 7;
  let hl = 4;
  if (version === 0) {
    if (flags & 0x4000) { s.fail(P_GRE_UNSUPPORTED, 'GRE source routing not supported'); return; }
    if (flags & 0x8000) hl += 4; // checksum + reserved
    if (flags & 0x2000) hl += 4; // key
    if (flags & 0x1000) hl += 4; // sequence number
  } else if (version === 1) { // PPTP enhanced GRE: key (payload length + call id) always present
    hl += 4;
    if (flags & 0x1000) hl += 4; // sequence
    if (flags & 0x0080) hl += 4; // acknowledgment
  } else {
    s.fail(P_GRE_UNSUPPORTED, `GRE version ${version} not supported`);
    return;
  }
  if (end - off < hl) { s.fail(P_GRE_CUT, `GRE header cut (${end - off} of ${hl} bytes)`); return; }
  off += hl;
  if (version === 1) {
    if (proto === 0x880b && end > off) decodePpp(s, buf, off, end, wend); // ack-only packets carry nothing
    return;
  }
  if (proto >= 0x8200 && proto <= 0x820f) { // Aruba WLAN: 802.11 frames
    decode80211(s, buf, off, end, wend);
    return;
  }
  if (proto === 0x88be) { // ERSPAN: type I has no header (no sequence bit), type II an 8-byte one
    if (flags & 0x1000) off += 8;
    decodeEthernet(s, buf, off, end, wend);
    return;
  }
  if (proto === 0x22eb) { // ERSPAN type III: 12 bytes, + 8 with the platform-specific subheader
    if (end - off < 12) { s.fail(P_TUNNEL_CUT, 'ERSPAN III header cut'); return; }
    off += (buf[off + 11]! & 1) ? 20 : 12;
    decodeEthernet(s, buf, off, end, wend);
    return;
  }
  decodeEthertype(s, proto, buf, off, end, wend);
}

/** EtherIP (RFC 3378, IP protocol 97): 2-byte header, then Ethernet. */
export function decodeEtherIp(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off < 2) { s.fail(P_TUNNEL_CUT, 'EtherIP header cut'); return; }
  decodeEthernet(s, buf, off + 2, end, wend);
}

/**
 * A UDP payload on a tunnel port. Like Wireshark (which tries the lower port first)
 * a tunnel port is followed when it is the lower of the two ports or the other one is
 * not a well-known port (< 1024).
 */
export function decodeUdpTunnel(
  s: DecodeState, sport: number, dport: number, buf: Buffer, off: number, end: number, wend: number,
): void {
  const port = tunnelPort(sport, dport);
  if (port === 0) return;
  if (++s.nest > MAX_NEST) { s.fail(P_NEST_DEPTH); return; }
  if (port === VXLAN_PORT) {
    if (end - off < 8) { s.fail(P_TUNNEL_CUT, 'VXLAN header cut'); return; }
    decodeEthernet(s, buf, off + 8, end, wend);
  } else if (port === GENEVE_PORT) {
    if (end - off < 8) { s.fail(P_TUNNEL_CUT, 'Geneve header cut'); return; }
    const hl = 8 + ((buf[off]! & 0x3f) << 2);
    if (end - off < hl) { s.fail(P_TUNNEL_CUT, 'Geneve options cut'); return; }
    decodeEthertype(s, u16(buf, off + 2), buf, off + hl, end, wend);
  } else {
    decodeTeredo(s, buf, off, end, wend);
  }
}

function isTunnelPort(p: number): boolean {
  return p === VXLAN_PORT || p === GENEVE_PORT || p === TEREDO_PORT;
}

function tunnelPort(sport: number, dport: number): number {
  const lo = sport < dport ? sport : dport;
  const hi = sport < dport ? dport : sport;
  if (isTunnelPort(lo)) return lo;
  if (isTunnelPort(hi) && lo >= 1024) return hi;
  return 0;
}

/**
 * Teredo (RFC 4380): optional authentication indicator (0x0001, id len, auth len, id,
 * auth, 8-byte nonce, confirmation byte) and origin indicator (0x0000, port, address),
 * then an IPv6 packet. Anything else is left undecoded.
 */
function decodeTeredo(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  if (end - off >= 4 && buf[off] === 0 && buf[off + 1] === 1) {
    const n = 13 + buf[off + 2]! + buf[off + 3]!;
    if (end - off < n) return;
    off += n;
  }
  if (end - off >= 8 && buf[off] === 0 && buf[off + 1] === 0) off += 8;
  if (end - off < 40 || buf[off]! >> 4 !== 6) return;
  decodeIPv6(s, buf, off, end, wend);
}
