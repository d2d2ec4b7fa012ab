/**
 * readCapture: the reader layer's entry point. Opens the input (a path, '-' for
 * stdin, or a readable stream), detects the container by its magic bytes
 * (gzip 1f 8b, then pcap per draft-ietf-opsawg-pcap section 4, or pcapng per
 * draft-ietf-opsawg-pcapng section 4.1; never by file name), and drives the
 * format parser over the read window, refilling it chunk by chunk.
 *
 * Bad input never throws: a fatal problem becomes `info.error` (one line,
 * "<name>: offset <N>: <what>") with everything read before it delivered;
 * non-fatal ones are listed in `info.warnings`. Only programmer errors (a bad
 * sink argument, an exception thrown by the sink) propagate.
 */
import type { CaptureInfo, FrameSink, ReadOptions } from './frame.js';
import { isPcapMagic, PcapParser } from './pcap.js';
import { PCAPNG_MAGIC, PcapngParser } from './pcapng.js';
import { FileSource, gunzipSource, StreamSource, type ByteSource } from './source.js';
import { ReadState, type RecordParser } from './state.js';
import { Window } from './window.js';

/**
 * 2 MiB: on the 1 GB keep-alive bench capture 1 MiB chunks took 5–10% longer (medians of
 * alternating runs; each chunk costs a promise, an event-loop turn and a thread-pool wake-up,
 * often with the main thread waiting); 4 MiB was no faster than 2 and added about 8 MiB of
 * peak RSS on the tiny-connection capture.
 */
export const DEFAULT_CHUNK = 2 * 1024 * 1024;

function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

