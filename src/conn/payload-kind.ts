/**
 * What the first payload bytes of a direction look like, so detectors can tell a
 * protocol mismatch (HTTP/2 preface or TLS to a plain HTTP/1 server) without bytes.
 */
import type { PayloadKind } from './flow.js';
import { looksLikeRequest, looksLikeResponse } from './http1.js';

// "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" (RFC 9113 §3.4)
const H2 = Buffer.from('PRI * HTTP/2.0', 'latin1');

export function payloadKind(buf: Buffer, off: number, len: number): PayloadKind {
  if (len >= H2.length && startsWith(buf, off, H2)) return 'h2-preface';
  if (len >= 3) {
    const b0 = buf[off]!, b1 = buf[off + 1]!, b2 = buf[off + 2]!;
    // TLS record: content type 20..23, version 3.x (RFC 8446 §5.1); handshake type 1 = ClientHello.
    if (b0 >= 0x14 && b0 <= 0x17 && b1 === 0x03 && b2 <= 0x04) {
      if (b0 === 0x16 && len >= 6 && buf[off + 5] === 0x01) return 'tls-client-hello';
      return 'tls';
    }
    if (len >= 4 && b0 === 0x53 && b1 === 0x53 && b2 === 0x48 && buf[off + 3] === 0x2d) return 'ssh';
  }
  // HTTP/2 frame header (RFC 9113 §4.1): length(24) type(8) flags(8) R+stream(32). A server's
  // preface is a SETTINGS frame (type 4) on stream 0 whose length is a multiple of 6 (§6.5).
  if (len >= 9 && buf[off + 3] === 0x04 && (buf[off + 4]! & 0xfe) === 0 &&
      buf[off + 5] === 0 && buf[off + 6] === 0 && buf[off + 7] === 0 && buf[off + 8] === 0 &&
      ((buf[off]! << 16) | (buf[off + 1]! << 8) | buf[off + 2]!) % 6 === 0) return 'h2-settings';
  if (looksLikeRequest(buf, off, len)) return 'http-request';
  if (looksLikeResponse(buf, off, len)) return 'http-response';
  return 'other';
}

/** buf[off..) starts with `t` (a byte loop: Buffer.compare is a native call, dear for 14 bytes). */
function startsWith(buf: Buffer, off: number, t: Uint8Array): boolean {
  for (let k = 0; k < t.length; k++) if (buf[off + k] !== t[k]) return false;
  return true;
}
