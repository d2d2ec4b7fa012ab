/** UDP header (RFC 768): ports and length, then the UDP tunnels tshark follows. */
import { u16 } from './bytes.js';
import { L4 } from './packet.js';
import { P_UDP_CUT } from './problems.js';
import { SEEN_UDP, type DecodeState } from './state.js';
import { decodeUdpTunnel } from './tunnels.js';

export function decodeUdp(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  const pkt = s.pkt;
  s.seen |= SEEN_UDP;
  if (end - off < 8) {
    if (end - off >= 4) {
      pkt.srcPort = u16(buf, off);
      pkt.dstPort = u16(buf, off + 2);
    }
    if (end < wend) pkt.truncated = true;
    s.fail(P_UDP_CUT, `UDP header cut (${end - off} of 8 bytes)`);
    return;
  }
  const sport = u16(buf, off);
  const dport = u16(buf, off + 2);
  const ulen = u16(buf, off + 4);
  // The UDP length bounds the payload when it is sane (0 = jumbogram, RFC 2675).
  let uend = wend;
  if (ulen >= 8 && off + ulen <= wend) uend = off + ulen;
  else if (ulen !== 0) s.warn('bad UDP length', `UDP length ${ulen} invalid for a ${wend - off}-byte payload`);
  const cend = end < uend ? end : uend;
  pkt.l4 = L4.UDP;
  pkt.srcPort = sport;
  pkt.dstPort = dport;
  pkt.l4Buf = buf;
  pkt.payloadOff = off + 8;
  pkt.payloadLen = uend - off - 8;
  pkt.payloadCaptured = cend - off - 8 > 0 ? cend - off - 8 : 0;
  if (end < uend) pkt.truncated = true;
  decodeUdpTunnel(s, sport, dport, buf, off + 8, cend, uend);
}
