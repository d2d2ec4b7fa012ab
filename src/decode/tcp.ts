/** TCP header (RFC 9293) and the options the detectors use. */
import { u16, u32 } from './bytes.js';
import { L4 } from './packet.js';
import { P_TCP_CUT, P_TCP_DOFF, P_TCP_DOFF_PAST, P_TCP_OPTS_CUT } from './problems.js';
import { SEEN_TCP_BAD, type DecodeState } from './state.js';

/**
 * Decode the TCP header at `off`. `end` is the captured end, `wend` the end of the
 * IP payload on the wire (the TCP segment's true extent).
 *
 * - fixed 20 bytes not captured: problem, l4 = None (ports set when captured);
 * - data offset < 5 or past the IP payload: problem, l4 = None;
 * - options cut by the snap length: l4 = TCP with the fixed fields, options walked as
 *   far as captured, `truncated`, problem P_TCP_OPTS_CUT.
 */
export function decodeTcp(s: DecodeState, buf: Buffer, off: number, end: number, wend: number): void {
  const pkt = s.pkt;
  const cap = end - off;
  if (cap < 20) {
    if (cap >= 4) {
      pkt.srcPort = u16(buf, off);
      pkt.dstPort = u16(buf, off + 2);
    }
    if (end < wend) pkt.truncated = true;
    s.seen |= SEEN_TCP_BAD;
    s.fail(P_TCP_CUT, `TCP header cut (${cap < 0 ? 0 : cap} of 20 bytes)`);
    return;
  }
  pkt.srcPort = u16(buf, off);
  pkt.dstPort = u16(buf, off + 2);
  pkt.seq = u32(buf, off + 4);
  pkt.ack = u32(buf, off + 8);
  const thl = (buf[off + 12]! >> 4) << 2;
  pkt.flags = buf[off + 13]!;
  pkt.window = u16(buf, off + 14);
  pkt.tcpHeaderLen = thl;
  if (thl < 20) {
    s.seen |= SEEN_TCP_BAD;
    s.fail(P_TCP_DOFF, `TCP data offset ${thl >> 2} < 5`);
    return;
  }
  const segLen = wend - off;
  if (thl > segLen) {
    s.seen |= SEEN_TCP_BAD;
    s.fail(P_TCP_DOFF_PAST, `TCP header length ${thl} runs past the IP payload (${segLen} bytes)`);
    return;
  }
  pkt.l4 = L4.TCP;
  pkt.l4Buf = buf;
  pkt.payloadOff = off + thl;
  pkt.payloadLen = segLen - thl;
  const capPay = end - off - thl;
  pkt.payloadCaptured = capPay <= 0 ? 0 : capPay < pkt.payloadLen ? capPay : pkt.payloadLen;
  if (end < wend) pkt.truncated = true;

  let optEnd = off + thl;
  if (optEnd > end) {
    optEnd = end;
    pkt.payloadOff = end; // nothing of the payload was captured: keep the offset inside the capture
    s.fail(P_TCP_OPTS_CUT, `TCP options cut by the snap length (${end - off} of ${thl} header bytes)`);
  }
  if (thl > 20) walkOptions(s, buf, off + 20, optEnd);
}

/** Walk TCP options in [o, lim); a bad length stops the walk (the packet stays valid). */
function walkOptions(s: DecodeState, buf: Buffer, o: number, lim: number): void {
  const pkt = s.pkt;
  while (o < lim) {
    const kind = buf[o]!;
    if (kind === 0) return; // EOL
    if (kind === 1) { o++; continue; } // NOP
    if (o + 1 >= lim) return;
    const len = buf[o + 1]!;
    if (len < 2 || o + len > lim) return;
    switch (kind) {
      case 2:
        if (len === 4) pkt.optMss = u16(buf, o + 2);
        break;
      case 3:
        if (len === 3) pkt.optWscale = buf[o + 2]!;
        break;
      case 4:
        if (len === 2) pkt.optSackPerm = true;
        break;
      case 8:
        if (len === 10) {
          pkt.optTsVal = u32(buf, o + 2);
          pkt.optTsEcr = u32(buf, o + 6);
        }
        break;
      default:
        break;
    }
    o += len;
  }
}
