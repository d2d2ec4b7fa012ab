/**
 * Byte sources for the reader: a regular file (or FIFO) read with
 * `FileHandle.read` into the caller's buffer, a Node readable stream (stdin, or
 * any stream handed to `readCapture`), and a gzip decompressor placed in front
 * of either of them.
 *
 * A source only moves bytes; it knows nothing about capture formats. Errors
 * (I/O, broken gzip data) are thrown from `read`/`skip` and turned into a
 * one-line `CaptureInfo.error` by `read.ts`.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';

export interface ByteSource {
  /** Read up to `len` bytes into `buf[off..)`; resolves 0 at end of input. Waits only until some bytes are there. */
  read(buf: Buffer, off: number, len: number): Promise<number>;
  /** Discard up to `n` bytes; resolves how many were discarded (less than `n` at end of input). */
  skip(n: number): Promise<number>;
  /** The next piece of raw input as a fresh buffer the caller may keep, or null at end of input. */
  nextChunk(): Promise<Buffer | null>;
  /** Bytes taken from the underlying input so far (compressed bytes for gzip). */
  rawBytes(): number;
  /** Total size of the input in bytes when known (regular files), else -1. */
  readonly size: number;
  /** Whether the window should keep one read in flight while parsing (positional file reads). */
  readonly prefetch: boolean;
  close(): Promise<void>;
}

