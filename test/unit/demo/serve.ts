/** Test helper: runs a request handler on 127.0.0.1 and closes it (and every connection) afterwards. */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  readonly url: URL;
  readonly server: Server;
  close(): Promise<void>;
}

export async function serve(handler: RequestListener | Server): Promise<Served> {
  const server = typeof handler === 'function' ? createServer(handler) : handler;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Closes everything a test served, in afterEach. */
export class ServedSet {
  private readonly open: Served[] = [];

  async add(handler: RequestListener | Server): Promise<Served> {
    const served = await serve(handler);
    this.open.push(served);
    return served;
  }

  /** The most recently added server. */
  last(): Served {
    const served = this.open.at(-1);
    if (!served) throw new Error('nothing served yet');
    return served;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((served) => served.close()));
  }
}

export async function postJson(url: URL, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
