/**
 * Decoder counters. Frame counters count each frame at most once.
 *
 * `ipv4`, `ipv6`, `udp`, `icmp`, `icmpv6`, `ipv4Fragments`, `ipv6FragmentHeaders` count
 * frames containing at least one such header at ANY level (outer, tunnelled, inside a
 * reassembled datagram, or - for IP/UDP/fragment headers - quoted inside an ICMP error),
 * which is how tshark's `frame.protocols` / field presence counts them. `tcp` counts
 * frames whose decoded transport is TCP (`pkt.l4 === L4.TCP`): TCP headers quoted in
 * ICMP errors and TCP segments inside incomplete fragments are not counted.
 */
export interface DecodeStats {
  /** Frames passed to decode(). */
  frames: number;
  ipv4: number;
  ipv6: number;
  /** Frames with pkt.l4 === L4.TCP. */
  tcp: number;
  /**
   * Frames whose TCP header is cut or invalid (data offset < 5 or past the IP payload):
   * pkt.proto = 6 but pkt.l4 = None. tshark lists these as tcp too.
   */
  tcpMalformed: number;
  udp: number;
  icmp: number;
  icmpv6: number;
  /** Frames with an IPv4 header having MF set or a fragment offset > 0. */
  ipv4Fragments: number;
  /** Frames with an IPv6 Fragment extension header (atomic fragments included). */
  ipv6FragmentHeaders: number;
  /** Of those, frames whose Fragment header is atomic (offset 0, M = 0; RFC 6946). */
  ipv6AtomicFragments: number;
  /** Frames with ICMP type 3 code 4 (fragmentation needed). */
  icmpFragNeeded: number;
  /** Frames with ICMPv6 type 2 (packet too big). */
  icmpv6TooBig: number;
  /** Datagrams completed by reassembly (= frames with pkt.reassembled). */
  reassembled: number;
  /** Fragment frames whose data was discarded: memory bound, datagram too long, cut by the snap length. */
  fragmentsDropped: number;
  /** Fragment frames discarded because their datagram was not completed within fragmentTimeoutS. */
  fragmentsTimedOut: number;
  /** Fragments that overlapped data already held (the first copy of each byte is kept). */
  fragmentOverlaps: number;
  /** Bytes currently held by incomplete datagrams, and the most ever held. */
  fragmentBytesHeld: number;
  fragmentBytesPeak: number;
  /** Frames with at least one IP-in-IP / GRE / UDP tunnel (pkt.tunnelDepth > 0). */
  tunneled: number;
  /** Frames with pkt.truncated. */
  truncated: number;
  /** Frames with a non-empty pkt.problem. */
  problems: number;
  /** Frames of a link type this decoder does not know. */
  unknownLinkType: number;
  /** Frames of a known link type in which no IP header was found (ARP, LLC, STP, cut headers...). */
  undecodable: number;
  /** Warnings not queued because the queue was full or their kind was rate-limited. */
  warningsDropped: number;
  /** Exceptions caught by decode()'s safety net (should stay 0). */
  internalErrors: number;
}

export function newDecodeStats(): DecodeStats {
  return {
    frames: 0, ipv4: 0, ipv6: 0, tcp: 0, tcpMalformed: 0, udp: 0, icmp: 0, icmpv6: 0,
    ipv4Fragments: 0, ipv6FragmentHeaders: 0, ipv6AtomicFragments: 0,
    icmpFragNeeded: 0, icmpv6TooBig: 0,
    reassembled: 0, fragmentsDropped: 0, fragmentsTimedOut: 0, fragmentOverlaps: 0,
    fragmentBytesHeld: 0, fragmentBytesPeak: 0,
    tunneled: 0, truncated: 0, problems: 0, unknownLinkType: 0, undecodable: 0,
    warningsDropped: 0, internalErrors: 0,
  };
}
