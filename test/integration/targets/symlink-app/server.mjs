// A release of the tiny app the symlink-switch test deploys: one copy per releases/<version>/, started
// by restart-app.mjs from current/. Its version comes from the VERSION file beside it (the release it
// really runs from: node resolves the `current` link before loading), its behaviour from BEHAVIOUR:
// "ok", or "fail-half" (every second /api request answers 500).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const here = new URL('./', import.meta.url);
const version = readFileSync(new URL('VERSION', here), 'utf8').trim();
const behaviour = readFileSync(new URL('BEHAVIOUR', here), 'utf8').trim();
let apiRequests = 0;
let apiFailures = 0;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url === '/version') return send(200, { version });
  if (url === '/healthz') return send(200, { status: 'ok', version });
  if (url.startsWith('/api/')) {
    apiRequests += 1;
    if (behaviour === 'fail-half' && apiRequests % 2 === 0) {
      apiFailures += 1;
      return send(500, { error: 'boom', version });
    }
    return send(200, { items: [1, 2, 3], version });
  }
  return send(404, { error: 'not found' });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  // The moment this release starts serving, for the test to compare with what the drill measured.
  console.log(`listening ${version} ${Date.now()}`);
});
process.on('SIGTERM', () => {
  // What this release really answered, for the test to compare with what the drill measured.
  console.log(`stopped ${version} api=${apiRequests} failed=${apiFailures}`);
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
