/**
 * The connection layer's model of one TCP connection (Wireshark's `tcp.stream`).
 *
 * A Flow is created by the FlowTable for the first packet of a 4-tuple and updated
 * for every packet; detectors receive it once, finalized, through `onFlowEnd`.
 * Direction 0 is client → server, direction 1 is server → client.
 * Times are seconds since the epoch (floats); packet numbers are 1-based frame numbers.
 */

/** Significant moments of a connection, kept in order (bounded, see `Flow.events`). */
export type FlowEventType =
  | 'syn' // SYN without ACK (a retransmitted SYN has `retransmission: true`)
  | 'syn-ack'
  | 'handshake-ack' // the client's ACK completing the three-way handshake
  | 'request' // first byte of an HTTP/1 request (see `http`)
  | 'response' // first byte of an HTTP/1 response
  | 'data' // first payload of a direction that is not HTTP/1 (see `proto`)
  | 'fin'
  | 'rst'
  | 'retransmission' // a data/SYN/FIN segment Wireshark would mark tcp.analysis.retransmission
  | 'zero-window' // the sender advertised a zero window
  | 'window-open' // first non-zero window after a zero window
  | 'keep-alive' // TCP keep-alive probe (not application activity)
  | 'lost-segment'; // a gap in sequence space: a segment was not captured

export interface HttpInfo {
  /** Requests: method and target as sent (untrusted bytes decoded as latin1, at most 512 chars). */
  method?: string;
  path?: string;
  host?: string;
  /** Responses: status code and reason. */
  status?: number;
  reason?: string;
  /** "HTTP/1.1" / "HTTP/1.0" */
  version?: string;
  contentLength?: number;
  chunked?: boolean;
  /** Responses: the `Server` header (at most 128 chars), for guessing the server software. */
  server?: string;
  /** `Connection: close` present (or HTTP/1.0 without keep-alive). */
  connectionClose?: boolean;
  /** Body bytes seen so far / in total. */
  bodyBytes: number;
  /** The message ended (length reached, final chunk, or ended by close when it has no length). */
  complete: boolean;
  /** Packet and time of the message's last byte, once complete (or of its last byte seen). */
  endPacket: number;
  endTime: number;
  /** Index of the request this response answers (responses only; -1 unknown). */
  requestIndex?: number;
}

export interface FlowEvent {
  type: FlowEventType;
  /** 0 client → server, 1 server → client. */
  dir: 0 | 1;
  packet: number;
  time: number;
  /** Integer nanoseconds within the second, for precise evidence of nanosecond captures. */
  tsNsec: number;
  /** Relative sequence number (0 = ISN) and TCP payload length of the segment. */
  seq: number;
  len: number;
  /** IP TTL / hop limit and IPv4 ID (-1 for IPv6) of the packet. */
  ttl: number;
  ipId: number;
  /** For request/response: the message; the same object is updated as the message completes. */
  http?: HttpInfo;
  /** For 'data': what the first payload looks like. */
  proto?: PayloadKind;
  /** 'syn'/'syn-ack'/'fin'/'rst'/'data' repeated after an earlier one (retransmitted). */
  retransmission?: boolean;
  /** The segment is an exact copy of the previous one of its direction (see DirStats.duplicates). */
  duplicate?: boolean;
  /** For 'rst': the RST also carried ACK; for 'window-open': the stall length. */
  ack?: boolean;
  stallS?: number;
}

export type PayloadKind =
  | 'http-request'
  | 'http-response'
  | 'h2-preface'
  | 'h2-settings' // an HTTP/2 SETTINGS frame on stream 0: the server's connection preface (RFC 9113 §3.4)
  | 'tls-client-hello'
  | 'tls'
  | 'ssh'
  | 'other';

