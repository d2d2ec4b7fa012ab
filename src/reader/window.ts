/**
 * The read window: one large reused buffer over a ByteSource. Parsers read
 * records straight out of `buf[pos, end)`; when a record straddles `end`, the
 * unconsumed tail is moved to the start (copyWithin) and more is read behind it.
 * The buffer only grows when one legitimate record is bigger than it, never
 * beyond the caller's bound (the parsers check lengths before asking).
 *
 * Read-ahead (regular files): while the parser works on `buf`, the next chunk
 * is read into a second buffer at offset HEAD. When the parser needs more, the
 * (small) unconsumed tail is copied just in front of HEAD and the two buffers
 * swap roles, so file I/O overlaps parsing and chunk data is never copied.
 * Only one read is ever in flight.
 */
import type { ByteSource } from './source.js';

/** Room in front of the read-ahead data for the tail of the previous chunk (one 256 KiB record + header). */
const HEAD = 262144 + 64;

export class Window {
  buf: Buffer;
  /** A DataView over `buf` (fast fixed-width reads in either byte order). */
  dv: DataView;
  /** First unconsumed byte. */
  pos = 0;
  /** End of valid data. */
  end = 0;
  /** Absolute stream offset of buf[0]; `base + pos` is the offset of the next record. */
  base = 0;
  eof = false;

  private alt: Buffer | null = null;
  private pending: Promise<number> | null = null;

  constructor(
    public src: ByteSource,
    private readonly chunkSize: number,
  ) {
    this.buf = Buffer.allocUnsafeSlow(src.prefetch ? HEAD + chunkSize : chunkSize);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Absolute offset of `buf[i]`. */
  offset(i: number): number {
    return this.base + i;
  }

  /** Start over on a new source (after detecting gzip), keeping the buffer. Call `settle` first. */
  reset(src: ByteSource): void {
    this.src = src;
    this.pos = this.end = this.base = 0;
    this.eof = false;
  }

  /**
   * Make at least `need` bytes available at `pos`, reading as much as fits.
   * Resolves false when the input ends first. Rejects on I/O or gzip errors.
   * With `readAhead` false no read is left in flight (before swapping sources).
   */
  async fill(need: number, readAhead = true): Promise<boolean> {
    if (this.end - this.pos >= need) return true;
    await this.takeReadAhead();
    if (this.end - this.pos < need) {
      if (this.pos > 0) {
        if (this.end > this.pos) this.buf.copyWithin(0, this.pos, this.end);
        this.base += this.pos;
        this.end -= this.pos;
        this.pos = 0;
      }
      if (need > this.buf.length) this.grow(need);
      while (this.end - this.pos < need) {
        if (this.eof) return false;
        const n = await this.src.read(this.buf, this.end, this.buf.length - this.end);
        if (n === 0) {
          this.eof = true;
          return false;
        }
        this.end += n;
      }
    }
    if (readAhead) this.startReadAhead();
    return true;
  }

  /** Consume `n` bytes from `pos`, discarding through the source what is not buffered. Resolves bytes skipped. */
  async skip(n: number): Promise<number> {
    await this.takeReadAhead();
    const inBuf = Math.min(n, this.end - this.pos);
    this.pos += inBuf;
    if (inBuf === n) return n;
    this.base += this.end;
    this.pos = this.end = 0;
    const k = await this.src.skip(n - inBuf);
    this.base += k;
    if (k < n - inBuf) this.eof = true;
    return inBuf + k;
  }

  /** Wait for a read in flight (ignoring its outcome) so the source can be closed or replaced. */
  async settle(): Promise<void> {
    const p = this.pending;
    this.pending = null;
    if (p !== null) await p.catch(() => 0);
  }

  private grow(need: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.ceil(need / 65536) * 65536);
    this.buf.copy(grown, 0, 0, this.end);
    this.buf = grown;
    this.dv = new DataView(grown.buffer, grown.byteOffset, grown.length);
  }

  private startReadAhead(): void {
    if (!this.src.prefetch || this.eof || this.pending !== null) return;
    if (this.alt === null) this.alt = Buffer.allocUnsafeSlow(HEAD + this.chunkSize);
    const p = this.src.read(this.alt, HEAD, this.chunkSize);
    p.catch(() => 0); // awaited later; this only keeps an early rejection from counting as unhandled
    this.pending = p;
  }

  /** Move the read-ahead data (if any) into the window. */
  private async takeReadAhead(): Promise<void> {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const n = await p;
    if (n === 0) {
      this.eof = true;
      return;
    }
    const alt = this.alt!;
    const tail = this.end - this.pos;
    if (tail <= HEAD) {
      // Put the tail in front of the new data and swap buffers.
      const start = HEAD - tail;
      if (tail > 0) this.buf.copy(alt, start, this.pos, this.end);
      this.alt = this.buf;
      this.buf = alt;
      this.dv = new DataView(alt.buffer, alt.byteOffset, alt.length);
      this.base += this.pos - start;
      this.pos = start;
      this.end = HEAD + n;
    } else {
      // A long tail (a big pcapng block in progress): append the data instead.
      if (this.pos > 0) {
        this.buf.copyWithin(0, this.pos, this.end);
        this.base += this.pos;
        this.end -= this.pos;
        this.pos = 0;
      }
      if (this.end + n > this.buf.length) this.grow(this.end + n);
      alt.copy(this.buf, this.end, HEAD, HEAD + n);
      this.end += n;
    }
  }
}
