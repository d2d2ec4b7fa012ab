/**
 * Which side of a connection without a captured SYN is the server: the side on a
 * likely server port (Zeek's approach: well-known and common service ports), else
 * the lower port. Ephemeral ports are 32768-60999 on Linux (ip_local_port_range),
 * 49152-65535 per RFC 6335 §6.
 */
const COMMON = new Set([
  80, 443, 8080, 8000, 8008, 8443, 8888, 3000, 5000, 9000, 9090, 9200, 9300, 3128, 1080, 5432, 3306, 6379, 11211,
  27017, 5672, 15672, 9092, 2181, 2379, 6443, 10250, 8081, 8082, 8088, 4443, 5601, 8500, 8200, 1433, 1521, 389, 636,
  25, 587, 465, 110, 995, 143, 993, 21, 22, 23, 53, 88, 111, 135, 139, 445, 179, 1723, 5060, 5061,
]);

export function isLikelyServerPort(port: number): boolean {
  return port < 1024 || COMMON.has(port);
}
