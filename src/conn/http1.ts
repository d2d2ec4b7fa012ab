/**
 * HTTP/1.x message boundaries on one direction of a connection, found without
 * buffering bodies (RFC 9112). Only header blocks are copied (bounded); bodies are
 * counted by Content-Length or walked through chunk framing byte by byte.
 *
 * The tracker is fed in-order payload; the caller handles retransmissions. A gap
 * inside a body of known length is skipped; any other gap loses sync until a
 * segment starts with a request line or a status line again.
 */
import type { HttpInfo } from './flow.js';

const enum Mode {
  Start = 0,
  Headers = 1,
  Body = 2, // Content-Length bytes remaining
  ChunkSize = 3,
  ChunkData = 4,
  ChunkDataCrlf = 5,
  Trailers = 6,
  UntilClose = 7,
  Off = 8, // not HTTP/1 (or switched protocols): stop looking
  Lost = 9, // lost sync after a gap
}

/** Longest header block we copy (RFC 9110 sets no limit; nginx's default large_client_header_buffers is 4×8k). */
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_TEXT = 512;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'PURGE', 'REPORT', 'SEARCH']);

/** Does `buf[off..off+len)` start like an HTTP/1 request line (METHOD SP)? */
export function looksLikeRequest(buf: Buffer, off: number, len: number): boolean {
  let i = 0;
  while (i < len && i < 10) {
    const c = buf[off + i]!;
    if (c === 0x20) break;
    if (c < 0x41 || c > 0x5a) return false; // A-Z
    i++;
  }
  if (i === 0 || i >= len || buf[off + i] !== 0x20) return false;
  return METHODS.has(buf.toString('latin1', off, off + i));
}

/** Does it start with "HTTP/1."? */
export function looksLikeResponse(buf: Buffer, off: number, len: number): boolean {
  return (
    len >= 7 &&
    buf[off] === 0x48 && buf[off + 1] === 0x54 && buf[off + 2] === 0x54 && buf[off + 3] === 0x50 &&
    buf[off + 4] === 0x2f && buf[off + 5] === 0x31 && buf[off + 6] === 0x2e
  );
}

export interface HttpHost {
  /** A message's header block is complete; it started at `startPacket`/`startTime`. */
  message(http: HttpInfo, startPacket: number, startTime: number): void;
}

export class Http1Direction {
  private mode: Mode = Mode.Start;
  private hdr: Buffer | null = null;
  private hdrLen = 0;
  private remaining = 0;
  private chunkLine = 0; // chunk-size accumulated
  private chunkDigits = 0;
  private chunkExt = false;
  private trailerLineLen = 0;
  private cur: HttpInfo | null = null;
  /** Messages started in this direction. */
  count = 0;
  /** Method of each request still waiting for a response (requests direction feeds this; FIFO). */
  readonly pendingMethods: string[] = [];
  /** Index of the next request to be answered. */
  answered = 0;

  constructor(
    readonly isRequest: boolean,
    /** The opposite direction, for matching responses to request methods (HEAD, CONNECT). */
    private readonly peerRequests: Http1Direction | null,
  ) {}

  get active(): boolean {
    return this.mode !== Mode.Off;
  }

  /** The message in progress (its `complete` is false), if any. */
  get current(): HttpInfo | null {
    return this.cur;
  }

  stop(): void {
    this.mode = Mode.Off;
  }

  /**
   * Bytes `buf[off..off+captured)` of a segment whose TCP payload is `len` bytes
   * (`captured < len` when the snap length cut it).
   */
  feed(buf: Buffer, off: number, captured: number, len: number, packet: number, time: number, host: HttpHost): void {
    if (this.mode === Mode.Off) return;
    if (this.mode === Mode.Lost) {
      if (!this.startsMessage(buf, off, captured)) return;
      this.mode = Mode.Start;
    }
    let i = 0;
    while (i < len && this.live()) {
      if (i >= captured) {
        // Bytes the capture did not keep: only a counted body can go on without them.
        const missing = len - i;
        this.skip(missing, packet, time);
        return;
      }
      switch (this.mode) {
        case Mode.Start: {
          // RFC 9112 §2.2: a recipient SHOULD ignore at least one empty line before a request-line.
          const c = buf[off + i]!;
          if (c === 0x0d || c === 0x0a) { i++; break; }
          if (!this.startsMessage(buf, off + i, captured - i)) {
            this.mode = this.count === 0 ? Mode.Off : Mode.Lost;
            return;
          }
          this.mode = Mode.Headers;
          this.hdrLen = 0;
          if (!this.hdr) this.hdr = Buffer.allocUnsafe(1024);
          this.pendingPacket = packet;
          this.pendingTime = time;
          break;
        }
        case Mode.Headers: {
          const end = this.scanHeaders(buf, off + i, captured - i);
          if (end < 0) { i = captured; break; } // all consumed, header block goes on
          i += end;
          this.headersDone(packet, time, host);
          break;
        }
        case Mode.Body: {
          const take = Math.min(this.remaining, len - i);
          this.remaining -= take;
          this.cur!.bodyBytes += take;
          i += take;
          if (this.remaining === 0) this.finish(packet, time);
          break;
        }
        case Mode.ChunkSize:
        case Mode.ChunkData:
        case Mode.ChunkDataCrlf:
        case Mode.Trailers:
          i = this.chunked(buf, off, i, captured, len, packet, time);
          break;
        case Mode.UntilClose:
          this.cur!.bodyBytes += len - i;
          this.cur!.endPacket = packet;
          this.cur!.endTime = time;
          i = len;
          break;
      }
    }
  }

