// Small Node http server for the capture lab.
//   node node_server.cjs HOST PORT [keepAliveTimeoutMs] [maxSeconds]
// keepAliveTimeout defaults to Node's own default (5000 ms).  Exits by itself after maxSeconds.

const http = require('http');
const [host, port, kat, maxSeconds] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  const body = 'hello from node\n';
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
if (kat) server.keepAliveTimeout = Number(kat);
server.listen(Number(port), host, () => {
  console.log(`node ${process.version} listening on ${host}:${port}, keepAliveTimeout ${server.keepAliveTimeout} ms`);
});
setTimeout(() => process.exit(0), Number(maxSeconds || 300) * 1000).unref();
