/**
 * Knowledge table: the keep-alive, request-cap and request-timeout settings of the
 * HTTP servers, proxies and clients pcap-reset talks about, with their documented
 * defaults and the documentation they come from. Detectors phrase advice from this
 * table (in the user's own configuration words) and match inferred values against
 * the defaults ("2.0 s matches gunicorn's default --keep-alive 2"); no prose about
 * a particular product belongs anywhere else.
 *
 * Values are seconds (or requests); `null` means "no default / disabled by default".
 */

export interface Setting {
  /** How the user writes it in that software's configuration. */
  name: string;
  /** Documented default (seconds or count), null when unlimited / unset. */
  default: number | null;
  /** Where the default is documented. */
  source: string;
  /** Short note shown with the advice (optional). */
  note?: string;
  /** When the software acts later than the setting by default (a built-in buffer), the value packets show. */
  observedDefault?: number;
  observedNote?: string;
}

export interface Software {
  id: string;
  /** Display name. */
  name: string;
  /** Lower-case substrings of the HTTP `Server` header that identify it. */
  serverHeader?: string[];
  /** As a server: how long it keeps an idle keep-alive connection open. */
  idleTimeout?: Setting;
  /** As a server: requests served on one connection before it closes. */
  requestCap?: Setting;
  /** As a server: how long a request may run before it is aborted. */
  requestTimeout?: Setting;
  /** As a client / proxy: how long it keeps an idle upstream connection for reuse. */
  clientIdleTimeout?: Setting;
  /** As a client / proxy: how long it waits for a response before giving up. */
  clientRequestTimeout?: Setting;
  /** As a client / proxy: requests sent on one upstream connection before it closes it. */
  clientRequestCap?: Setting;
}

