/**
 * Network knowledge: what users see and what to change for the network finding kinds
 * (handshake failures, middlebox resets, loss, path MTU, fragmentation), with sources.
 * Detectors add the numbers of the capture (server, MTU, window) in front of `advice`.
 *
 * Sources (checked against the documents named):
 *  - Linux ip-sysctl: https://docs.kernel.org/networking/ip-sysctl.html (somaxconn is in
 *    https://docs.kernel.org/admin-guide/sysctl/net.html; tcp_max_syn_backlog, tcp_abort_on_overflow,
 *    ip_local_port_range, tcp_tw_reuse, tcp_mtu_probing, tcp_syn_retries, tcp_retries2)
 *  - listen(2): https://man7.org/linux/man-pages/man2/listen.2.html (backlog capped by somaxconn)
 *  - nginx: https://nginx.org/en/docs/http/ngx_http_core_module.html#listen (backlog=),
 *    https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive,
 *    https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream, #proxy_bind,
 *    #proxy_connect_timeout
 *  - iptables-extensions(8), TCPMSS target: https://ipset.netfilter.org/iptables-extensions.man.html
 *  - RFC 1191 / RFC 8201 (path MTU discovery), RFC 4821 (PLPMTUD), RFC 4890 §4.3.1 (ICMPv6
 *    Packet Too Big must not be filtered), RFC 9293 §3.10.7 (RST processing), RFC 5961 §4 (challenge
 *    ACK), RFC 6191 and RFC 9293 §3.6.1 (TIME-WAIT, 2 MSL), RFC 6298 (RTO and its backoff),
 *    RFC 7323 (timestamps for TIME-WAIT reuse), RFC 8900 (IP fragmentation considered fragile).
 */
import type { FindingKind } from '../detect/finding.js';

export type NetworkKind =
  | 'connection-refused'
  | 'syn-unanswered'
  | 'accept-queue-overflow'
  | 'port-reuse'
  | 'middlebox-reset'
  | 'retransmission-loss'
  | 'zero-window'
  | 'pmtu-blackhole'
  | 'icmp-frag-needed'
  | 'ip-fragmentation';

export interface NetworkKnowledge {
  kind: NetworkKind & FindingKind;
  /** Messages from the contract's table (and the runtime's own wording) this produces. */
  symptoms: string[];
  /** The configuration change, in the words of the configuration the user has. */
  advice: string;
  sources: string[];
}

const KERNEL = 'https://docs.kernel.org/networking/ip-sysctl.html';
const NGINX_PROXY = 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html';
const NGINX_UPSTREAM = 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html';

