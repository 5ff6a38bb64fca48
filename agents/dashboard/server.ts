/**
 * `startDashboard`: the dashboard's HTTP server (express). Pages are rendered on request from the
 * chain (viem, events indexed in bounded `getLogs` ranges), the agents' health endpoints and Redis;
 * `/queues` is bull-board over every queue found in Redis.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { pino } from 'pino';
import { type Address, createPublicClient, defineChain, getAddress, http, type PublicClient } from 'viem';
import { z } from 'zod';
import { redactUrl, shortMessage } from '../runtime/errors.js';
import { createLogger, type Logger } from '../runtime/log.js';
import { type AgentEndpoint, agentsFromConfigDir } from './agents.js';
import type { Deployment, PageContext } from './context.js';
import { createEventIndex } from './events.js';
import { html, layout } from './html.js';
import { type PageDeps, pages, renderPage } from './pages.js';
import { createQueueBoard } from './queues.js';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');

/** The dashboard's settings (README.md lists them). */
export const dashboardOptionsSchema = z.strictObject({
  rpcUrl: z.url({ protocol: /^https?$/ }),
  redisUrl: z.url({ protocol: /^rediss?$/ }),
  /** Contract name -> address (deployments/<chainId>.json). */
  deployment: z.record(z.string(), address),
  /** The agents to watch, or a directory of agent config files (`.stoa/agents`) read on each visit. */
  agents: z
    .union([
      z.array(z.strictObject({ name: z.string(), url: z.url(), prefix: z.string().optional() })),
      z.strictObject({ configDir: z.string() }),
    ])
    .default([]),
  host: z.string().default('127.0.0.1'),
  /** 0 = any free port. */
  port: z.number().int().min(0).max(65_535).default(0),
  /** Address -> name shown instead of the address (the deployment's contracts are named anyway). */
  labels: z.record(z.string(), z.string()).default({}),
  /** First block whose events are read. */
  fromBlock: z.number().int().min(0).default(0),
  /** Most blocks per `getLogs` request. */
  maxBlockRange: z.number().int().min(1).default(2_000),
  /** Events of the latest blocks are read afresh on each visit, never kept (reorg depth). */
  unconfirmedBlocks: z.number().int().min(0).default(12),
  /** Timeout of each agent's /healthz and /metrics request. */
  healthTimeoutMs: z.number().int().min(10).default(2_000),
  /** How often (at most) Redis is searched for new queues. */
  queueRefreshMs: z.number().int().min(0).default(2_000),
  /**
   * bull-board shows the queues but changes nothing (no add, edit, retry, clean, obliterate): the
   * default. Writes (false) need `auth`: a job added to a role's queue is work its agent does.
   */
  queuesReadOnly: z.boolean().default(true),
  /**
   * Host names (the `Host` header without its port) the dashboard answers to besides loopback's
   * (`localhost`, `127.0.0.1`, `[::1]`) and `host`; any other gets 421 (DNS rebinding).
   */
  allowedHosts: z.array(z.string().min(1)).default([]),
  /** HTTP Basic credentials every request must carry; required to listen beyond loopback. */
  auth: z
    .strictObject({
      user: z
        .string()
        .min(1)
        .regex(/^[^:]*$/, 'must not contain ":"'),
      password: z.string().min(12, 'at least 12 characters'),
    })
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Write the JSON logs to this file (appending) instead of stdout. */
  logFile: z.string().optional(),
});
export type DashboardOptions = z.input<typeof dashboardOptionsSchema>;

export type Dashboard = {
  url: string;
  port: number;
  /** Page title -> absolute URL, in menu order (queues last). */
  links: { title: string; url: string }[];
  close: () => Promise<void>;
};