/** Per-direction counters and state. Field names follow Wireshark's where one exists. */
export interface DirStats {
  packets: number;
  /** Sum of tcp.len. */
  payloadBytes: number;
  /** Segments with tcp.len > 0, retransmissions included (denominator of retransmit_ratio). */
  dataPackets: number;
  syn: number;
  fin: number;
  rst: number;
  retransmissions: number;
  fastRetransmissions: number;
  spuriousRetransmissions: number;
  /** Segments repeating this direction's previous segment exactly (same seq, ack, flags, length, IPv4 ID, within
   *  1 ms): one packet captured twice (two capture points, VLAN copies). Wireshark counts them as retransmissions. */
  duplicates: number;
  outOfOrder: number;
  lostSegments: number;
  duplicateAcks: number;
  zeroWindows: number;
  keepAlives: number;
  firstTime: number;
  /** Packet number of this direction's first packet (0 none): e.g. a challenge ACK answering a SYN (port-reuse). */
  firstPacket: number;
  lastTime: number;
  /** Last segment carrying new payload (not retransmission, not keep-alive): application activity. */
  lastPayloadTime: number;
  lastPayloadPacket: number;
  firstPayloadTime: number;
  /** MSS / window scale announced in this direction's SYN (-1 when not seen). */
  mss: number;
  wscale: number;
  sackPermitted: boolean;
  timestamps: boolean;
  /** Largest TCP payload sent in one segment, and the largest one the peer acknowledged. */
  maxSegment: number;
  maxAckedSegment: number;
  /** TTL / hop limit: first seen, min and max over this direction's non-RST packets. */
  ttlFirst: number;
  ttlMin: number;
  ttlMax: number;
  /** Last IPv4 ID seen on a non-RST packet (-1 none / IPv6). */
  lastIpId: number;
  /** First FIN / RST sent by this direction (0 = none). */
  firstFinPacket: number;
  firstFinTime: number;
  firstRstPacket: number;
  firstRstTime: number;
  /** Packets with a payload beyond the IP datagram the capture kept (snap length). */
  truncatedPackets: number;
  /** What the first payload bytes looked like ('' before any payload). */
  firstPayloadKind: PayloadKind | '';
  /** Largest IP datagram and whether any segment was bigger than the announced MSS (TSO/GSO). */
  maxIpLen: number;
  segmentsAboveMss: number;
  /** Direction from the capture (SLL packet type / pcapng flags) of this side's packets: 0 unknown, 1 in, 2 out. */
  captureDirection: number;
}

export type FlowState =
  | 'refused' // SYN answered by RST
  | 'syn-unanswered' // only SYNs
  | 'reset-in-handshake' // handshake started then RST before it completed
  | 'closed-rst' // established, ended by RST
  | 'closed-fin' // FIN in both directions, no RST
  | 'half-closed' // one FIN, no RST, capture ended or flow timed out
  | 'open'; // still open at capture end

export interface Flow {
  /** 0-based, in order of first packet, like Wireshark's tcp.stream. */
  id: number;
  ipVersion: number;
  /** "10.0.0.1:51234", "[2001:db8::1]:443" */
  client: string;
  server: string;
  clientAddr: string;
  serverAddr: string;
  clientPort: number;
  serverPort: number;
  /** How the client was chosen: it sent the first SYN, sent the SYN-ACK's peer, or by port heuristics. */
  clientBy: 'syn' | 'syn-ack' | 'port';
  start: number;
  end: number;
  firstPacket: number;
  lastPacket: number;
  /** Index of the capture file (for multi-file runs). */
  file: number;
  dirs: [DirStats, DirStats];
  /** SYN → SYN-ACK → ACK times as seen at the capture point (-1 when not seen). */
  synTime: number;
  synAckTime: number;
  handshakeAckTime: number;
  /** Round trip seen from the capture point: SYN→ACK of the handshake (seconds, -1 unknown). */
  rtt: number;
  /** Client-side and server-side parts of the RTT (capture point to each peer and back). */
  rttClientSide: number;
  rttServerSide: number;
  state: FlowState;
  /** Which side sent the first FIN / first RST ('' none). */
  firstFinBy: '' | 'client' | 'server';
  firstRstBy: '' | 'client' | 'server';
  /** HTTP/1 requests and responses seen (started). */
  requests: number;
  responses: number;
  /** Significant events in order. Bounded: when over the cap, the middle is dropped (`eventsDropped`). */
  events: FlowEvent[];
  eventsDropped: number;
  /** HTTP requests among the dropped events (so requests keep their numbers on long connections)... */
  requestsDropped?: number;
  /** ...and the packet of the first event kept after the dropped ones (events before it were not renumbered). */
  dropGapPacket?: number;
  /** Any packet of this flow was cut by the snap length. */
  truncated: boolean;
  /** The flow was evicted from the table before it ended (flood protection). */
  evicted: boolean;
}

