/** `/healthz` (JSON) and `/metrics` (Prometheus text) over HTTP for one agent process. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type Health = { ok: boolean; [field: string]: unknown };

export type HttpServer = { port: number; close: () => Promise<void> };

export async function startHttpServer({
  host,
  port,
  registry,
  health,
}: {
  host: string;
  port: number;
  registry: Registry;
  health: () => Promise<Health>;
}): Promise<HttpServer> {
  const server = createServer((req, res) => {
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    const work =
      path === '/healthz'
        ? health().then((h) => reply(h.ok ? 200 : 503, 'application/json', JSON.stringify(h)))
        : path === '/metrics'
          ? registry.metrics().then((text) => reply(200, registry.contentType, text))
          : Promise.resolve(reply(404, 'text/plain', 'not found\n'));
    work.catch((error: Error) => reply(500, 'text/plain', `${error.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
