/**
 * A JSON-RPC proxy in front of a real node (anvil) that behaves like the worst public provider,
 * for tests, benchmarks and `npm start -- --hostile-rpc`. Each behaviour is configurable, and can
 * be changed while it runs (`set`):
 * - caps `eth_getLogs` by block range and by result count, refusing with the errors Alchemy,
 *   Infura and QuickNode return (their texts and JSON-RPC codes, in turn);
 * - answers HTTP 429 with a `Retry-After` header, or a 5xx, to a share of the requests;
 * - adds latency and jitter; drops HTTP connections after the node executed the request (the
 *   answer is lost, the effect is not) and WebSocket connections after a while;
 * - load-balances over two backends, one of which lags `lagBlocks` behind: a random half of the
 *   HTTP requests (a JSON-RPC batch goes to one backend) see a head that many blocks back, `null`
 *   for blocks and receipts above it, and getLogs beyond it refused as a lagging node does.
 * The lagged backend is a lagged view of the same anvil, not a second chain: what it shows is
 * what a node that has not imported the newest blocks yet shows.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export type Provider = 'alchemy' | 'infura' | 'quicknode';

export type HostileOptions = {
  /** Largest getLogs block range answered (null: no cap). */
  maxLogRange: number | null;
  /** Most getLogs results answered (null: no cap). */
  maxLogResults: number | null;
  /** Whose error texts a refused getLogs gets, in turn. */
  providers: Provider[];
  /** Share of HTTP requests answered 429 with `Retry-After: retryAfterS` (0..1). */
  tooManyRate: number;
  retryAfterS: number;
  /** Only requests calling one of these methods are rate-limited (null: every request). */
  tooManyMethods: string[] | null;
  /** Share of HTTP requests answered 502 or 503 (0..1). */
  serverErrorRate: number;
  /** Share of HTTP requests whose connection is destroyed once the node answered (0..1). */
  dropRate: number;
  /** Added to every HTTP answer and WebSocket message: latency + uniform [0, jitter). */
  latencyMs: number;
  jitterMs: number;
  /** Blocks the lagging backend is behind (0: one backend, no lag). */
  lagBlocks: number;
  /** A WebSocket connection is dropped after 0.5x..1.5x this (0: never). */
  wsDropAfterMs: number;
};

export const benign: HostileOptions = {
  maxLogRange: null,
  maxLogResults: null,
  providers: ['alchemy', 'infura', 'quicknode'],
  tooManyRate: 0,
  retryAfterS: 1,
  tooManyMethods: null,
  serverErrorRate: 0,
  dropRate: 0,
  latencyMs: 0,
  jitterMs: 0,
  lagBlocks: 0,
  wsDropAfterMs: 0,
};

/** The worst public provider: what `npm start -- --hostile-rpc` and the soak benchmark use. */
export const worst: HostileOptions = {
  ...benign,
  maxLogRange: 1_000,
  maxLogResults: 10_000,
  tooManyRate: 0.05,
  retryAfterS: 1,
  serverErrorRate: 0.02,
  dropRate: 0.02,
  latencyMs: 20,
  jitterMs: 30,
  lagBlocks: 3,
  wsDropAfterMs: 30_000,
};

export type HostileStats = {
  requests: number;
  calls: number;
  tooMany: number;
  serverErrors: number;
  dropped: number;
  lagged: number;
  refusedRange: number;
  refusedResults: number;
  refusedLagging: number;
  wsConnections: number;
  wsDropped: number;
};

export type HostileRpc = {
  /** HTTP URL of the proxy. */
  url: string;
  /** WebSocket URL of the proxy (the node's WebSocket behind it). */
  wsUrl: string;
  stats: () => HostileStats;
  set: (options: Partial<HostileOptions>) => void;
  close: () => Promise<void>;
};

type Call = { jsonrpc?: string; id?: unknown; method: string; params?: unknown[] };
type Answer = { jsonrpc: '2.0'; id: unknown; result?: unknown; error?: { code: number; message: string } };

const alchemyText =
  'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response.';

