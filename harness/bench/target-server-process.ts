/**
 * The benchmarks' load target: a minimal node:http server in its own process (its own core on a
 * 2-core machine), so the load generator under test is not sharing an event loop with it.
 */
import { createServer } from 'node:http';

const body = Buffer.from('{"ok":true}');
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ type: 'listening', port: address.port });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