export const NETWORK: Record<NetworkKind, NetworkKnowledge> = {
  'connection-refused': {
    kind: 'connection-refused',
    symptoms: [
      'nginx: connect() failed (111: Connection refused) while connecting to upstream',
      'Envoy / Istio: upstream connect error or disconnect/reset before headers. reset reason: connection failure',
      'Node.js: Error: connect ECONNREFUSED',
      'Go net/http: dial tcp: connect: connection refused',
      'Java: java.net.ConnectException: Connection refused',
      'load balancer: intermittent 502',
    ],
    advice:
      'Nothing was listening on the port (process down or restarting). Restart without a gap: keep the listening socket across ' +
      'restarts (systemd socket activation, SO_REUSEPORT hand-over, graceful reload), take the instance out of the load balancer ' +
      'before stopping it (readiness probe / drain), and let the proxy retry elsewhere (nginx `proxy_next_upstream error` with ' +
      'several servers, `max_fails`/`fail_timeout`).',
    sources: [NGINX_PROXY + '#proxy_next_upstream', NGINX_UPSTREAM + '#server', 'RFC 9293 §3.10.7.1'],
  },
  'syn-unanswered': {
    kind: 'syn-unanswered',
    symptoms: [
      'nginx: upstream timed out (110: Connection timed out) while connecting to upstream',
      'Node.js: Error: connect ETIMEDOUT',
      'Go net/http: dial tcp: i/o timeout',
      'Java: java.net.SocketTimeoutException: connect timed out',
      'load balancer: intermittent 504',
    ],
    advice:
      'SYNs got no answer: a firewall or security group drops them (check DROP rules for the port), the host is down, or the ' +
      "server's SYN backlog is full (raise `net.ipv4.tcp_max_syn_backlog`, keep `net.ipv4.tcp_syncookies=1`). The client retries " +
      'with exponential backoff (1 s, 2 s, 4 s, ... `net.ipv4.tcp_syn_retries`); a connect timeout shorter than the second retry ' +
      '(nginx `proxy_connect_timeout`, curl --connect-timeout) gives up after 1-3 s.',
    sources: [KERNEL, NGINX_PROXY + '#proxy_connect_timeout', 'RFC 6298 §5'],
  },
  'accept-queue-overflow': {
    kind: 'accept-queue-overflow',
    symptoms: [
      'nginx: recv() failed (104: Connection reset by peer) while reading response header from upstream',
      'Node.js: Error: socket hang up / read ECONNRESET',
      'Go net/http: read: connection reset by peer',
      'load balancer: intermittent 502',
    ],
    advice:
      "The server's accept queue was full: the application does not call accept() fast enough for the connection rate. Raise the " +
      'listen backlog in the server (nginx `listen ... backlog=N`, gunicorn `--backlog`, Node `server.listen({backlog})`) and ' +
      '`net.core.somaxconn` (the kernel caps the backlog to it; default 4096 since Linux 5.4, 128 before), add workers, and watch ' +
      "`nstat -az TcpExtListenOverflows TcpExtListenDrops`. With `net.ipv4.tcp_abort_on_overflow=1` the kernel answers with RST " +
      '(what these packets show); with 0 it drops the ACK and retransmits the SYN-ACK instead.',
    sources: [KERNEL, 'https://docs.kernel.org/admin-guide/sysctl/net.html', 'https://man7.org/linux/man-pages/man2/listen.2.html',
      'https://nginx.org/en/docs/http/ngx_http_core_module.html#listen'],
  },
  'port-reuse': {
    kind: 'port-reuse',
    symptoms: [
      'nginx: connect() to ... failed (99: Cannot assign requested address) while connecting to upstream',
      'Node.js: Error: connect EADDRNOTAVAIL',
      'Go net/http: dial tcp: connect: cannot assign requested address',
      'load balancer: intermittent 502',
    ],
    advice:
      'The client opens a new connection per request and its ports stay in TIME_WAIT (60 s on Linux) after each close: reuse ' +
      'connections instead (nginx `keepalive N` in the upstream block with `proxy_http_version 1.1` and `proxy_set_header ' +
      'Connection ""`; HTTP clients: keep-alive agents), widen `net.ipv4.ip_local_port_range` (e.g. "1024 65000"), enable ' +
      '`net.ipv4.tcp_tw_reuse=1` (needs TCP timestamps; outgoing connections only), or spread over more source addresses ' +
      '(nginx `proxy_bind`). A SYN that lands on the server\'s TIME_WAIT gets a challenge ACK and costs the client a 1 s retry.',
    sources: [KERNEL, NGINX_UPSTREAM + '#keepalive', NGINX_PROXY + '#proxy_bind', 'RFC 6191', 'RFC 5961 §4', 'RFC 9293 §3.6.1'],
  },
  'middlebox-reset': {
    kind: 'middlebox-reset',
    symptoms: [
      'nginx: recv() failed (104: Connection reset by peer) while reading response header from upstream',
      'Envoy / Istio: upstream connect error or disconnect/reset before headers. reset reason: connection termination',
      'Node.js: read ECONNRESET',
      'Go net/http: read: connection reset by peer',
      'Java: java.net.SocketException: Connection reset',
    ],
    advice:
      'The RST was not sent by the peer: a firewall, IDS/IPS, NAT or load balancer on the path injected it (its TTL/hop limit shows ' +
      'a different distance than the peer\'s own packets). Find the device at that hop distance and check its rules (REJECT with ' +
      'tcp-reset, IPS signatures, idle-session timeouts of NAT/conntrack tables: raise them above the keep-alive timeouts in use).',
    sources: ['RFC 9293 §3.10.7', 'https://ipset.netfilter.org/iptables-extensions.man.html'],
  },
  'retransmission-loss': {
    kind: 'retransmission-loss',
    symptoms: [
      'nginx: upstream timed out (110: Connection timed out) while reading response header from upstream',
      'Node.js: Error: read ETIMEDOUT / socket hang up',
      'Go net/http: i/o timeout',
      'load balancer: intermittent 504',
    ],
    advice:
      'Packets were lost on the path and retransmitted with exponential RTO backoff until the connection was reset or timed out. ' +
      'Find the lossy hop (interface errors, drops on a full queue, policers, a failing link); the sender gives up after ' +
      '`net.ipv4.tcp_retries2` (15, about 15 min) unless an application timeout fires first.',
    sources: [KERNEL, 'RFC 6298'],
  },
  'zero-window': {
    kind: 'zero-window',
    symptoms: [
      'nginx: upstream timed out (110: Connection timed out) while reading upstream',
      'Node.js: write stalls (writable.write() returns false), then ETIMEDOUT',
      'load balancer: intermittent 504',
    ],
    advice:
      'The receiver advertised a zero window: its application stopped reading the socket (busy, blocked, or slow consumer), so ' +
      'the sender had to wait. Fix the slow reader (more workers, async I/O, back-pressure), or give it more buffer ' +
      '(`net.ipv4.tcp_rmem`, SO_RCVBUF, nginx `proxy_buffers`/`proxy_buffer_size` when nginx is the reader).',
    sources: [KERNEL, NGINX_PROXY + '#proxy_buffers', 'RFC 9293 §3.8.6.1'],
  },
  'pmtu-blackhole': {
    kind: 'pmtu-blackhole',
    symptoms: [
      'nginx: upstream timed out (110: Connection timed out) while reading response header from upstream',
      'Node.js: Error: socket hang up / ETIMEDOUT (small requests work, large responses hang)',
      'Go net/http: i/o timeout',
      'load balancer: intermittent 504',
    ],
    advice:
      'Full-size packets are dropped on the path and the ICMP "fragmentation needed" / ICMPv6 "packet too big" never reaches the ' +
      'sender (PMTUD black hole, RFC 2923). Let ICMP type 3 code 4 and ICMPv6 type 2 through every firewall/security group ' +
      '(RFC 4890 §4.3.1), clamp the MSS on the router in front of the smaller-MTU link (`iptables -t mangle -A FORWARD -p tcp ' +
      '--tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu`), lower the MTU of the tunnel/VPN interface, or enable ' +
      'packetization-layer PMTUD on the senders (`net.ipv4.tcp_mtu_probing=1`, RFC 4821).',
    sources: ['RFC 1191', 'RFC 8201', 'RFC 4821', 'RFC 2923', 'RFC 4890 §4.3.1', 'https://ipset.netfilter.org/iptables-extensions.man.html', KERNEL],
  },
  'icmp-frag-needed': {
    kind: 'icmp-frag-needed',
    symptoms: ['(usually none: path MTU discovery working; a first large send costs one extra round trip)'],
    advice:
      'A router on the path has a smaller MTU and said so (RFC 1191 / RFC 8201): the sender lowered its packet size. To avoid the ' +
      'extra round trip and the risk of a black hole where ICMP is filtered, clamp the MSS to the path MTU on that router ' +
      '(`iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu`) and keep ICMP type 3 code 4 ' +
      '/ ICMPv6 type 2 allowed through firewalls.',
    sources: ['RFC 1191', 'RFC 8201', 'RFC 4890 §4.3.1', 'https://ipset.netfilter.org/iptables-extensions.man.html'],
  },
  'ip-fragmentation': {
    kind: 'ip-fragmentation',
    symptoms: ['(timeouts when a firewall or NAT drops fragments: large DNS answers, UDP, tunnels)'],
    advice:
      'Datagrams larger than the path MTU were fragmented. Fragments are fragile (RFC 8900): firewalls and NATs often drop them ' +
      'and one lost fragment loses the whole datagram. For TCP, set DF and clamp the MSS (`TCPMSS --clamp-mss-to-pmtu`); for ' +
      'UDP/DNS, keep datagrams under the path MTU (e.g. EDNS buffer size 1232) or use TCP; for tunnels, lower the inner MTU.',
    sources: ['RFC 8900', 'RFC 791', 'RFC 8200 §4.5', 'https://ipset.netfilter.org/iptables-extensions.man.html'],
  },
};

export function networkAdvice(kind: NetworkKind): NetworkKnowledge {
  return NETWORK[kind];
}
