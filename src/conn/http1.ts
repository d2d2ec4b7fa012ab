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

/** Request methods kept at most for responses still to come (see methodOf). */
const MAX_PENDING = 8192;

/** Longest header block we copy (RFC 9110 sets no limit; nginx's default large_client_header_buffers is 4×8k). */
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_TEXT = 512;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'PURGE', 'REPORT', 'SEARCH'];
const METHOD_BYTES: Uint8Array[] = METHODS.map((m) => Buffer.from(m, 'latin1'));

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
  return isMethod(buf, off, i);
}

/** METHODS.has(latin1 text of buf[off..off+n)), without making the string. */
function isMethod(buf: Buffer, off: number, n: number): boolean {
  for (let m = 0; m < METHOD_BYTES.length; m++) {
    const t = METHOD_BYTES[m]!;
    if (t.length !== n) continue;
    let k = 0;
    while (k < n && buf[off + k] === t[k]) k++;
    if (k === n) return true;
  }
  return false;
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
  /** A message's header block is complete; it started at `from.startPacket`/`from.startTime`. */
  message(http: HttpInfo, from: Http1Direction): void;
  /**
   * An object for the next message, to fill (every field is set again), if the host has one: a
   * finished message nothing needs any more (the flow table hands each direction of a long
   * connection the same one, having copied the previous message out of it).
   */
  spareInfo(): HttpInfo | undefined;
}

/**
 * The packet whose bytes are fed: its number and time (a decoded Packet is one). An object, not
 * two numbers: a time passed as an argument to a call that is not inlined is boxed into a new
 * heap number, garbage at every segment.
 */
export interface FeedAt {
  readonly number: number;
  readonly time: number;
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
  /** Number of the request at pendingMethods[0]: the ones answered long ago are dropped (see `methodOf`). */
  private methodsBase = 0;
  /** Index of the next request to be answered. */
  answered = 0;

  constructor(
    readonly isRequest: boolean,
    /** The opposite direction, for matching responses to request methods (HEAD, CONNECT). */
    private readonly peerRequests: Http1Direction | null,
  ) {}

  /** Back to the state of a new tracker (same direction and peer), for a reused connection. */
  reset(): void {
    this.mode = Mode.Start;
    this.hdrLen = 0; // (a header buffer grown earlier is kept and overwritten)
    this.remaining = 0;
    this.chunkLine = 0;
    this.chunkDigits = 0;
    this.chunkExt = false;
    this.trailerLineLen = 0;
    this.cur = null;
    // A request tracker holds one method per message (`count`); a response tracker none. (The
    // array is not touched when empty, and popping a few is much cheaper than `length = 0`.)
    if (this.isRequest && this.count > 0) {
      const pm = this.pendingMethods;
      if (pm.length > 16) pm.length = 0;
      else while (pm.length > 0) pm.pop();
    }
    this.count = 0;
    this.answered = 0;
    this.methodsBase = 0;
    this.startPacket = 0;
    this.startTime = 0;
    this.prev1 = 0;
    this.prev2 = 0;
  }

  /**
   * Method of request number `n` ('' unknown), read by the response direction. The methods of
   * requests answered long ago are dropped here (and unanswered ones beyond MAX_PENDING when
   * requests are pushed): a keep-alive connection can carry millions of requests, and memory
   * must not grow with them.
   */
  methodOf(n: number): string {
    const done = Math.min(this.answered, this.count) - this.methodsBase;
    if (done >= 4096) {
      this.pendingMethods.splice(0, done);
      this.methodsBase += done;
    }
    return this.pendingMethods[n - this.methodsBase] ?? '';
  }

  get active(): boolean {
    return this.mode !== Mode.Off;
  }

  stop(): void {
    this.mode = Mode.Off;
  }

