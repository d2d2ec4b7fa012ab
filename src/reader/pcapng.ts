/**
 * pcapng blocks, parsed in place from the read window.
 * Format: draft-ietf-opsawg-pcapng: section 3.1 (general block structure),
 * 3.5 (options), 4.1 (Section Header Block: byte-order magic, version; each SHB
 * starts a new section with its own interface table), 4.2 (Interface
 * Description Block: LinkType, SnapLen, if_tsresol, if_tsoffset), 4.3
 * (Enhanced Packet Block, epb_flags), 4.4 (Simple Packet Block), Appendix A
 * (obsolete Packet Block, type 2). ISB, NRB, DSB, custom and unknown blocks are
 * skipped by their length.
 *
 * Fatal: block length below 12, not a multiple of 4, above MAX_BLOCK, or past
 * the end of the input; bad byte-order magic; SHB major version other than 1.
 * Warnings: trailing length mismatch, options running past their block,
 * packets on an undefined interface or with a caplen past the block (skipped).
 */
import { hex32, type ReadState, type RecordParser } from './state.js';
import { MICROSECONDS, setFrameTime, tsUnit, type TsUnit } from './timestamp.js';
import type { Frame } from './frame.js';
import type { Window } from './window.js';

export const PCAPNG_MAGIC = 0x0a0d0d0a;
/** Sanity limit on one block's length. */
export const MAX_BLOCK = 16 * 1024 * 1024;

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
const BOM_LE = 0x1a2b3c4d; // byte-order magic as read little-endian from a little-endian section
const BOM_BE = 0x4d3c2b1a;

const OPTS_SHB = 0;
const OPTS_IDB = 1;
const OPTS_PACKET = 2;

interface Iface {
  linkType: number;
  snaplen: number;
  unit: TsUnit;
  /** if_tsoffset, whole seconds. */
  offset: number;
}

function blockName(type: number): string {
  switch (type) {
    case BT_SHB:
      return 'section header block';
    case BT_IDB:
      return 'interface description block';
    case BT_PB:
      return 'packet block';
    case BT_SPB:
      return 'simple packet block';
    case BT_EPB:
      return 'enhanced packet block';
    default:
      return `block type ${hex32(type)}`;
  }
}

/** Blocks whose body we need; all others may be discarded unseen. */
function isKept(type: number): boolean {
  return type === BT_SHB || type === BT_IDB || type === BT_PB || type === BT_SPB || type === BT_EPB;
}

export class PcapngParser implements RecordParser {
  need = 12;
  skip = 0;
  started = false;
  private le = true;
  private ifs: Iface[] = [];
  private anyIdb = false;
  /** Type of the block waiting for more bytes, -1 while its 12-byte header is incomplete. */
  private pendType = -1;
  // Option-walk results.
  private optFlags = 0;
  private optTsresol = -1;
  private optTsoffset = 0;

  constructor(
    private readonly st: ReadState,
    private readonly win: Window,
  ) {}