/**
 * An event with optional fields: all five present (undefined when not given), always in this
 * order. Events then have three shapes (hidden classes): plain ones, HTTP messages (plus `http`)
 * and these. Setting only the given fields would give each mix its own shape, and the code walking
 * events (flow table, detectors) would deoptimize on every new mix ("wrong map") and be compiled
 * again. (Plain and HTTP events, thousands on a keep-alive connection, stay small. JSON output
 * is unchanged: undefined fields are not written.)
 */
export function flowEventWith(
  type: FlowEventType, dir: 0 | 1, packet: number, time: number, tsNsec: number, seq: number, len: number, ttl: number, ipId: number,
  ack: boolean | undefined, retransmission: boolean | undefined, duplicate: boolean | undefined, stallS: number | undefined,
  proto: PayloadKind | undefined,
): FlowEvent {
  return { type, dir, packet, time, tsNsec, seq, len, ttl, ipId, ack, retransmission, duplicate, stallS, proto };
}

export const CLIENT = 0;
export const SERVER = 1;

/** Back to the values of `newDirStats()` (a pooled connection reused: no new object). */
export function resetDirStats(d: DirStats): void {
  d.packets = 0; d.payloadBytes = 0; d.dataPackets = 0; d.syn = 0; d.fin = 0; d.rst = 0;
  d.retransmissions = 0; d.fastRetransmissions = 0; d.spuriousRetransmissions = 0; d.duplicates = 0; d.outOfOrder = 0;
  d.lostSegments = 0; d.duplicateAcks = 0; d.zeroWindows = 0; d.keepAlives = 0;
  d.firstTime = 0; d.firstPacket = 0; d.lastTime = 0; d.lastPayloadTime = 0; d.lastPayloadPacket = 0; d.firstPayloadTime = 0;
  d.mss = -1; d.wscale = -1; d.sackPermitted = false; d.timestamps = false;
  d.maxSegment = 0; d.maxAckedSegment = 0; d.ttlFirst = -1; d.ttlMin = 256; d.ttlMax = -1; d.lastIpId = -1;
  d.firstFinPacket = 0; d.firstFinTime = 0; d.firstRstPacket = 0; d.firstRstTime = 0;
  d.truncatedPackets = 0; d.firstPayloadKind = ''; d.maxIpLen = 0; d.segmentsAboveMss = 0; d.captureDirection = 0;
}

export function newDirStats(): DirStats {
  return dirStatsAt(0);
}

/** newDirStats() with `t` in its time fields. */
function dirStatsAt(t: number): DirStats {
  return {
    packets: 0, payloadBytes: 0, dataPackets: 0, syn: 0, fin: 0, rst: 0,
    retransmissions: 0, fastRetransmissions: 0, spuriousRetransmissions: 0, duplicates: 0, outOfOrder: 0,
    lostSegments: 0, duplicateAcks: 0, zeroWindows: 0, keepAlives: 0,
    firstTime: t, firstPacket: 0, lastTime: t, lastPayloadTime: t, lastPayloadPacket: 0, firstPayloadTime: t,
    mss: -1, wscale: -1, sackPermitted: false, timestamps: false,
    maxSegment: 0, maxAckedSegment: 0, ttlFirst: -1, ttlMin: 256, ttlMax: -1, lastIpId: -1,
    firstFinPacket: 0, firstFinTime: t, firstRstPacket: 0, firstRstTime: t,
    truncatedPackets: 0, firstPayloadKind: '', maxIpLen: 0, segmentsAboveMss: 0, captureDirection: 0,
  };
}
// V8 stores a field in the representation of its first value: an integer 0 in a time field,
// replaced by a float later, changes that representation, which retires the hidden class every
// DirStats shares and deoptimizes the code reading them (flow table, detectors). One throwaway
// object with float times, made first, has them stored as floats from the start.
dirStatsAt(0.5);
