/**
 * The reader layer's output: one timestamped link-layer frame.
 *
 * A single Frame object is reused for every record of a file (the hot path
 * allocates nothing per packet): a sink must copy whatever it wants to keep
 * before it returns. `buf[off .. off + capLen)` are the captured bytes; the
 * buffer is only valid during the sink call.
 */
export interface Frame {
  /** 1-based record number in the file, as Wireshark numbers frames. */
  number: number;
  /** Whole seconds since the Unix epoch (after pcapng if_tsoffset). */
  tsSec: number;
  /** Nanoseconds within the second, 0..999999999 (microsecond files are scaled). */
  tsNsec: number;
  /** tsSec + tsNsec / 1e9, as a float, for arithmetic. */
  time: number;
  /** Bytes captured (may be less than wireLen when cut by the snap length). */
  capLen: number;
  /** Bytes on the wire. */
  wireLen: number;
  /** LINKTYPE_* value (classic pcap: low 16 bits of the header field). */
  linkType: number;
  /** pcapng interface id (0 for classic pcap). */
  interfaceId: number;
  /** 0 unknown, 1 inbound, 2 outbound (pcapng epb_flags bits 0-1; "modified" pcap: pkt_type 4 = outbound). */
  direction: number;
  buf: Buffer;
  off: number;
  /** Byte offset of the record (pcap) or block (pcapng) in the (decompressed) stream, for messages. */
  recordOffset: number;
}

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

/** What the reader learned about one input file. */
export interface CaptureInfo {
  path: string;
  /** `pcap` (µs), `pcap-ns`, or `pcapng`; for gzip input, the inner format. */
  format: CaptureFormat | 'unknown';
  gzip: boolean;
  /** Every link type seen (pcapng: from the IDBs), in order of first appearance. */
  linktypes: number[];
  /** Records delivered to the sink. */
  packets: number;
  /**
   * Bytes of input consumed (compressed bytes for gzip input): for plain input the
   * offset after the last record read, or of the record a fatal error names.
   */
  bytes: number;
  /** Time of the first and last record (seconds since epoch, 0 when none). */
  first: number;
  last: number;
  /** Snap length from the pcap header / first IDB (0 when unknown). */
  snaplen: number;
  /** Non-fatal problems: "offset 1234: record caplen 300000 above 262144, skipped". */
  warnings: string[];
  /**
   * A fatal problem that stopped reading, as one line naming the file and the byte
   * offset: "cap.pcap: offset 1234: truncated record header (12 of 16 bytes)".
   * Records before it were delivered.
   */
  error?: string;
  /** Byte offset of `error` in the (decompressed) stream. */
  errorOffset?: number;
  /** Reading stopped early because `ReadOptions.signal` was aborted (Ctrl-C); `bytes` says where. */
  interrupted?: boolean;
}

export type FrameSink = (frame: Frame) => void;

export interface ReadOptions {
  /** Stop after this many records (the rest of the file is not read). */
  maxPackets?: number;
  /** Called now and then with the compressed/raw byte count read so far (for progress bars). */
  onProgress?: (bytesRead: number) => void;
  /** Chunk size for file reads (default 2 MiB). */
  chunkSize?: number;
  /** Stop early when this returns true (checked between chunks). */
  shouldStop?: () => boolean;
  /**
   * Stop reading when this is aborted (Ctrl-C): between chunks, and a read still waiting for
   * input (a live pipe gone quiet) is given up. What was read is delivered; `interrupted` is set.
   */
  signal?: AbortSignal;
}