  run(): void {
    const win = this.win;
    const st = this.st;
    const buf = win.buf;
    const dv = win.dv;
    const end = win.end;
    let p = win.pos;
    st.frame.buf = buf;
    while (!st.stopped) {
      const avail = end - p;
      if (avail < 12) {
        this.need = 12;
        this.pendType = -1;
        break;
      }
      let le = this.le;
      const t0 = dv.getUint32(p, true);
      if (t0 === BT_SHB) {
        const bom = dv.getUint32(p + 8, true);
        if (bom === BOM_LE) le = true;
        else if (bom === BOM_BE) le = false;
        else {
          st.fatal(win.offset(p), `bad pcapng byte-order magic ${hex32(bom)}`);
          break;
        }
      } else if (!this.started) {
        st.fatal(win.offset(p), `pcapng file does not start with a section header block`);
        break;
      }
      const type = le ? t0 : dv.getUint32(p, false);
      const len = dv.getUint32(p + 4, le);
      if (len < 12 || (len & 3) !== 0 || len > MAX_BLOCK) {
        st.fatal(win.offset(p), `bad block length ${len} (${blockName(type)})`);
        break;
      }
      if (avail < len) {
        this.pendType = type;
        this.need = len;
        if (len > buf.length && !isKept(type)) this.skip = len;
        break;
      }
      const trail = dv.getUint32(p + len - 4, le);
      if (trail !== len) {
        st.warn(win.offset(p), `${blockName(type)}: trailing block length ${trail} differs from ${len}`);
      }
      switch (type) {
        case BT_EPB:
          this.packet(dv, p, len, le, false);
          break;
        case BT_SPB:
          this.simplePacket(buf, p, len, le);
          break;
        case BT_PB:
          this.packet(dv, p, len, le, true);
          break;
        case BT_IDB:
          this.interface(buf, p, len, le);
          break;
        case BT_SHB:
          this.section(buf, p, len, le);
          break;
        default:
          break;
      }
      if (st.error !== undefined) break;
      p += len;
    }
    win.pos = p;
  }

  truncated(offset: number, avail: number): void {
    if (avail === 0 && this.started) return;
    if (this.pendType < 0) this.st.fatal(offset, `truncated block header: ${avail} of 12 bytes`);
    else this.st.fatal(offset, `truncated ${blockName(this.pendType)}: ${avail} of ${this.need} bytes`);
  }

  private section(buf: Buffer, p: number, len: number, le: boolean): void {
    const st = this.st;
    if (len < 28) {
      st.fatal(this.win.offset(p), `section header block too short (${len} bytes)`);
      return;
    }
    const major = le ? buf.readUInt16LE(p + 12) : buf.readUInt16BE(p + 12);
    const minor = le ? buf.readUInt16LE(p + 14) : buf.readUInt16BE(p + 14);
    if (major !== 1) {
      st.fatal(this.win.offset(p), `unsupported pcapng version ${major}.${minor}`);
      return;
    }
    this.le = le;
    this.ifs = [];
    this.started = true;
    st.format = 'pcapng';
    this.options(buf, p + 24, p + len - 4, le, OPTS_SHB);
  }

  private interface(buf: Buffer, p: number, len: number, le: boolean): void {
    const st = this.st;
    if (len < 20) {
      // Dropping it would renumber every later interface: stop instead.
      st.fatal(this.win.offset(p), `interface description block too short (${len} bytes)`);
      return;
    }
    const linkType = le ? buf.readUInt16LE(p + 8) : buf.readUInt16BE(p + 8);
    const snaplen = le ? buf.readUInt32LE(p + 12) : buf.readUInt32BE(p + 12);
    this.optTsresol = -1;
    this.optTsoffset = 0;
    this.options(buf, p + 16, p + len - 4, le, OPTS_IDB);
    const unit = this.optTsresol < 0 ? MICROSECONDS : tsUnit(this.optTsresol);
    this.ifs.push({ linkType, snaplen, unit, offset: this.optTsoffset });
    st.addLinkType(linkType);
    if (!this.anyIdb) {
      this.anyIdb = true;
      st.snaplen = snaplen;
    }
  }

