/** A free TCP port on loopback, for servers that must be told their port up front. */
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A loopback URL where nothing listens (a port that was free a moment ago). */
export async function deadUrl(path = ''): Promise<string> {
  return `http://127.0.0.1:${await freePort()}${path}`;
}
