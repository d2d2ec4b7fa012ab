/**
 * The decode layer's output: one decoded packet, link → IP → TCP/ICMP.
 *
 * One Packet object is reused for every frame (no allocation per packet):
 * `Decoder.decode(frame, pkt)` (decoder.ts) overwrites every field.
 * Addresses are kept as numbers: IPv4 in `src[0]`/`dst[0]` (unsigned 32 bit),
 * IPv6 as four unsigned 32-bit words, most significant first.
 */
export const enum L4 {
  None = 0,
  TCP = 6,
  UDP = 17,
  ICMP = 1,
  ICMPv6 = 58,
}

/** TCP flag bits as in the header byte 13 (RFC 9293 §3.1). */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;
export const ECE = 0x40;
export const CWR = 0x80;

export interface QuotedHeader {
  /** 0 when the ICMP error quoted nothing decodable. */
  ipVersion: number;
  src: Uint32Array;
  dst: Uint32Array;
  proto: number;
  srcPort: number;
  dstPort: number;
  /** TCP sequence number of the quoted segment (0 when not TCP or cut). */
  seq: number;
  /** Total length of the quoted IP datagram as its header says. */
  ipTotalLen: number;
}

export interface Packet {
  // ---- from the frame -------------------------------------------------
  number: number;
  tsSec: number;
  tsNsec: number;
  time: number;
  wireLen: number;
  capLen: number;
  linkType: number;
  interfaceId: number;
  /** 0 unknown, 1 inbound (to this host), 2 outbound (sent by this host): SLL/SLL2 packet type or pcapng epb_flags. */
  direction: number;

  // ---- network layer (innermost IP header after tunnels) --------------
  /** 0 when the frame carries no IP we understand. */
  ipVersion: number;
  src: Uint32Array; // length 4
  dst: Uint32Array; // length 4
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  /** IPv4 identification (-1 for IPv6 or unknown). */
  ipId: number;
  /** IPv4 DF bit set. */
  df: boolean;
  /** IP datagram length from the header (IPv4 total length; IPv6 40 + payload length). */
  ipTotalLen: number;
  /** IP header length including IPv6 extension headers. */
  ipHeaderLen: number;
  /** Upper-layer protocol number (after IPv6 extension headers). */
  proto: number;
  /**
   * Set when this frame is an IP fragment. If the fragment completed a datagram,
   * `reassembled` is true and the L4 fields below describe the reassembled datagram
   * (its bytes are in `l4Buf`); otherwise L4 fields are empty (proto set, l4 = None).
   */
  isFragment: boolean;
  reassembled: boolean;
  /** Number of fragments of the datagram completed by this frame (0 if none). */
  fragmentCount: number;
  /** Size of the reassembled datagram (IP header + payload) when `reassembled`. */
  reassembledLen: number;
  /** Number of tunnel/encapsulation layers crossed to reach the inner IP (VLAN tags not counted). */
  tunnelDepth: number;

  // ---- transport ------------------------------------------------------
  /**
   * L4.TCP, L4.UDP, L4.ICMP, L4.ICMPv6 or L4.None (also None when the header is cut or
   * invalid: then `proto` says what was expected, `problem` why, and the ports are set
   * when at least 4 bytes were captured).
   */
  l4: number;
  srcPort: number;
  dstPort: number;

  // TCP
  seq: number; // unsigned 32 bit
  ack: number; // unsigned 32 bit
  flags: number; // header byte 13
  window: number; // raw 16-bit window (unscaled)
  tcpHeaderLen: number;
  /**
   * TCP payload length from the IP header (tcp.len), even when the capture cut it.
   * UDP: from the UDP length; ICMP/ICMPv6: the message body after the 8-byte header.
   */
  payloadLen: number;
  /** Payload bytes actually captured (<= payloadLen). */
  payloadCaptured: number;
  /**
   * Buffer and offset of the TCP/UDP payload (or ICMP body): `frame.buf`, or the
   * reassembly buffer when `reassembled`. Valid only during processing of this packet.
   * When the snap length cut the TCP options, payloadOff is the end of the capture.
   */
  l4Buf: Buffer;
  payloadOff: number;
  /** TCP options seen in this segment; -1 when absent. */
  optMss: number;
  optWscale: number;
  optSackPerm: boolean;
  optTsVal: number; // -1 when absent
  optTsEcr: number;
  /**
   * True when the snap length cut the packet (captured < on the wire, inside IP/TCP),
   * or when an IP header claims more bytes than the frame holds.
   */
  truncated: boolean;

  // ICMP / ICMPv6
  icmpType: number;
  icmpCode: number;
  /** Next-hop MTU of ICMP frag-needed (type 3 code 4) or ICMPv6 packet-too-big (type 2). -1 otherwise. */
  icmpMtu: number;
  /** The IP/TCP/UDP header an ICMP error quotes; quoted.ipVersion 0 when none. */
  quoted: QuotedHeader;

  /** Why decoding stopped early, for warnings ('' when fine). Constant strings only, no allocation. */
  problem: string;
}

export function newPacket(): Packet {
  // The quoted sequence number is made a float field from the start (2^31, then 0): created as
  // the integer 0, the first quote of a sequence number at or above 2^30 (most of them, from the
  // first ICMP error quoting TCP, often late in a scan) would change the field's representation,
  // retire the object's hidden class and deoptimize the decoder functions resetting it.
  const quoted: QuotedHeader = { ipVersion: 0, src: new Uint32Array(4), dst: new Uint32Array(4), proto: 0, srcPort: 0, dstPort: 0, seq: 2 ** 31, ipTotalLen: 0 };
  quoted.seq = 0;
  return {
    number: 0, tsSec: 0, tsNsec: 0, time: 0, wireLen: 0, capLen: 0, linkType: 0, interfaceId: 0, direction: 0,
    ipVersion: 0, src: new Uint32Array(4), dst: new Uint32Array(4), ttl: 0, ipId: -1, df: false,
    ipTotalLen: 0, ipHeaderLen: 0, proto: 0,
    isFragment: false, reassembled: false, fragmentCount: 0, reassembledLen: 0, tunnelDepth: 0,
    l4: 0, srcPort: 0, dstPort: 0,
    seq: 0, ack: 0, flags: 0, window: 0, tcpHeaderLen: 0, payloadLen: 0, payloadCaptured: 0,
    l4Buf: Buffer.alloc(0), payloadOff: 0,
    optMss: -1, optWscale: -1, optSackPerm: false, optTsVal: -1, optTsEcr: -1, truncated: false,
    icmpType: -1, icmpCode: -1, icmpMtu: -1,
    quoted,
    problem: '',
  };
}

/** Dotted quad / RFC 5952 text of an address held as words (allocates: reports only). */
export function formatAddr(version: number, a: Uint32Array): string {
  if (version === 4) {
    const v = a[0]!;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) {
    groups.push(a[i]! >>> 16, a[i]! & 0xffff);
  }
  // RFC 5952 §4.2: compress the longest run (2 or more) of zero groups, first one on ties.
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** "10.0.0.1:80" or "[2001:db8::1]:80", as the findings contract writes endpoints. */
export function formatEndpoint(version: number, a: Uint32Array, port: number): string {
  const s = formatAddr(version, a);
  return version === 6 ? `[${s}]:${port}` : `${s}:${port}`;
}