  /** EPB (type 6), or the obsolete PB (type 2: 16-bit interface id, 16-bit drop count). */
  private packet(dv: DataView, p: number, len: number, le: boolean, obsolete: boolean): void {
    const st = this.st;
    if (len < 32) {
      st.warn(this.win.offset(p), `${blockName(obsolete ? BT_PB : BT_EPB)} too short (${len} bytes), skipped`);
      return;
    }
    const ifid = obsolete ? dv.getUint16(p + 8, le) : dv.getUint32(p + 8, le);
    const hi = dv.getUint32(p + 12, le);
    const lo = dv.getUint32(p + 16, le);
    const capLen = dv.getUint32(p + 20, le);
    const wireLen = dv.getUint32(p + 24, le);
    const dataOff = p + 28;
    const bodyEnd = p + len - 4;
    if (capLen > bodyEnd - dataOff) {
      st.warn(this.win.offset(p), `${blockName(obsolete ? BT_PB : BT_EPB)}: caplen ${capLen} runs past the block, skipped`);
      return;
    }
    if (ifid >= this.ifs.length) {
      st.warn(this.win.offset(p), `packet for undefined interface ${ifid}, skipped`);
      return;
    }
    const ifc = this.ifs[ifid]!;
    const optStart = dataOff + ((capLen + 3) & ~3);
    let dir = 0;
    if (optStart + 4 <= bodyEnd) {
      this.optFlags = 0;
      this.options(this.win.buf, optStart, bodyEnd, le, OPTS_PACKET);
      dir = this.optFlags & 3;
    }
    const f = st.frame;
    setFrameTime(f, hi, lo, ifc.unit, ifc.offset);
    this.emit(f, ifid, ifc, capLen, wireLen, dataOff, dir, p);
  }

  private simplePacket(buf: Buffer, p: number, len: number, le: boolean): void {
    const st = this.st;
    if (len < 16) {
      st.warn(this.win.offset(p), `simple packet block too short (${len} bytes), skipped`);
      return;
    }
    const ifc = this.ifs[0];
    if (ifc === undefined) {
      st.warn(this.win.offset(p), `simple packet block without an interface 0, skipped`);
      return;
    }
    const wireLen = le ? buf.readUInt32LE(p + 8) : buf.readUInt32BE(p + 8);
    let capLen = Math.min(wireLen, len - 16);
    if (ifc.snaplen > 0 && ifc.snaplen < capLen) capLen = ifc.snaplen;
    // No timestamp in an SPB: the frame keeps the previous record's time (0 when none).
    this.emit(st.frame, 0, ifc, capLen, wireLen, p + 12, 0, p);
  }

  /** Delivers one packet; `block` is where its block starts in the window (for messages). */
  private emit(f: Frame, ifid: number, ifc: Iface, capLen: number, wireLen: number, off: number, dir: number, block: number): void {
    const st = this.st;
    if (st.packets >= st.maxPackets) {
      st.stopped = true; // maxPackets 0
      return;
    }
    const n = ++st.packets;
    f.number = n;
    f.capLen = capLen;
    f.wireLen = wireLen;
    f.linkType = ifc.linkType;
    f.interfaceId = ifid;
    f.direction = dir;
    f.off = off;
    f.recordOffset = this.win.offset(block);
    if (n === 1) st.first = f.time;
    st.last = f.time;
    st.sink(f);
    if (n >= st.maxPackets) st.stopped = true;
  }

  /** Walk the options in buf[s, e); collect the ones `kind` cares about. */
  private options(buf: Buffer, s: number, e: number, le: boolean, kind: number): void {
    let q = s;
    while (q + 4 <= e) {
      const code = le ? buf.readUInt16LE(q) : buf.readUInt16BE(q);
      const olen = le ? buf.readUInt16LE(q + 2) : buf.readUInt16BE(q + 2);
      if (code === 0) return; // opt_endofopt
      const v = q + 4;
      if (olen > e - v) {
        this.st.warn(
          this.win.offset(q),
          `option ${code} (length ${olen}) runs past the end of its block; remaining options ignored`,
        );
        return;
      }
      if (kind === OPTS_PACKET) {
        if (code === 2 && olen >= 4) this.optFlags = le ? buf.readUInt32LE(v) : buf.readUInt32BE(v);
      } else if (kind === OPTS_IDB) {
        if (code === 9 && olen >= 1) this.optTsresol = buf[v]!;
        else if (code === 14 && olen >= 8) {
          this.optTsoffset = le
            ? buf.readInt32LE(v + 4) * 4294967296 + buf.readUInt32LE(v)
            : buf.readInt32BE(v) * 4294967296 + buf.readUInt32BE(v + 4);
        }
      }
      q = v + ((olen + 3) & ~3);
    }
  }
}