  private live(): boolean {
    return this.mode !== Mode.Off && this.mode !== Mode.Lost;
  }

  private pendingPacket = 0;
  private pendingTime = 0;

  /** A gap of `n` bytes (not captured or lost): skip it inside a counted body, else lose sync. */
  skip(n: number, packet: number, time: number): void {
    if (this.mode === Mode.Body && n <= this.remaining) {
      this.remaining -= n;
      this.cur!.bodyBytes += n;
      if (this.remaining === 0) this.finish(packet, time);
    } else if (this.mode === Mode.UntilClose) {
      this.cur!.bodyBytes += n;
    } else if (this.mode !== Mode.Off) {
      this.mode = Mode.Lost;
      this.cur = null;
    }
  }

  /** The connection ended (FIN or RST): a body delimited by close is complete with a FIN. */
  close(byFin: boolean): void {
    if (this.mode === Mode.UntilClose && this.cur && byFin) {
      this.cur.complete = true;
    }
  }

  private startsMessage(buf: Buffer, off: number, len: number): boolean {
    return this.isRequest ? looksLikeRequest(buf, off, len) : looksLikeResponse(buf, off, len);
  }

  /** Copies header bytes; returns bytes consumed up to and including the blank line, or -1. */
  private scanHeaders(buf: Buffer, off: number, len: number): number {
    for (let j = 0; j < len; j++) {
      const c = buf[off + j]!;
      if (this.hdrLen >= MAX_HEADER_BYTES) {
        // A header block this large is not something we can follow: stop tracking.
        this.mode = Mode.Off;
        return len;
      }
      if (this.hdrLen === this.hdr!.length) {
        const bigger = Buffer.allocUnsafe(Math.min(this.hdr!.length * 2, MAX_HEADER_BYTES));
        this.hdr!.copy(bigger, 0, 0, this.hdrLen);
        this.hdr = bigger;
      }
      this.hdr![this.hdrLen++] = c;
      if (c === 0x0a && this.hdrLen >= 2) {
        const h = this.hdr!;
        const n = this.hdrLen;
        if (h[n - 2] === 0x0a || (n >= 4 && h[n - 2] === 0x0d && h[n - 3] === 0x0a)) return j + 1;
      }
    }
    return -1;
  }