/** The error a provider returns for a getLogs over too many blocks or with too many results. */
export function logsRefusal(
  provider: Provider,
  cap: 'range' | 'results',
  limits: { range: number | null; results: number | null; from: bigint; to: bigint },
): { code: number; message: string } {
  if (provider === 'alchemy') return { code: -32602, message: alchemyText };
  if (provider === 'infura') {
    // Infura suggests a range that would fit; here: the first half of the asked one.
    const mid = limits.from + (limits.to - limits.from) / 2n;
    return {
      code: -32005,
      message: `query returned more than ${limits.results ?? 10_000} results. Try with this block range [0x${limits.from.toString(16)}, 0x${mid.toString(16)}].`,
    };
  }
  return cap === 'range'
    ? { code: -32602, message: `eth_getLogs is limited to a ${limits.range} range` }
    : { code: -32005, message: `query returned more than ${limits.results} results` };
}

const laggingText =
  'One of the blocks specified in filter (fromBlock, toBlock or blockHash) cannot be found.';

/** A small seeded generator (mulberry32): runs are reproducible for a given seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * Starts the proxy on a free loopback port (or `port`) in front of the node at `target` (HTTP;
 * its WebSocket is `target` with the ws scheme, as anvil serves both on one port).
 */
export async function startHostileRpc({
  target,
  port = 0,
  seed = 1,
  ...overrides
}: { target: string; port?: number; seed?: number } & Partial<HostileOptions>): Promise<HostileRpc> {
  const options: HostileOptions = { ...benign, ...overrides };
  const rand = random(seed);
  const chance = (p: number) => p > 0 && rand() < p;
  const stats: HostileStats = {
    requests: 0,
    calls: 0,
    tooMany: 0,
    serverErrors: 0,
    dropped: 0,
    lagged: 0,
    refusedRange: 0,
    refusedResults: 0,
    refusedLagging: 0,
    wsConnections: 0,
    wsDropped: 0,
  };
  let refusals = 0;
  const delay = () => sleep(options.latencyMs + (options.jitterMs > 0 ? rand() * options.jitterMs : 0));

  const node = async (calls: Call[]): Promise<Answer[]> => {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        calls.map((c, i) => ({ jsonrpc: '2.0', id: i, method: c.method, params: c.params ?? [] })),
      ),
    });
    const answers = (await response.json()) as Answer[];
    return answers.sort((a, b) => Number(a.id) - Number(b.id));
  };
  const one = async (method: string, params: unknown[]) => {
    const [answer] = await node([{ method, params }]);
    if (answer!.error) throw new Error(answer!.error.message);
    return answer!.result;
  };

  const tag = (value: unknown, head: bigint): bigint | undefined => {
    if (
      value === undefined ||
      value === 'latest' ||
      value === 'pending' ||
      value === 'safe' ||
      value === 'finalized'
    )
      return head;
    if (value === 'earliest') return 0n;
    return typeof value === 'string' ? BigInt(value) : undefined;
  };

  /** One call on a backend whose view ends at `head` (the real head, or a lagged one). */
  const serve = async (call: Call, head: bigint, lagging: boolean): Promise<Answer> => {
    const answer = (fields: Omit<Answer, 'jsonrpc' | 'id'>): Answer => ({
      jsonrpc: '2.0',
      id: call.id,
      ...fields,
    });
    const params = call.params ?? [];
    const forward = async (p: unknown[] = params) => {
      const [a] = await node([{ method: call.method, params: p }]);
      return { ...a!, id: call.id };
    };
    const above = (result: unknown) =>
      lagging && result !== null && typeof result === 'object' && 'blockNumber' in result
        ? BigInt((result as { blockNumber: string }).blockNumber) > head
        : false;
    switch (call.method) {
      case 'eth_blockNumber':
        return lagging ? answer({ result: `0x${head.toString(16)}` }) : forward();
      case 'eth_getBlockByNumber': {
        if (!lagging) return forward();
        const number = tag(params[0], head)!;
        if (number > head) return answer({ result: null });
        return forward([`0x${number.toString(16)}`, ...params.slice(1)]);
      }
      case 'eth_getBlockByHash':
      case 'eth_getTransactionReceipt': {
        const a = await forward();
        if (!lagging || !a.result) return a;
        const number = (a.result as { number?: string; blockNumber?: string }).number;
        if (call.method === 'eth_getBlockByHash' ? BigInt(number!) > head : above(a.result))
          return answer({ result: null });
        return a;
      }
      case 'eth_getTransactionCount':
        return lagging && (params[1] === 'latest' || params[1] === undefined)
          ? forward([params[0], `0x${head.toString(16)}`])
          : forward();
      case 'eth_getLogs': {
        const filter = (params[0] ?? {}) as { fromBlock?: string; toBlock?: string; blockHash?: string };
        if (filter.blockHash) return forward();
        const from = tag(filter.fromBlock, head)!;
        const to = tag(filter.toBlock, head)!;
        if (lagging && to > head) {
          stats.refusedLagging++;
          return answer({ error: { code: -32000, message: laggingText } });
        }
        const provider = () => options.providers[refusals++ % options.providers.length]!;
        const limits = { range: options.maxLogRange, results: options.maxLogResults, from, to };
        if (options.maxLogRange !== null && to - from + 1n > BigInt(options.maxLogRange)) {
          stats.refusedRange++;
          return answer({ error: logsRefusal(provider(), 'range', limits) });
        }
        const a = await forward();
        if (
          options.maxLogResults !== null &&
          Array.isArray(a.result) &&
          a.result.length > options.maxLogResults
        ) {
          stats.refusedResults++;
          return answer({ error: logsRefusal(provider(), 'results', limits) });
        }
        return a;
      }
      default:
        return forward();
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    stats.requests++;
    await delay();
    const limited = (options.tooManyMethods ?? []).some((method) => body.includes(`"${method}"`));
    if ((options.tooManyMethods === null || limited) && chance(options.tooManyRate)) {
      stats.tooMany++;
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(options.retryAfterS) })
        .end(
          JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: 429, message: 'Too Many Requests' } }),
        );
      return;
    }
    if (chance(options.serverErrorRate)) {
      stats.serverErrors++;
      const status = rand() < 0.5 ? 502 : 503;
      res.writeHead(status, { 'content-type': 'text/html' }).end(`<html><body>${status}</body></html>`);
      return;
    }
    let parsed: Call | Call[];
    try {
      parsed = JSON.parse(body) as Call | Call[];
    } catch {
      res.writeHead(400).end();
      return;
    }
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    stats.calls += calls.length;
    const lagging = options.lagBlocks > 0 && rand() < 0.5;
    let head = 0n;
    if (lagging) {
      stats.lagged++;
      const real = BigInt((await one('eth_blockNumber', [])) as string);
      head = real > BigInt(options.lagBlocks) ? real - BigInt(options.lagBlocks) : 0n;
    } else if (calls.some((c) => c.method === 'eth_getLogs')) {
      head = BigInt((await one('eth_blockNumber', [])) as string);
    }
    const answers = await Promise.all(calls.map((call) => serve(call, head, lagging)));
    if (chance(options.dropRate)) {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    const text = JSON.stringify(Array.isArray(parsed) ? answers : answers[0]);
    res.writeHead(200, { 'content-type': 'application/json' }).end(text);
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      handle(req, res, body).catch(() => req.socket.destroy());
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const wss = new WebSocketServer({ noServer: true });
  const wsTarget = target.replace(/^http/, 'ws');
  const wsClients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (client) => {
      stats.wsConnections++;
      wsClients.add(client);
      const upstream = new WebSocket(wsTarget);
      const pending: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      const end = () => {
        clearTimeout(timer);
        wsClients.delete(client);
        client.terminate();
        upstream.terminate();
      };
      if (options.wsDropAfterMs > 0) {
        timer = setTimeout(
          () => {
            stats.wsDropped++;
            end();
          },
          options.wsDropAfterMs * (0.5 + rand()),
        );
      }
      upstream.on('open', () => {
        for (const data of pending.splice(0)) upstream.send(data);
      });
      client.on('message', (data) => {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(data);
        else pending.push(data);
      });
      upstream.on('message', (data) => {
        void delay().then(() => client.readyState === WebSocket.OPEN && client.send(data.toString()));
      });
      for (const ws of [client, upstream]) {
        ws.on('close', end);
        ws.on('error', end);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const bound = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    wsUrl: `ws://127.0.0.1:${bound}`,
    stats: () => ({ ...stats }),
    set: (changes) => Object.assign(options, changes),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wsClients) client.terminate();
        wss.close();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