  /**
   * Bytes `buf[off..off+captured)` of a segment whose TCP payload is `len` bytes
   * (`captured < len` when the snap length cut it).
   */
  feed(buf: Buffer, off: number, captured: number, len: number, at: FeedAt, host: HttpHost): void {
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
        this.skip(missing, at);
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
          this.startPacket = at.number;
          this.startTime = at.time;
          break;
        }
        case Mode.Headers: {
          const start = off + i;
          const end = this.scanHeaders(buf, start, captured - i);
          if (end < 0) { i = captured; break; } // all consumed (or too long), header block goes on
          i += end;
          // The whole block in this segment (the common case): parse it in place, no copy.
          if (this.hdrLen === 0) this.headersDone(buf, start, start + end, at, host);
          else {
            this.append(buf, start, end);
            this.headersDone(this.hdr!, 0, this.hdrLen, at, host);
          }
          break;
        }
        case Mode.Body: {
          const take = Math.min(this.remaining, len - i);
          this.remaining -= take;
          this.cur!.bodyBytes += take;
          i += take;
          if (this.remaining === 0) this.finish(at);
          break;
        }
        case Mode.ChunkSize:
        case Mode.ChunkData:
        case Mode.ChunkDataCrlf:
        case Mode.Trailers:
          i = this.chunked(buf, off, i, captured, len, at);
          break;
        case Mode.UntilClose:
          this.cur!.bodyBytes += len - i;
          this.cur!.endPacket = at.number;
          this.cur!.endTime = at.time;
          i = len;
          break;
      }
    }
  }

  private live(): boolean {
    return this.mode !== Mode.Off && this.mode !== Mode.Lost;
  }

  /** Packet and time of the first byte of the message in progress (read by HttpHost.message). */
  startPacket = 0;
  startTime = 0;

  /** A gap of `n` bytes (not captured or lost): skip it inside a counted body, else lose sync. */
  skip(n: number, at: FeedAt): void {
    if (this.mode === Mode.Body && n <= this.remaining) {
      this.remaining -= n;
      this.cur!.bodyBytes += n;
      if (this.remaining === 0) this.finish(at);
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

  /** The last two header bytes seen (across segments), to find the blank line ending the block. */
  private prev1 = 0;
  private prev2 = 0;

  /**
   * Looks for the end of the header block (LF LF or LF CR LF) in `buf[off..off+len)`.
   * Returns the bytes up to and including that LF, leaving them to the caller; or -1
   * when the block goes on, after copying all `len` bytes into `hdr` (or giving up on
   * a block longer than MAX_HEADER_BYTES: mode Off).
   * A block that starts here has its line ends noted (`lineEnds`) for headersDone.
   */
  private scanHeaders(buf: Buffer, off: number, len: number): number {
    const base = this.hdrLen;
    const limit = Math.min(len, MAX_HEADER_BYTES - base);
    let lines = base === 0 ? 0 : -1;
    // Jump from LF to LF; the two bytes before an LF (across segments: prev1, prev2) say whether
    // it ends an empty line.
    for (let j = nextLf(buf, off, off + limit) - off; j < limit; j = nextLf(buf, off + j + 1, off + limit) - off) {
      if (lines >= 0) {
        if (lines < MAX_LINES) lineEnds[lines++] = off + j;
        else lines = -1;
      }
      const p1 = j >= 1 ? buf[off + j - 1]! : this.prev1;
      const p2 = j >= 2 ? buf[off + j - 2]! : j === 1 ? this.prev1 : this.prev2;
      if (base + j >= 1 && (p1 === 0x0a || (p1 === 0x0d && p2 === 0x0a && base + j >= 3))) {
        this.prev1 = this.prev2 = 0;
        lineCount = lines;
        return j + 1;
      }
    }
    if (limit < len) {
      // A header block this large is not something we can follow: stop tracking.
      this.mode = Mode.Off;
      return -1;
    }
    this.prev2 = len >= 2 ? buf[off + len - 2]! : this.prev1;
    this.prev1 = buf[off + len - 1]!;
    this.append(buf, off, len);
    return -1;
  }

  /** Copies `n` header bytes into `hdr` (grown as needed, at most MAX_HEADER_BYTES). */
  private append(buf: Buffer, off: number, n: number): void {
    const need = this.hdrLen + n;
    // Allocated only for a header block split across segments.
    if (this.hdr === null) this.hdr = Buffer.allocUnsafeSlow(Math.max(1024, Math.min(need, MAX_HEADER_BYTES)));
    if (need > this.hdr.length) {
      let size = this.hdr.length;
      while (size < need) size *= 2;
      const bigger = Buffer.allocUnsafe(Math.min(size, MAX_HEADER_BYTES));
      this.hdr!.copy(bigger, 0, 0, this.hdrLen);
      this.hdr = bigger;
    }
    buf.copy(this.hdr!, this.hdrLen, off, off + n);
    this.hdrLen = need;
  }

  /** Parses the header block `b[from..to)` (it ends with its blank line) straight from the bytes. */
  private headersDone(b: Buffer, from: number, to: number, at: FeedAt, host: HttpHost): void {
    this.hdrLen = 0;
    this.prev1 = this.prev2 = 0;
    // Lines end at LF; a CR right before the LF is not part of the line. (Their positions are
    // known when scanHeaders saw the whole block in this buffer, else they are looked for.)
    const known = lineCount;
    lineCount = -1;
    let li = 0;
    let lineEnd = known > 0 ? lineEnds[li++]! : lineEndOf(b, from, to);
    const startEnd = lineEnd > from && b[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd;
    // The object the host hands out for this message (see HttpHost.spareInfo) when it has one,
    // else a new one; every field set again (absent ones undefined, as when never set).
    const info = host.spareInfo() ?? newHttpInfo();
    clearInfo(info, at);
    let chunked = false;
    let contentLength = -1;
    let connClose: boolean | undefined;
    for (let ls = lineEnd + 1; ls < to; ls = lineEnd + 1) {
      lineEnd = li < known ? lineEnds[li++]! : lineEndOf(b, ls, to);
      // Only Content-Length, Transfer-Encoding, Connection, Host and Server are read: a line whose
      // first byte cannot start one of them (nor is whitespace before the name) is skipped at once.
      const c0 = b[ls]! | 0x20;
      if (c0 !== 0x63 && c0 !== 0x74 && c0 !== 0x68 && c0 !== 0x73 && !isWs(b[ls]!)) continue;
      const le = lineEnd > ls && b[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd;
      let colon = -1;
      for (let k = ls; k < le; k++) if (b[k] === 0x3a) { colon = k; break; }
      if (colon <= ls) continue;
      let ns = ls, ne = colon;
      while (ns < ne && isWs(b[ns]!)) ns++;
      while (ne > ns && isWs(b[ne - 1]!)) ne--;
      let vs = colon + 1, ve = le;
      while (vs < ve && isWs(b[vs]!)) vs++;
      while (ve > vs && isWs(b[ve - 1]!)) ve--;
      const n = ne - ns;
      if (n === 14 && nameIs(b, ns, N_CONTENT_LENGTH)) {
        const v = parseIntAt(b, vs, ve);
        if (v >= 0) contentLength = v;
      } else if (n === 17 && nameIs(b, ns, N_TRANSFER_ENCODING)) {
        if (ve - vs >= 7 && nameIs(b, ve - 7, N_CHUNKED)) chunked = true;
      } else if (n === 10 && nameIs(b, ns, N_CONNECTION)) {
        if (containsCI(b, vs, ve, N_CLOSE)) connClose = true;
        else if (containsCI(b, vs, ve, N_KEEP_ALIVE) && connClose === undefined) connClose = false;
      } else if (n === 4 && nameIs(b, ns, N_HOST)) {
        info.host = text(b, vs, Math.min(ve, vs + MAX_TEXT));
      } else if (n === 6 && !this.isRequest && nameIs(b, ns, N_SERVER)) {
        info.server = text(b, vs, Math.min(ve, vs + 128));
      }
    }
    let noBody = false;
    let switched = false;
    if (this.isRequest) {
      // "METHOD SP target [SP HTTP/d.d]" (/^(\S+) (\S*)(?: (HTTP\/\d\.\d))?/)
      let k = from;
      while (k < startEnd && !isWs(b[k]!)) k++;
      const mEnd = k;
      if (mEnd > from && k < startEnd && b[k] === 0x20) {
        info.method = text(b, from, Math.min(mEnd, from + 32));
        const ps = ++k;
        while (k < startEnd && !isWs(b[k]!)) k++;
        info.path = text(b, ps, Math.min(k, ps + MAX_TEXT));
        if (startEnd - k >= 9 && b[k] === 0x20) info.version = httpVersion(b, k + 1);
        else info.version = undefined;
      } else {
        info.method = text(b, from, Math.min(startEnd, from + 32));
        info.path = '';
        info.version = undefined;
      }
      if (info.version === 'HTTP/1.0' && connClose === undefined) connClose = true;
      this.pendingMethods.push(info.method);
      // Requests never answered (a capture of one direction, responses not followed): no pipeline
      // is this deep, so the oldest are given up, as unknown methods.
      if (this.pendingMethods.length > MAX_PENDING) {
        this.pendingMethods.splice(0, MAX_PENDING / 2);
        this.methodsBase += MAX_PENDING / 2;
      }
      if (!chunked && contentLength < 0) noBody = true;
    } else {
      // "HTTP/d.d SP ddd [SP reason]" (/^(HTTP\/\d\.\d) (\d{3})(?: (.*))?/)
      const version = startEnd - from >= 12 && b[from + 8] === 0x20 ? httpVersion(b, from) : undefined;
      let status = 0;
      let reason = '';
      if (version !== undefined && isDigit(b[from + 9]!) && isDigit(b[from + 10]!) && isDigit(b[from + 11]!)) {
        status = (b[from + 9]! - 0x30) * 100 + (b[from + 10]! - 0x30) * 10 + (b[from + 11]! - 0x30);
        if (startEnd - from > 12 && b[from + 12] === 0x20) {
          let re = from + 13;
          while (re < startEnd && b[re] !== 0x0d) re++; // '.' stops at a CR
          reason = text(b, from + 13, Math.min(re, from + 13 + 128));
        }
        info.version = version;
      } else {
        info.version = undefined;
      }
      info.status = status;
      info.reason = reason;
      if (info.version === 'HTTP/1.0' && connClose === undefined) connClose = true;
      // The request this answers (1xx interim responses answer nothing yet).
      const reqs = this.peerRequests;
      let method = '';
      if (reqs && status >= 200) {
        info.requestIndex = reqs.answered;
        method = reqs.methodOf(reqs.answered);
        reqs.answered++;
      } else if (reqs) {
        info.requestIndex = reqs.answered;
        method = reqs.methodOf(reqs.answered);
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
    host.message(info, this);
    info.endPacket = at.number;
    info.endTime = at.time;
    if (switched) {
      info.complete = true;
      this.mode = Mode.Off;
    } else if (noBody) {
      this.finish(at);
    } else if (chunked) {
      this.mode = Mode.ChunkSize;
      this.chunkLine = 0;
      this.chunkDigits = 0;
      this.chunkExt = false;
    } else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.mode = Mode.Body;
      if (contentLength === 0) this.finish(at);
    } else {
      this.mode = Mode.UntilClose;
    }
  }

  private finish(at: FeedAt): void {
    if (this.cur) {
      this.cur.complete = true;
      this.cur.endPacket = at.number;
      this.cur.endTime = at.time;
    }
    this.mode = Mode.Start;
  }

  /** Walks chunk framing (RFC 9112 §7.1) from byte i; returns the next index. */
  private chunked(buf: Buffer, off: number, i: number, captured: number, len: number, at: FeedAt): number {
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
          this.finish(at);
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

/**
 * Every field declared up front: one object shape, no property added later (no out-of-object
 * property store per message). clearInfo sets the values.
 */
export function newHttpInfo(): HttpInfo {
  return {
    method: undefined, path: undefined, host: undefined, status: undefined, reason: undefined, version: undefined,
    contentLength: undefined, chunked: undefined, server: undefined, connectionClose: undefined,
    bodyBytes: 0, complete: false, endPacket: 0, endTime: 0.5, requestIndex: undefined,
  };
}

/** Every field back to the value of a message just started at `at`. */
function clearInfo(i: HttpInfo, at: FeedAt): void {
  i.method = i.path = i.host = i.reason = i.version = i.server = undefined;
  i.status = i.contentLength = i.requestIndex = undefined;
  i.chunked = i.connectionClose = undefined;
  i.bodyBytes = 0;
  i.complete = false;
  i.endPacket = at.number;
  i.endTime = at.time;
}

// ---- byte helpers for header parsing (no intermediate strings) ----------------------------

const bytes = (t: string): Uint8Array => Uint8Array.from(t, (ch) => ch.charCodeAt(0));
const N_CONTENT_LENGTH = bytes('content-length');
const N_TRANSFER_ENCODING = bytes('transfer-encoding');
const N_CONNECTION = bytes('connection');
const N_HOST = bytes('host');
const N_SERVER = bytes('server');
const N_CHUNKED = bytes('chunked');
const N_CLOSE = bytes('close');
const N_KEEP_ALIVE = bytes('keep-alive');

/**
 * Line ends (LF positions) of the header block scanHeaders just found in one buffer, for its
 * headersDone right after: `lineCount` of them, -1 when not noted (a block spanning segments,
 * or longer than MAX_LINES lines). Shared by all trackers: consumed before any other feed.
 */
const MAX_LINES = 128;
const lineEnds = new Int32Array(MAX_LINES);
let lineCount = -1;

/**
 * Index of the next LF in b[from..end), or `end`: four bytes at a time (a word holding no LF is
 * passed with one test), twice as fast as a byte loop on header blocks. (Buffer#indexOf is not
 * bounded by `end`: on bytes without LF it would search the rest of the read window every time.)
 */
function nextLf(b: Buffer, from: number, end: number): number {
  if (b !== wordsOf) {
    wordsOf = b;
    words = new Uint32Array(b.buffer, b.byteOffset & ~3, ((b.byteOffset & 3) + b.length) >>> 2);
  }
  const shift = b.byteOffset & 3; // word w holds bytes 4w - shift .. 4w - shift + 3 of b
  let k = from;
  for (; k < end && ((k + shift) & 3) !== 0; k++) if (b[k] === 0x0a) return k;
  for (; k + 4 <= end; k += 4) {
    const v = words[(k + shift) >>> 2]! ^ 0x0a0a0a0a;
    // (v - 0x01010101) & ~v & 0x80808080 is non-zero iff a byte of v is zero: a byte of the word is LF.
    if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
  }
  for (; k < end; k++) if (b[k] === 0x0a) return k;
  return end;
}
let wordsOf: Buffer | null = null;
let words: Uint32Array = new Uint32Array(0);

/** Index of the next LF in b[from..to), or `to`. */
function lineEndOf(b: Buffer, from: number, to: number): number {
  for (let k = from; k < to; k++) if (b[k] === 0x0a) return k;
  return to;
}

/** Whitespace as String.prototype.trim and \s see it, within latin1. */
function isWs(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** b[at..) equals the lowercase ASCII `name`, ignoring ASCII case. */
function nameIs(b: Buffer, at: number, name: Uint8Array): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = b[at + k]!;
    const t = name[k]!;
    if (c !== t && !(t >= 0x61 && t <= 0x7a && c === t - 32)) return false;
  }
  return true;
}

function containsCI(b: Buffer, from: number, to: number, needle: Uint8Array): boolean {
  for (let k = from; k + needle.length <= to; k++) if (nameIs(b, k, needle)) return true;
  return false;
}

/** Number.parseInt(value, 10) of a trimmed value; -1 when not a non-negative number. */
function parseIntAt(b: Buffer, from: number, to: number): number {
  let k = from;
  let neg = false;
  if (k < to && (b[k] === 0x2b || b[k] === 0x2d)) neg = b[k++] === 0x2d;
  let v = 0;
  let digits = 0;
  while (k < to && isDigit(b[k]!)) {
    v = v * 10 + (b[k++]! - 0x30);
    digits++;
  }
  if (digits === 0 || (neg && v !== 0)) return -1;
  return v;
}

/** "HTTP/d.d" at b[at..at+8), as an interned string, or undefined. */
function httpVersion(b: Buffer, at: number): string | undefined {
  if (b[at] !== 0x48 || b[at + 1] !== 0x54 || b[at + 2] !== 0x54 || b[at + 3] !== 0x50 || b[at + 4] !== 0x2f) return undefined;
  const maj = b[at + 5]!, dot = b[at + 6]!, min = b[at + 7]!;
  if (!isDigit(maj) || dot !== 0x2e || !isDigit(min)) return undefined;
  if (maj === 0x31 && min === 0x31) return 'HTTP/1.1';
  if (maj === 0x31 && min === 0x30) return 'HTTP/1.0';
  return b.toString('latin1', at, at + 8);
}

/**
 * Latin1 text of b[from..to). Short strings that repeat from message to message (methods,
 * reasons, hosts, server names, paths) are interned in a small cache, so thousands of
 * requests on one connection do not each hold their own copies.
 */
const INTERN_SLOTS = 1024;
const internKeys: string[] = new Array<string>(INTERN_SLOTS).fill('');
function text(b: Buffer, from: number, to: number): string {
  const n = to - from;
  if (n <= 0) return '';
  if (n > 64) return b.toString('latin1', from, to);
  let h = n;
  for (let k = from; k < to; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  const slot = (h >>> 0) & (INTERN_SLOTS - 1);
  const cached = internKeys[slot]!;
  if (cached.length === n) {
    let same = true;
    for (let k = 0; k < n; k++) if (cached.charCodeAt(k) !== b[from + k]) { same = false; break; }
    if (same) return cached;
  }
  const s = b.toString('latin1', from, to);
  internKeys[slot] = s;
  return s;
}