function magicHex(buf: Buffer, n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(buf[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}

export async function readCapture(
  input: string | NodeJS.ReadableStream,
  name: string,
  sink: FrameSink,
  opts: ReadOptions = {},
): Promise<CaptureInfo> {
  if (typeof sink !== 'function') throw new TypeError('readCapture: sink must be a function');
  if (typeof input !== 'string' && (input === null || typeof input !== 'object')) {
    throw new TypeError('readCapture: input must be a path, "-" or a readable stream');
  }
  const chunk = Math.max(4096, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  const maxPackets = opts.maxPackets ?? Infinity;
  const st = new ReadState(name, sink, maxPackets < 0 ? 0 : maxPackets);
  st.signal = opts.signal;
  let src: ByteSource | undefined;
  let win: Window | undefined;
  let gzip = false;
  let consumed = 0;
  try {
    try {
      if (input === '-') src = new StreamSource(process.stdin);
      else if (typeof input === 'string') src = await FileSource.open(input, chunk);
      else src = new StreamSource(input as AsyncIterable<unknown>);
    } catch (e) {
      st.fatal(0, `cannot open: ${message(e)}`);
    }
    if (src !== undefined) {
      win = new Window(src, chunk);
      gzip = await drive(st, win, opts);
      src = win.src;
      // Plain input: up to the next unread record, or to the record a fatal error names.
      consumed = gzip ? src.rawBytes() : Math.min(win.offset(win.pos), st.errorOffset ?? Infinity);
    }
  } finally {
    if (win !== undefined) {
      await win.settle();
      src = win.src;
    }
    if (src !== undefined) await src.close().catch(() => undefined);
  }
  const info: CaptureInfo = {
    path: typeof input === 'string' ? input : name,
    format: st.format,
    gzip,
    linktypes: st.linktypes,
    packets: st.packets,
    bytes: consumed,
    first: st.first,
    last: st.last,
    snaplen: st.snaplen,
    warnings: st.finishWarnings(),
  };
  if (st.error !== undefined) {
    info.error = st.error;
    info.errorOffset = st.errorOffset;
  }
  if (st.interrupted) info.interrupted = true;
  return info;
}

/**
 * Fill the window, turning source errors into a fatal error. Resolves 'ok',
 * 'eof' (input ended before `need` bytes), 'error', or 'stopped' when the read's
 * signal (`st.signal`) was aborted first (the window is not used again: the source is closed next).
 */
async function fill(
  st: ReadState,
  win: Window,
  need: number,
  gzip: boolean,
  readAhead = true,
): Promise<'ok' | 'eof' | 'error' | 'stopped'> {
  try {
    const signal = st.signal;
    const filled = win.fill(need, readAhead);
    const r = signal === undefined ? await filled : await untilAborted(filled, signal);
    if (r === ABORTED) {
      st.interrupted = true;
      return 'stopped';
    }
    return r ? 'ok' : 'eof';
  } catch (e) {
    sourceError(st, win, e, gzip);
    return 'error';
  }
}

const ABORTED = Symbol('aborted');

/** `p`, or ABORTED as soon as `signal` is aborted (`p` is then left to settle unobserved). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.resolve(ABORTED);
  }
  return new Promise<T | typeof ABORTED>((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => undefined);
      resolve(ABORTED);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

function sourceError(st: ReadState, win: Window, e: unknown, gzip: boolean): void {
  const at = win.offset(win.end);
  if (gzip) st.fatal(at, `broken gzip stream after ${win.src.rawBytes()} compressed bytes: ${message(e)}`);
  else st.fatal(at, `read error: ${message(e)}`);
}

/** Detect the format and run the parser to the end. Resolves whether the input was gzip. */
async function drive(st: ReadState, win: Window, opts: ReadOptions): Promise<boolean> {
  let gzip = false;
  let r = await fill(st, win, 4, false, false);
  if (r === 'error' || r === 'stopped') return gzip;
  if (win.end >= 2 && win.buf[0] === 0x1f && win.buf[1] === 0x8b) {
    gzip = true;
    const prefix = Buffer.from(win.buf.subarray(0, win.end));
    win.reset(gunzipSource(prefix, win.src));
    r = await fill(st, win, 4, true);
    if (r === 'error' || r === 'stopped') return gzip;
  }
  if (r === 'eof') {
    const what = gzip ? 'gzip content' : 'input';
    if (win.end === 0) st.fatal(0, `empty ${what}: not a pcap or pcapng capture`);
    else st.fatal(0, `not a pcap or pcapng capture (${what} is only ${win.end} bytes: ${magicHex(win.buf, win.end)})`);
    return gzip;
  }
  const magic = win.buf.readUInt32LE(0);
  let parser: RecordParser;
  if (magic === PCAPNG_MAGIC) {
    st.format = 'pcapng';
    parser = new PcapngParser(st, win);
  } else if (isPcapMagic(magic)) {
    parser = new PcapParser(st, win);
  } else {
    st.fatal(0, `not a pcap or pcapng capture (magic ${magicHex(win.buf, 4)})`);
    return gzip;
  }

  const src = win.src;
  const size = src.size;
  const onProgress = opts.onProgress;
  const shouldStop = opts.shouldStop;
  onProgress?.(src.rawBytes());
  for (;;) {
    parser.run();
    if (st.stopped) break;
    if (shouldStop !== undefined && shouldStop()) break;
    if (st.signal?.aborted) {
      st.interrupted = true;
      break;
    }
    const at = win.offset(win.pos);
    if (parser.skip > 0) {
      // A block too big for the buffer that we do not need: discard it unseen.
      const n = parser.skip;
      parser.skip = 0;
      if (size >= 0 && at + n > size) {
        parser.truncated(at, size - at);
        break;
      }
      let got: number;
      try {
        got = await win.skip(n);
      } catch (e) {
        sourceError(st, win, e, gzip);
        break;
      }
      if (got < n) {
        parser.truncated(at, got);
        break;
      }
      continue;
    }
    const need = parser.need;
    if (size >= 0 && at + need > size) {
      // The file cannot hold the rest of this record: no need to buffer what is there.
      parser.truncated(at, size - at);
      break;
    }
    r = await fill(st, win, need, gzip);
    onProgress?.(src.rawBytes());
    if (r === 'error' || r === 'stopped') break;
    if (r === 'eof') {
      parser.truncated(win.offset(win.pos), win.end - win.pos);
      break;
    }
  }
  return gzip;
}