export async function startDashboard(input: DashboardOptions & { logger?: Logger }): Promise<Dashboard> {
  const { logger: given, ...rest } = input;
  const parsed = dashboardOptionsSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`dashboard settings: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const options = parsed.data;
  if (!options.auth && !options.queuesReadOnly) {
    throw new Error(
      'dashboard: refusing writable queues without authentication (a job added to a queue is work an agent does): set a password (option auth) or keep queuesReadOnly',
    );
  }
  if (!options.auth && !isLoopback(options.host)) {
    throw new Error(
      `dashboard: refusing to listen on ${options.host} without authentication (bull-board can retry and remove jobs): set a password (option auth; STOA_DASHBOARD_PASSWORD or --password-file for agents/dashboard/main.ts) or listen on loopback`,
    );
  }
  const destination = options.logFile
    ? pino.destination({ dest: options.logFile, mkdir: true, sync: false })
    : undefined;
  const logger = (given ?? createLogger({ level: options.logLevel, destination })).child({
    component: 'dashboard',
  });

  const probe = createPublicClient({ transport: http(options.rpcUrl) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (error) {
    throw new Error(
      `dashboard: cannot reach the chain at ${redactUrl(options.rpcUrl)}: ${shortMessage(error)}`,
    );
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const client = createPublicClient({
    chain,
    transport: http(options.rpcUrl),
    pollingInterval: 250,
  }) as PublicClient;
  const deployment: Deployment = Object.fromEntries(
    Object.entries(options.deployment).map(([k, v]) => [k, getAddress(v)]),
  ) as Record<string, Address>;
  const names = new Map<string, string>([
    ...Object.entries(options.labels).map(([a, n]) => [a.toLowerCase(), n] as const),
    ...Object.entries(deployment).map(([n, a]) => [a.toLowerCase(), n] as const),
  ]);
  const ctx: PageContext = {
    client,
    deployment,
    index: createEventIndex({
      client,
      fromBlock: BigInt(options.fromBlock),
      maxBlockRange: options.maxBlockRange,
      unconfirmedBlocks: options.unconfirmedBlocks,
    }),
    nameOf: (a) => names.get(a.toLowerCase()) ?? a,
  };
  const agentSource = options.agents;
  const agents = (): AgentEndpoint[] =>
    Array.isArray(agentSource) ? agentSource : agentsFromConfigDir(agentSource.configDir);
  const queues = createQueueBoard({
    redisUrl: options.redisUrl,
    basePath: '/queues',
    readOnly: options.queuesReadOnly,
    refreshMs: options.queueRefreshMs,
  });
  const deps: PageDeps = { ctx, agents, queues, healthTimeoutMs: options.healthTimeoutMs };

  const app = express();
  app.disable('x-powered-by');
  app.use(hostCheck([options.host, ...options.allowedHosts]));
  app.use(securityHeaders);
  if (options.auth) app.use(basicAuth(options.auth));
  for (const page of pages) {
    app.get(page.path, async (_req, res) => {
      try {
        res.type('html').send(await renderPage(page, deps));
      } catch (error) {
        const message = shortMessage(error);
        logger.error({ page: page.path, err_message: message }, 'page failed');
        res
          .status(500)
          .type('html')
          .send(
            layout({ title: page.title, path: page.path, body: html`<p class="bad">error: ${message}</p>` }),
          );
      }
    });
  }
  app.use(
    '/queues',
    (req, res, next) => {
      // Read-only whatever bull-board's own checks cover: nothing but reads reaches it.
      if (!options.queuesReadOnly || req.method === 'GET' || req.method === 'HEAD') return next();
      res.status(405).type('text').send('the queues are read-only (queuesReadOnly)\n');
    },
    async (_req, _res, next) => {
      await queues
        .refresh()
        .catch((error) => logger.warn({ err_message: shortMessage(error) }, 'queue discovery failed'));
      next();
    },
    queues.router,
  );

  app.use((_req, res) => void res.status(404).type('text').send('not found\n'));

  const server = app.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error) =>
      reject(
        new Error(`dashboard: cannot listen on ${options.host}:${options.port}: ${shortMessage(error)}`),
      ),
    );
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, chain_id: chainId }, 'dashboard listening');
  return {
    url,
    port,
    links: [
      ...pages.map((p) => ({ title: p.title, url: `${url}${p.path}` })),
      { title: 'Queues', url: `${url}/queues` },
    ],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queues.close();
    },
  };
}

/**
 * Answers only requests whose `Host` names this server: loopback names and `hosts`. A page of
 * another site whose name an attacker points at 127.0.0.1 (DNS rebinding) sends its own name and
 * gets 421, so it can neither read the pages nor use the queue API.
 */
function hostCheck(hosts: readonly string[]): RequestHandler {
  const allowed = new Set(
    [
      'localhost',
      '127.0.0.1',
      '[::1]',
      ...hosts.map((h) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h)),
    ]
      .filter((h) => h !== '0.0.0.0' && h !== '[::]')
      .map((h) => h.toLowerCase()),
  );
  return (req, res, next) => {
    const name = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (allowed.has(name)) return next();
    res.status(421).type('text').send('misdirected request: unknown host (see allowedHosts)\n');
  };
}

/**
 * No framing (clickjacking), no MIME sniffing, and pages that load nothing but this server's own
 * scripts, styles and images (bull-board's bundle included).
 */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  });
  next();
};

/** 127.0.0.0/8, ::1 or localhost. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * HTTP Basic authentication: every request must carry `user:password`; the comparison takes the
 * same time whatever the guess (digests compared with timingSafeEqual). Otherwise 401 and a
 * challenge, so that a browser asks for the credentials.
 */
function basicAuth({ user, password }: { user: string; password: string }): RequestHandler {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(`${user}:${password}`);
  return (req, res, next) => {
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    const given = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    if (timingSafeEqual(digest(given), expected)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="stoa dashboard", charset="UTF-8"')
      .type('text')
      .send('authentication required\n');
  };
}