/** A path opened with `fs.promises.open`; regular files are read by position, FIFOs sequentially. */
export class FileSource implements ByteSource {
  private pos = 0;
  private closed = false;
  readonly prefetch: boolean;

  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly chunkSize: number,
  ) {
    this.prefetch = size >= 0;
  }

  static async open(path: string, chunkSize: number): Promise<FileSource> {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: is a directory`), { code: 'EISDIR' });
      return new FileSource(fh, st.isFile() ? st.size : -1, chunkSize);
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e;
    }
  }

  async read(buf: Buffer, off: number, len: number): Promise<number> {
    if (len <= 0) return 0;
    // Regular files: read by position (no seek state in the kernel, skip is free).
    // FIFOs and character devices cannot take a position.
    const { bytesRead } = await this.fh.read(buf, off, len, this.size >= 0 ? this.pos : null);
    this.pos += bytesRead;
    return bytesRead;
  }

  async skip(n: number): Promise<number> {
    if (this.size >= 0) {
      const k = Math.max(0, Math.min(n, this.size - this.pos));
      this.pos += k;
      return k;
    }
    const scratch = Buffer.allocUnsafe(Math.min(n, this.chunkSize));
    let done = 0;
    while (done < n) {
      const k = await this.read(scratch, 0, Math.min(scratch.length, n - done));
      if (k === 0) break;
      done += k;
    }
    return done;
  }

  async nextChunk(): Promise<Buffer | null> {
    const b = Buffer.allocUnsafe(this.chunkSize);
    const k = await this.read(b, 0, b.length);
    return k === 0 ? null : b.subarray(0, k);
  }

  rawBytes(): number {
    return this.pos;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'latin1');
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError(`readCapture: stream yielded a ${typeof v}, expected bytes`);
}

/**
 * Any async-iterable of byte chunks (a Node readable stream). Pulling with the
 * async iterator gives backpressure: the next chunk is requested only when the
 * parser has used the previous one.
 */
export class StreamSource implements ByteSource {
  readonly size = -1;
  readonly prefetch = false;
  private readonly it: AsyncIterator<unknown>;
  private chunk: Buffer | null = null;
  private cpos = 0;
  private count = 0;
  private closed = false;
  /** A `next()` of the iterator has not settled yet (a live pipe with nothing to read). */
  private waiting = false;

  constructor(
    private readonly stream: AsyncIterable<unknown>,
    private readonly raw?: () => number,
    private readonly onClose?: () => Promise<void>,
  ) {
    this.it = stream[Symbol.asyncIterator]();
  }

  async nextChunk(): Promise<Buffer | null> {
    if (this.chunk !== null && this.cpos < this.chunk.length) {
      const rest = this.chunk.subarray(this.cpos);
      this.chunk = null;
      return rest;
    }
    this.chunk = null;
    for (;;) {
      this.waiting = true;
      let r: IteratorResult<unknown>;
      try {
        r = await this.it.next();
      } finally {
        this.waiting = false;
      }
      if (r.done) return null;
      const b = toBuffer(r.value);
      if (b.length === 0) continue;
      this.count += b.length;
      return b;
    }
  }

  async read(buf: Buffer, off: number, len: number): Promise<number> {
    if (len <= 0) return 0;
    if (this.chunk === null || this.cpos >= this.chunk.length) {
      const c = await this.nextChunk();
      if (c === null) return 0;
      this.chunk = c;
      this.cpos = 0;
    }
    const n = Math.min(len, this.chunk.length - this.cpos);
    this.chunk.copy(buf, off, this.cpos, this.cpos + n);
    this.cpos += n;
    return n;
  }

  async skip(n: number): Promise<number> {
    let done = 0;
    while (done < n) {
      if (this.chunk === null || this.cpos >= this.chunk.length) {
        const c = await this.nextChunk();
        if (c === null) break;
        this.chunk = c;
        this.cpos = 0;
      }
      const k = Math.min(n - done, this.chunk.length - this.cpos);
      this.cpos += k;
      done += k;
    }
    return done;
  }

  rawBytes(): number {
    return this.raw ? this.raw() : this.count;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.chunk = null;
    if (this.waiting) {
      // Reading was given up while a read still waits for input (Ctrl-C on a quiet pipe). A
      // stream iterator's return() would queue behind that read and wait with it: end the
      // stream itself instead, which settles the read.
      const s = this.stream as { destroy?: () => void };
      if (typeof s.destroy === 'function') s.destroy();
      else void this.it.return?.()?.catch(() => undefined);
    } else {
      try {
        await this.it.return?.();
      } catch {
        /* a stream that failed is closed anyway */
      }
    }
    if (this.onClose) await this.onClose();
  }
}

/** Compressed bytes handed to zlib per write. */
const GZ_PIECE = 1024 * 1024;
/** Decompressed bytes queued ahead of the parser; above it zlib is paused (even within one write). */
const GZ_AHEAD = 1024 * 1024;

/**
 * The output chunks of zlib's streaming gunzip over a raw source. Compressed
 * input is written one piece at a time while less than GZ_AHEAD of output is
 * waiting, so zlib (on the thread pool) works while the parser parses; beyond
 * that the zlib stream is paused, which stops it mid-write too, so memory stays
 * bounded even for a gzip bomb. Unlike a stream's async iterator, output produced
 * before a zlib error is handed out first and the error thrown after it, so the
 * records before a broken spot are still delivered.
 */
class GunzipChunks implements AsyncIterator<Buffer>, AsyncIterable<Buffer> {
  rawCount = 0;
  private readonly gz: Gunzip;
  private readonly out: Buffer[] = [];
  private outBytes = 0;
  private error: Error | null = null;
  private ended = false;
  private writing = false;
  private inputDone = false;
  private input: Buffer | null;
  private wake: (() => void) | null = null;

  constructor(
    prefix: Buffer,
    private readonly raw: ByteSource,
  ) {
    this.input = prefix.length > 0 ? prefix : null;
    this.gz = createGunzip({ chunkSize: 64 * 1024 });
    this.gz.on('data', (c: Buffer) => {
      this.out.push(c);
      this.outBytes += c.length;
      if (this.outBytes >= GZ_AHEAD) this.gz.pause();
      this.signal();
    });
    this.gz.on('error', (e: Error) => {
      this.error ??= e;
      this.signal();
    });
    this.gz.on('end', () => {
      this.ended = true;
      this.signal();
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Buffer>> {
    for (;;) {
      const c = this.out.shift();
      if (c !== undefined) {
        this.outBytes -= c.length;
        if (this.outBytes < GZ_AHEAD / 2 && this.gz.isPaused()) this.gz.resume();
        this.pump();
        return { done: false, value: c };
      }
      if (this.error !== null) throw this.error;
      if (this.ended) return { done: true, value: undefined };
      this.pump();
      await this.event();
    }
  }

  async return(): Promise<IteratorResult<Buffer>> {
    this.destroy();
    return { done: true, value: undefined };
  }

  /** Stop decompressing; a `next()` waiting for output resolves as the end. */
  destroy(): void {
    this.gz.destroy();
    this.ended = true;
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Resolves at the next event (output, write done, end, error), at once if one is pending. */
  private event(): Promise<void> {
    if (this.out.length > 0 || this.error !== null || this.ended) return Promise.resolve();
    return new Promise<void>((r) => (this.wake = r));
  }

  /** Start writing the next piece of input unless one is in progress or enough output is waiting. */
  private pump(): void {
    if (this.writing || this.inputDone || this.error !== null || this.ended || this.outBytes >= GZ_AHEAD) return;
    this.writing = true;
    this.writeNext().catch((e: unknown) => {
      this.error ??= e instanceof Error ? e : new Error(String(e));
      this.writing = false;
      this.signal();
    });
  }

  private async writeNext(): Promise<void> {
    if (this.input === null) {
      const c = await this.raw.nextChunk();
      if (c === null) {
        this.inputDone = true;
        this.writing = false;
        if (this.error === null && !this.ended) this.gz.end();
        this.signal();
        return;
      }
      this.input = c;
    }
    if (this.error !== null || this.ended) {
      this.writing = false;
      this.signal();
      return;
    }
    let piece = this.input;
    if (piece.length > GZ_PIECE) {
      this.input = piece.subarray(GZ_PIECE);
      piece = piece.subarray(0, GZ_PIECE);
    } else {
      this.input = null;
    }
    this.rawCount += piece.length;
    this.gz.write(piece, () => {
      this.writing = false;
      this.signal();
      this.pump();
    });
  }
}

/**
 * Decompress `raw` with zlib's streaming gunzip. `prefix` holds bytes already
 * taken from `raw` (used for magic detection); they are fed first. A broken or
 * truncated gzip stream makes `read` reject with zlib's error, after the data
 * decompressed before it.
 */
export function gunzipSource(prefix: Buffer, raw: ByteSource): ByteSource {
  const chunks = new GunzipChunks(prefix, raw);
  return new StreamSource(
    chunks,
    () => chunks.rawCount,
    () => raw.close(),
  );
}