export const SOFTWARE: readonly Software[] = [
  {
    id: 'gunicorn',
    name: 'gunicorn',
    serverHeader: ['gunicorn'],
    idleTimeout: { name: '--keep-alive (keepalive)', default: 2, source: 'https://docs.gunicorn.org/en/stable/settings.html#keepalive' },
    requestCap: { name: '--max-requests (restarts the worker)', default: null, source: 'https://docs.gunicorn.org/en/stable/settings.html#max-requests' },
    requestTimeout: { name: '--timeout (worker timeout)', default: 30, source: 'https://docs.gunicorn.org/en/stable/settings.html#timeout',
      note: 'the arbiter checks about once a second, so kills land up to ~1 s after the configured value' },
  },
  {
    id: 'uvicorn',
    name: 'uvicorn',
    serverHeader: ['uvicorn'],
    idleTimeout: { name: '--timeout-keep-alive', default: 5, source: 'https://www.uvicorn.org/settings/#timeouts' },
    requestCap: { name: '--limit-max-requests (restarts the process)', default: null, source: 'https://www.uvicorn.org/settings/#resource-limits' },
  },
  {
    id: 'node',
    name: 'Node.js http',
    idleTimeout: { name: 'server.keepAliveTimeout', default: 5, source: 'https://nodejs.org/api/http.html#serverkeepalivetimeout',
      observedDefault: 6, observedNote: 'the socket closes at keepAliveTimeout + server.keepAliveTimeoutBuffer (1000 ms) in Node versions that have the buffer (nodejs/node#59243)' },
    requestCap: { name: 'server.maxRequestsPerSocket', default: null, source: 'https://nodejs.org/api/http.html#servermaxrequestspersocket',
      note: 'Node announces Connection: close and answers later requests with 503; it does not close the socket' },
    requestTimeout: { name: 'server.requestTimeout', default: 300, source: 'https://nodejs.org/api/http.html#serverrequesttimeout' },
    clientIdleTimeout: { name: 'Agent({ keepAlive: true, timeout })', default: null, source: 'https://nodejs.org/api/http.html#new-agentoptions' },
  },
  {
    id: 'nginx',
    name: 'nginx',
    serverHeader: ['nginx'],
    idleTimeout: { name: 'keepalive_timeout (http/server block)', default: 75, source: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_timeout' },
    requestCap: { name: 'keepalive_requests', default: 1000, source: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_requests',
      note: 'default 100 before nginx 1.19.10' },
    requestTimeout: { name: 'client_header_timeout / client_body_timeout', default: 60, source: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#client_header_timeout' },
    clientIdleTimeout: { name: 'keepalive_timeout in the upstream block', default: 60, source: 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive_timeout' },
    clientRequestTimeout: { name: 'proxy_read_timeout', default: 60, source: 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout' },
    clientRequestCap: { name: 'keepalive_requests in the upstream block', default: 1000, source: 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive_requests' },
  },
  {
    id: 'envoy',
    name: 'Envoy',
    serverHeader: ['envoy', 'istio-envoy'],
    idleTimeout: { name: 'common_http_protocol_options.idle_timeout (HttpConnectionManager)', default: 3600,
      source: 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/protocol.proto#envoy-v3-api-field-config-core-v3-httpprotocoloptions-idle-timeout' },
    requestCap: { name: 'common_http_protocol_options.max_requests_per_connection', default: null,
      source: 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/protocol.proto#envoy-v3-api-field-config-core-v3-httpprotocoloptions-max-requests-per-connection' },
    clientIdleTimeout: { name: "the cluster's common_http_protocol_options.idle_timeout", default: 3600,
      source: 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/protocol.proto#envoy-v3-api-field-config-core-v3-httpprotocoloptions-idle-timeout' },
    clientRequestTimeout: { name: 'route timeout', default: 15,
      source: 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto#envoy-v3-api-field-config-route-v3-routeaction-timeout' },
  },
  {
    id: 'haproxy',
    name: 'HAProxy',
    idleTimeout: { name: 'timeout http-keep-alive', default: null, source: 'https://docs.haproxy.org/2.8/configuration.html#4-timeout%20http-keep-alive',
      note: 'falls back to timeout http-request, then timeout client' },
    clientIdleTimeout: { name: 'timeout server / http-reuse (idle server connections)', default: null, source: 'https://docs.haproxy.org/2.8/configuration.html#4-http-reuse' },
    clientRequestTimeout: { name: 'timeout server', default: null, source: 'https://docs.haproxy.org/2.8/configuration.html#4-timeout%20server' },
  },
  {
    id: 'go',
    name: 'Go net/http',
    idleTimeout: { name: 'http.Server.IdleTimeout', default: null, source: 'https://pkg.go.dev/net/http#Server', note: 'falls back to ReadTimeout; none when both are zero' },
    requestTimeout: { name: 'http.Server.WriteTimeout', default: null, source: 'https://pkg.go.dev/net/http#Server' },
    clientIdleTimeout: { name: 'http.Transport.IdleConnTimeout', default: 90, source: 'https://pkg.go.dev/net/http#Transport', note: 'http.DefaultTransport sets 90 s' },
    clientRequestTimeout: { name: 'http.Client.Timeout', default: null, source: 'https://pkg.go.dev/net/http#Client' },
  },
  {
    id: 'tomcat',
    name: 'Tomcat',
    serverHeader: ['apache-coyote', 'tomcat'],
    idleTimeout: { name: 'keepAliveTimeout (Connector; defaults to connectionTimeout)', default: 20,
      source: 'https://tomcat.apache.org/tomcat-9.0-doc/config/http.html', note: 'connectionTimeout is 20000 ms in the shipped server.xml (60000 ms attribute default)' },
    requestCap: { name: 'maxKeepAliveRequests (Connector)', default: 100, source: 'https://tomcat.apache.org/tomcat-9.0-doc/config/http.html' },
  },
  {
    id: 'jetty',
    name: 'Jetty',
    serverHeader: ['jetty'],
    idleTimeout: { name: 'ServerConnector idleTimeout (jetty.http.idleTimeout)', default: 30,
      source: 'https://jetty.org/docs/jetty/12/operations-guide/modules/standard.html#http' },
  },
  {
    id: 'alb',
    name: 'AWS ALB',
    serverHeader: ['awselb'],
    idleTimeout: { name: 'idle_timeout.timeout_seconds (load balancer attribute)', default: 60,
      source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout',
      note: 'targets behind an ALB must keep idle connections longer than the ALB idle timeout' },
  },
  {
    id: 'apache',
    name: 'Apache httpd',
    serverHeader: ['apache'],
    idleTimeout: { name: 'KeepAliveTimeout', default: 5, source: 'https://httpd.apache.org/docs/2.4/mod/core.html#keepalivetimeout' },
    requestCap: { name: 'MaxKeepAliveRequests', default: 100, source: 'https://httpd.apache.org/docs/2.4/mod/core.html#maxkeepaliverequests' },
  },
];

export function softwareById(id: string): Software | undefined {
  return SOFTWARE.find((s) => s.id === id);
}
