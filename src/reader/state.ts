/**
 * Per-read state shared by the format parsers (`pcap.ts`, `pcapng.ts`): the one
 * reused Frame, the sink, counters, link types, and the problem lists
 * (warnings capped at MAX_WARNINGS plus a "N more" line; one fatal error).
 */
import type { CaptureFormat, Frame, FrameSink } from './frame.js';

export const MAX_WARNINGS = 100;

export class ReadState {
  readonly frame: Frame = {
    number: 0,
    tsSec: 0,
    tsNsec: 0,
    time: 0,
    capLen: 0,
    wireLen: 0,
    linkType: 0,
    interfaceId: 0,
    direction: 0,
    buf: Buffer.alloc(0),
    off: 0,
    recordOffset: 0,
  };
  packets = 0;
  first = 0;
  last = 0;
  /** Set when a fatal error occurred or maxPackets was reached: the parser must return. */
  stopped = false;
  /** The caller's request to stop reading (Ctrl-C), if any (ReadOptions.signal). */
  signal: AbortSignal | undefined = undefined;
  /** Reading was given up early because `signal` was aborted. */
  interrupted = false;
  format: CaptureFormat | 'unknown' = 'unknown';
  snaplen = 0;
  readonly linktypes: number[] = [];
  readonly warnings: string[] = [];
  private moreWarnings = 0;
  error: string | undefined;
  errorOffset: number | undefined;

  constructor(
    readonly name: string,
    readonly sink: FrameSink,
    /** Records to deliver at most (Infinity when unlimited). */
    readonly maxPackets: number,
  ) {}

  warn(offset: number, what: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(`offset ${offset}: ${what}`);
    else this.moreWarnings++;
  }

  /** Record a fatal problem (the first one wins) and stop reading. */
  fatal(offset: number, what: string): void {
    if (this.error === undefined) {
      this.error = `${this.name}: offset ${offset}: ${what.replace(/[\r\n]+/g, ' ')}`;
      this.errorOffset = offset;
    }
    this.stopped = true;
  }

  addLinkType(lt: number): void {
    if (!this.linktypes.includes(lt)) this.linktypes.push(lt);
  }

  /** The warnings list with the overflow counter line appended. */
  finishWarnings(): string[] {
    if (this.moreWarnings > 0) {
      this.warnings.push(`${this.moreWarnings} more warning${this.moreWarnings === 1 ? '' : 's'} not listed`);
      this.moreWarnings = 0;
    }
    return this.warnings;
  }
}

/** Hex of a 32-bit value for messages, e.g. 0x0000000a. */
export function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}

/** A format parser driven by `read.ts` over a Window. */
export interface RecordParser {
  /** Parse every complete record in the window, then set `need` or `skip` (or stop the state). */
  run(): void;
  /** Bytes that must be available at `win.pos` before `run` can make progress. */
  need: number;
  /** When > 0: the block at `win.pos` is this long and is to be discarded without buffering it. */
  skip: number;
  /** The file header has been parsed. */
  readonly started: boolean;
  /** The input ended after `avail` bytes of the unit (header, record, block) pending at `offset`. */
  truncated(offset: number, avail: number): void;
}
