/**
 * Classic libpcap savefile records, parsed in place from the read window.
 * Format: draft-ietf-opsawg-pcap, section 4 (file header: magic, version,
 * SnapLen, LinkType and FCS bits) and section 5 (packet record: timestamp
 * seconds and micro/nanoseconds, captured length, original length).
 *
 * Magic numbers (either byte order): a1b2c3d4 microseconds, a1b23c4d
 * nanoseconds, a1b2cd34 Alexey Kuznetzov's "modified" pcap, whose record
 * header has 8 more bytes: ifindex (4), protocol (2), pkt_type (1), pad (1).
 *
 * Length rules (corrupt lengths must not make us buffer gigabytes, the bug of
 * pcap-parser): caplen above MAX_CAPLEN and above the file's snaplen is a fatal
 * error; caplen above the snaplen but within MAX_CAPLEN is delivered with a
 * warning; nothing above HARD_CAPLEN is ever buffered.
 */
import type { RecordParser, ReadState } from './state.js';
import type { Window } from './window.js';

/** Largest caplen accepted regardless of the snaplen (libpcap's MAXIMUM_SNAPLEN). */
export const MAX_CAPLEN = 262144;
/** Largest caplen accepted at all, even under a larger header snaplen. */
export const HARD_CAPLEN = 16 * 1024 * 1024;

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

const FILE_HEADER = 24;

/** The three pcap magics, as read little-endian from the first four bytes (either byte order). */
export function isPcapMagic(le32: number): boolean {
  const be32 = swap32(le32);
  return (
    le32 === PCAP_MAGIC_US || le32 === PCAP_MAGIC_NS || le32 === PCAP_MAGIC_MODIFIED ||
    be32 === PCAP_MAGIC_US || be32 === PCAP_MAGIC_NS || be32 === PCAP_MAGIC_MODIFIED
  );
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

export class PcapParser implements RecordParser {
  need = FILE_HEADER;
  skip = 0;
  started = false;
  private le = true;
  private nano = false;
  private modified = false;
  private hdrLen = 16;
  private snaplen = 0;
  private limit = MAX_CAPLEN;
  private linkType = 0;

  constructor(
    private readonly st: ReadState,
    private readonly win: Window,
  ) {}

  private header(): boolean {
    const win = this.win;
    if (win.end - win.pos < FILE_HEADER) {
      this.need = FILE_HEADER;
      return false;
    }
    const buf = win.buf;
    const p = win.pos;
    let m = buf.readUInt32LE(p);
    this.le = m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || m === PCAP_MAGIC_MODIFIED;
    if (!this.le) m = buf.readUInt32BE(p);
    this.nano = m === PCAP_MAGIC_NS;
    this.modified = m === PCAP_MAGIC_MODIFIED;
    this.hdrLen = this.modified ? 24 : 16;
    const le = this.le;
    const major = le ? buf.readUInt16LE(p + 4) : buf.readUInt16BE(p + 4);
    const minor = le ? buf.readUInt16LE(p + 6) : buf.readUInt16BE(p + 6);
    this.snaplen = le ? buf.readUInt32LE(p + 16) : buf.readUInt32BE(p + 16);
    const network = le ? buf.readUInt32LE(p + 20) : buf.readUInt32BE(p + 20);
    // LinkType is the low 16 bits; the upper bits carry FCS length and reserved flags.
    this.linkType = network & 0xffff;
    this.limit = Math.min(HARD_CAPLEN, Math.max(MAX_CAPLEN, this.snaplen));
    if (major !== 2) this.st.warn(win.offset(p + 4), `unusual pcap version ${major}.${minor}`);
    this.st.format = this.nano ? 'pcap-ns' : 'pcap';
    this.st.snaplen = this.snaplen;
    this.st.addLinkType(this.linkType);
    win.pos = p + FILE_HEADER;
    this.started = true;
    this.need = this.hdrLen;
    return true;
  }

  run(): void {
    if (!this.started && !this.header()) return;
    const win = this.win;
    const st = this.st;
    const buf = win.buf;
    const dv = win.dv;
    const end = win.end;
    let p = win.pos;
    const f = st.frame;
    f.buf = buf;
    f.linkType = this.linkType;
    f.interfaceId = 0;
    f.direction = 0;
    const sink = st.sink;
    const le = this.le;
    const hl = this.hdrLen;
    const limit = this.limit;
    const snaplen = this.snaplen;
    const fracMax = this.nano ? 1_000_000_000 : 1_000_000;
    const nsPerUnit = this.nano ? 1 : 1000;
    const modified = this.modified;
    const max = st.maxPackets;
    let n = st.packets;
    let last = st.last;
    if (n >= max) {
      st.stopped = true; // maxPackets 0
      return;
    }

    for (;;) {
      if (end - p < hl) {
        this.need = hl;
        break;
      }
      const capLen = dv.getUint32(p + 8, le);
      if (capLen > limit) {
        st.fatal(
          win.offset(p),
          `corrupt record: caplen ${capLen} above the maximum ${limit} (snaplen ${snaplen})`,
        );
        break;
      }
      const recLen = hl + capLen;
      if (end - p < recLen) {
        this.need = recLen;
        break;
      }
      let sec = dv.getUint32(p, le);
      let frac = dv.getUint32(p + 4, le);
      const wireLen = dv.getUint32(p + 12, le);
      if (frac >= fracMax) {
        st.warn(win.offset(p), `record ${n + 1}: timestamp fraction ${frac} not below ${fracMax}, carried into seconds`);
        sec += Math.floor(frac / fracMax);
        frac %= fracMax;
      }
      if (capLen > snaplen && snaplen !== 0) {
        st.warn(win.offset(p), `record ${n + 1}: caplen ${capLen} above snaplen ${snaplen}`);
      }
      if (wireLen < capLen) {
        st.warn(win.offset(p), `record ${n + 1}: original length ${wireLen} below caplen ${capLen}`);
      }
      if (modified) {
        // pkt_type (Linux PACKET_*): 4 = outgoing, 0-3 = received.
        f.direction = buf[p + 22] === 4 ? 2 : 1;
      }
      const ns = frac * nsPerUnit;
      const time = sec + ns / 1e9;
      f.number = ++n;
      f.tsSec = sec;
      f.tsNsec = ns;
      f.time = time;
      f.capLen = capLen;
      f.wireLen = wireLen;
      f.off = p + hl;
      f.recordOffset = win.offset(p);
      if (n === 1) st.first = time;
      last = time;
      sink(f);
      p += recLen;
      if (n >= max) {
        st.stopped = true;
        break;
      }
    }
    st.packets = n;
    st.last = last;
    win.pos = p;
  }

  truncated(offset: number, avail: number): void {
    if (!this.started) this.st.fatal(offset, `truncated pcap file header: ${avail} of ${FILE_HEADER} bytes`);
    else if (avail > 0) this.st.fatal(offset, `truncated record: ${avail} of ${this.need} bytes`);
  }
}