  private headersDone(packet: number, time: number, host: HttpHost): void {
    const text = this.hdr!.toString('latin1', 0, this.hdrLen);
    const lines = text.split(/\r?\n/);
    const start = lines[0] ?? '';
    const info: HttpInfo = { bodyBytes: 0, complete: false, endPacket: packet, endTime: time };
    let chunked = false;
    let contentLength = -1;
    let connClose: boolean | undefined;
    for (let k = 1; k < lines.length; k++) {
      const line = lines[k]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        const v = Number.parseInt(value, 10);
        if (Number.isFinite(v) && v >= 0) contentLength = v;
      } else if (name === 'transfer-encoding') {
        if (/chunked\s*$/i.test(value)) chunked = true;
      } else if (name === 'connection') {
        const v = value.toLowerCase();
        if (v.includes('close')) connClose = true;
        else if (v.includes('keep-alive') && connClose === undefined) connClose = false;
      } else if (name === 'host') {
        info.host = value.slice(0, MAX_TEXT);
      } else if (name === 'server' && !this.isRequest) {
        info.server = value.slice(0, 128);
      }
    }
    let noBody = false;
    let switched = false;
    if (this.isRequest) {
      const m = /^(\S+) (\S*)(?: (HTTP\/\d\.\d))?/.exec(start);
      info.method = m?.[1]?.slice(0, 32) ?? start.slice(0, 32);
      info.path = (m?.[2] ?? '').slice(0, MAX_TEXT);
      info.version = m?.[3];
      if (info.version === 'HTTP/1.0' && connClose === undefined) connClose = true;
      this.pendingMethods.push(info.method);
      if (!chunked && contentLength < 0) noBody = true;
    } else {
      const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?/.exec(start);
      info.version = m?.[1];
      info.status = m ? Number(m[2]) : 0;
      info.reason = (m?.[3] ?? '').slice(0, 128);
      if (info.version === 'HTTP/1.0' && connClose === undefined) connClose = true;
      const status = info.status;
      // The request this answers (1xx interim responses answer nothing yet).
      const reqs = this.peerRequests;
      let method = '';
      if (reqs && status >= 200) {
        info.requestIndex = reqs.answered;
        method = reqs.pendingMethods[reqs.answered] ?? '';
        reqs.answered++;
      } else if (reqs) {
        info.requestIndex = reqs.answered;
        method = reqs.pendingMethods[reqs.answered] ?? '';
      }
      // RFC 9112 §6.3: HEAD, 1xx, 204, 304 have no body; 101 and 2xx CONNECT switch protocols.
      if (status === 101 || (method === 'CONNECT' && status >= 200 && status < 300)) switched = true;
      if (method === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304) noBody = true;
    }
    if (connClose !== undefined) info.connectionClose = connClose;
    if (chunked) info.chunked = true;
    else if (contentLength >= 0) info.contentLength = contentLength;
    this.count++;
    this.cur = info;
    host.message(info, this.pendingPacket, this.pendingTime);
    info.endPacket = packet;
    info.endTime = time;
    if (switched) {
      info.complete = true;
      this.mode = Mode.Off;
    } else if (noBody) {
      this.finish(packet, time);
    } else if (chunked) {
      this.mode = Mode.ChunkSize;
      this.chunkLine = 0;
      this.chunkDigits = 0;
      this.chunkExt = false;
    } else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.mode = Mode.Body;
      if (contentLength === 0) this.finish(packet, time);
    } else {
      this.mode = Mode.UntilClose;
    }
  }

  private finish(packet: number, time: number): void {
    if (this.cur) {
      this.cur.complete = true;
      this.cur.endPacket = packet;
      this.cur.endTime = time;
    }
    this.mode = Mode.Start;
  }

  /** Walks chunk framing (RFC 9112 §7.1) from byte i; returns the next index. */
  private chunked(buf: Buffer, off: number, i: number, captured: number, len: number, packet: number, time: number): number {
    const cur = this.cur!;
    while (i < captured) {
      if (this.mode === Mode.ChunkData) {
        const take = Math.min(this.remaining, len - i);
        this.remaining -= take;
        cur.bodyBytes += take;
        i += take;
        if (this.remaining === 0) {
          this.mode = Mode.ChunkDataCrlf;
          this.trailerLineLen = 0;
        }
        continue;
      }
      const c = buf[off + i]!;
      i++;
      if (this.mode === Mode.ChunkDataCrlf) {
        if (c === 0x0a) {
          this.mode = Mode.ChunkSize;
          this.chunkLine = 0;
          this.chunkDigits = 0;
          this.chunkExt = false;
        }
        continue;
      }
      if (this.mode === Mode.ChunkSize) {
        if (c === 0x0a) {
          if (this.chunkDigits === 0) { this.mode = Mode.Lost; this.cur = null; return len; }
          if (this.chunkLine === 0) {
            this.mode = Mode.Trailers;
            this.trailerLineLen = 0;
          } else {
            this.remaining = this.chunkLine;
            this.mode = Mode.ChunkData;
          }
          continue;
        }
        if (this.chunkExt || c === 0x0d) continue;
        if (c === 0x3b || c === 0x20 || c === 0x09) { this.chunkExt = true; continue; }
        const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
        if (d < 0 || this.chunkDigits > 12) { this.mode = Mode.Lost; this.cur = null; return len; }
        this.chunkLine = this.chunkLine * 16 + d;
        this.chunkDigits++;
        continue;
      }
      // Trailers: ends at an empty line.
      if (c === 0x0a) {
        if (this.trailerLineLen === 0) {
          this.finish(packet, time);
          return i;
        }
        this.trailerLineLen = 0;
      } else if (c !== 0x0d) {
        this.trailerLineLen++;
      }
    }
    if (i < len) {
      // The rest was not captured.
      if (this.mode === Mode.ChunkData && len - i <= this.remaining) {
        this.remaining -= len - i;
        cur.bodyBytes += len - i;
      } else {
        this.mode = Mode.Lost;
        this.cur = null;
      }
      return len;
    }
    return i;
  }
}
