/**
 * Constant strings for `Packet.problem` (no allocation per packet). The first
 * problem of a frame wins. Each one also names a warning kind (see DecodeState.warn).
 */
export const P_LINK_CUT = 'link-layer header cut';
export const P_UNKNOWN_LINKTYPE = 'unknown link type';
export const P_VLAN_CUT = 'VLAN tag cut';
export const P_VLAN_DEPTH = 'too many VLAN tags';
export const P_PPPOE_CUT = 'PPPoE header cut';
export const P_MPLS_CUT = 'MPLS label stack cut';
export const P_PPP_CUT = 'PPP header cut';
export const P_NFLOG_BAD = 'NFLOG TLVs malformed';
export const P_PKTAP_BAD = 'PKTAP header length invalid';
export const P_NEST_DEPTH = 'encapsulation nested too deep';
export const P_TUNNEL_DEPTH = 'tunnel depth limit exceeded';
export const P_IP_VERSION = 'bad IP version';
export const P_IPV4_CUT = 'IPv4 header cut';
export const P_IPV4_IHL = 'IPv4 header length < 20';
export const P_IPV4_TOTLEN = 'IPv4 total length < header length';
export const P_IPV6_CUT = 'IPv6 header cut';
export const P_IPV6_EXT_CUT = 'IPv6 extension header cut';
export const P_IPV6_EXT_PAST = 'IPv6 extension header runs past the packet';
export const P_IPV6_EXT_LONG = 'IPv6 extension header chain too long';
export const P_FRAG_CUT = 'IP fragment cut by the snap length';
export const P_TCP_CUT = 'TCP header cut';
export const P_TCP_DOFF = 'TCP data offset < 5';
export const P_TCP_DOFF_PAST = 'TCP header length runs past the IP payload';
export const P_TCP_OPTS_CUT = 'TCP options cut by the snap length';
export const P_UDP_CUT = 'UDP header cut';
export const P_ICMP_CUT = 'ICMP header cut';
export const P_ICMPV6_CUT = 'ICMPv6 header cut';
export const P_GRE_CUT = 'GRE header cut';
export const P_GRE_UNSUPPORTED = 'GRE version or routing not supported';
export const P_TUNNEL_CUT = 'tunnel header cut';
export const P_INTERNAL = 'internal decoder error';
