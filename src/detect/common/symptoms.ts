/**
 * What the user saw: the messages table of findings.md (“The people and the problem”),
 * keyed by mechanism, so every finding cites the same wording.
 */
export const SYMPTOM = {
  nginxReset: 'nginx error.log: recv() failed (104: Connection reset by peer) while reading response header from upstream',
  nginxPremature: 'nginx error.log: upstream prematurely closed connection while reading response header from upstream',
  nginxTimeout: 'nginx error.log: upstream timed out (110: Connection timed out)',
  envoyReset: 'Envoy / Istio: upstream connect error or disconnect/reset before headers. reset reason: connection termination',
  envoyProtocol: 'Envoy / Istio: upstream connect error or disconnect/reset before headers. reset reason: protocol error',
  nodeHangUp: 'Node.js: Error: socket hang up',
  nodeReset: 'Node.js: read ECONNRESET',
  nodeEpipe: 'Node.js: write EPIPE',
  goReset: 'Go net/http: read: connection reset by peer',
  goIdleClosed: 'Go net/http: http: server closed idle connection',
  goEof: 'Go net/http: EOF',
  javaReset: 'Java / Tomcat: java.net.SocketException: Connection reset',
  lb502: 'load balancer: intermittent 502',
  lb504: 'load balancer: intermittent 504',
} as const;

/** A request reset (or closed) before its response: what proxies and clients report. */
export const RESET_BEFORE_RESPONSE = [
  SYMPTOM.nginxReset, SYMPTOM.nginxPremature, SYMPTOM.envoyReset, SYMPTOM.nodeHangUp, SYMPTOM.nodeReset,
  SYMPTOM.goReset, SYMPTOM.goIdleClosed, SYMPTOM.javaReset, SYMPTOM.lb502,
];

/** A request closed (FIN) before its response. */
export const CLOSED_BEFORE_RESPONSE = [
  SYMPTOM.nginxPremature, SYMPTOM.envoyReset, SYMPTOM.nodeHangUp, SYMPTOM.goEof, SYMPTOM.goIdleClosed, SYMPTOM.lb502,
];

/** Writing into a closed connection. */
export const WRITE_AFTER_CLOSE = [SYMPTOM.nginxReset, SYMPTOM.nodeEpipe, SYMPTOM.nodeReset, SYMPTOM.goReset, SYMPTOM.javaReset, SYMPTOM.lb502];

/** A request that timed out. */
export const TIMEOUT = [SYMPTOM.nginxTimeout, SYMPTOM.lb504, SYMPTOM.nodeHangUp];
