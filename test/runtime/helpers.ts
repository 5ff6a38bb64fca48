/**
 * Shared fixtures of the runtime tests: a real anvil and a real redis-server, the test Emitter
 * contract, agent configs, a recording role, and an HTTP JSON-RPC proxy that can go down (an RPC
 * outage) or refuse wide getLogs ranges (a provider's cap) in front of the real anvil.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { basename, join } from 'node:path';
import { Redis } from 'ioredis';
import {
  type Abi,
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  publicActions,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { z } from 'zod';
import { emitterAbi } from '../../agents/generated/abis.js';
import { type AgentConfig, defineRole, parseConfig, type RoleEvent } from '../../agents/runtime/index.js';
import { type RedisSettings, redisConnection } from '../../agents/runtime/queue.js';
import { type Service, spawnService, startAnvil, startRedis } from '../../agents/stack/services.js';

export const root = join(import.meta.dirname, '..', '..');
/** anvil's well-known dev keys: #0 deploys and pings, #1 is the agent's sender. */
/**
 * Deploys `name` from forge's `out/<file>/<name>.json` from the wallet; its ABI and address. The libraries it
 * links (e.g. the basket factory's `BasketCompliance`) are deployed first and their addresses spliced in.
 */
export async function deploy(
  clients: Clients,
  file: string,
  name: string,
  args: readonly unknown[] = [],
): Promise<{ abi: Abi; address: Address }> {
  const { abi, bytecode } = JSON.parse(readFileSync(join(root, 'out', file, `${name}.json`), 'utf8')) as {
    abi: Abi;
    bytecode: {
      object: Hex;
      linkReferences?: Record<string, Record<string, { start: number; length: number }[]>>;
    };
  };
  let code = bytecode.object;
  for (const [path, libraries] of Object.entries(bytecode.linkReferences ?? {})) {
    for (const [library, references] of Object.entries(libraries)) {
      const linked = (await deploy(clients, basename(path), library)).address.slice(2).toLowerCase();
      for (const { start, length } of references) {
        code = `${code.slice(0, 2 + start * 2)}${linked}${code.slice(2 + (start + length) * 2)}` as Hex;
      }
    }
  }
  const hash = await clients.wallet.deployContract({ abi, bytecode: code, args });
  const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success' || !receipt.contractAddress)
    throw new Error(`deploying ${name} reverted (tx ${hash})`);
  return { abi, address: receipt.contractAddress };
}

export const deployerKey: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const agentKey: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
export const agentAddress = privateKeyToAccount(agentKey).address;

export function chainClients(url: string) {
  const chain = defineChain({
    id: 31337,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const transport = http(url);
  return {
    public: createPublicClient({ chain, transport, cacheTime: 0 }),
    test: createTestClient({ chain, transport, mode: 'anvil', cacheTime: 0 }).extend(publicActions),
    wallet: createWalletClient({ chain, transport, account: privateKeyToAccount(deployerKey) }),
  };
}
export type Clients = ReturnType<typeof chainClients>;

export async function deployEmitter(clients: Clients): Promise<Address> {
  const artifact = JSON.parse(readFileSync(join(root, 'out', 'Emitter.sol', 'Emitter.json'), 'utf8')) as {
    bytecode: { object: Hex };
  };
  const hash = await clients.wallet.deployContract({ abi: emitterAbi, bytecode: artifact.bytecode.object });
  const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  return receipt.contractAddress!;
}

export async function ping(clients: Clients, emitter: Address, n: number): Promise<void> {
  const hash = await clients.wallet.writeContract({
    address: emitter,
    abi: emitterAbi,
    functionName: 'ping',
    args: [BigInt(n)],
  });
  await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
}

export const emitterView = (clients: Clients, emitter: Address, functionName: 'pingCount' | 'ackCount') =>
  clients.public.readContract({ address: emitter, abi: emitterAbi, functionName });

export type Stack = {
  anvil: Service;
  redis: Service;
  clients: Clients;
  emitter: Address;
  stop: () => Promise<void>;
};

export async function startStack(options: { anvilArgs?: string[] } = {}): Promise<Stack> {
  const [anvil, redis] = await Promise.all([startAnvil({ args: options.anvilArgs }), startRedis()]);
  const clients = chainClients(anvil.url);
  const emitter = await deployEmitter(clients);
  return {
    anvil,
    redis,
    clients,
    emitter,
    stop: async () => void (await Promise.all([anvil.stop(), redis.stop()])),
  };
}

/** A raw config object (what a config file holds) for the Emitter on the stack. */
export function rawConfig(args: {
  rpcUrl: string;
  redisUrl: string;
  emitter: Address;
  extra?: Record<string, unknown>;
}) {
  const base: Record<string, unknown> = {
    chain: { chain_id: 31337, rpc_url: args.rpcUrl, startup_attempts: 2 },
    redis: { url: args.redisUrl, prefix: 'stoa' },
    contracts: { emitter: { address: args.emitter, start_block: 0 } },
    ingest: { confirmations: 1, poll_interval_ms: 50 },
    queue: { concurrency: 16, backoff_ms: 100, lock_ms: 2_000 },
    sweep: { enabled: false },
    sender: { poll_interval_ms: 50, action_lock_ms: 2_000, stuck_after_ms: 2_000, confirmations: 1 },
    http: { port: 0 },
    log: { level: 'error' },
    shutdown_grace_ms: 2_000,
  };
  for (const [section, values] of Object.entries(args.extra ?? {})) {
    const current = base[section];
    base[section] = isObject(current) && isObject(values) ? { ...current, ...values } : values;
  }
  return base;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

export function agentConfig(
  args: Parameters<typeof rawConfig>[0],
  roleSchema: z.ZodType = z.object({}),
): AgentConfig {
  return parseConfig({ raw: rawConfig(args), roleSchema });
}

/**
 * A role that records every event it handles in a Redis hash (job id -> times handled), on the
 * Redis at a URL or on a cluster (its keys share one slot: `test:{<name>}:...`).
 */
export function recordingRole(
  target: string | RedisSettings,
  options: { name?: string; delayMs?: number } = {},
) {
  const redis = redisConnection(target);
  const name = options.name ?? 'recorder';
  const undone: { job_id: string; started: boolean }[] = [];
  const role = defineRole({
    name,
    description: 'test: records handled events',
    config: z.object({}),
    abi: emitterAbi,
    events: ['Pinged'],
    contracts: ['emitter'],
    handle: async (event: RoleEvent<typeof emitterAbi>) => {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      await redis
        .multi()
        .hincrby(`test:{${name}}:handled`, event.job_id, 1)
        .hset(`test:{${name}}:blocks`, event.job_id, `${event.block_number}:${event.block_hash}`)
        .exec();
    },
    undo: async (events) => {
      undone.push(...events.map((e) => ({ job_id: e.job_id, started: e.started })));
    },
  });
  return {
    role,
    undone,
    handled: async () => {
      const counts = await redis.hgetall(`test:{${name}}:handled`);
      return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)]));
    },
    blocks: () => redis.hgetall(`test:{${name}}:blocks`),
    close: () => redis.quit(),
  };
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A JSON-RPC proxy in front of a real node: `down()` closes it and drops connections (an
 * outage), `up()` listens again on the same port; `maxLogRange` makes it refuse eth_getLogs over
 * more blocks, with the error a capped provider returns.
 */
export async function startRpcProxy({ target, maxLogRange }: { target: string; maxLogRange?: number }) {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let refused = 0;
  const forward = async (body: string) => {
    const call = JSON.parse(body) as
      | { id: number; method: string; params: { fromBlock: Hex; toBlock: Hex }[] }[]
      | { id: number; method: string; params: { fromBlock: Hex; toBlock: Hex }[] };
    const calls = Array.isArray(call) ? call : [call];
    const capped = calls.find(
      (c) =>
        c.method === 'eth_getLogs' &&
        maxLogRange !== undefined &&
        BigInt(c.params[0]!.toBlock) - BigInt(c.params[0]!.fromBlock) + 1n > BigInt(maxLogRange),
    );
    if (capped) {
      refused++;
      const error = {
        jsonrpc: '2.0',
        id: capped.id,
        error: { code: -32005, message: `query exceeds max block range ${maxLogRange}` },
      };
      return JSON.stringify(Array.isArray(call) ? calls.map((c) => ({ ...error, id: c.id })) : error);
    }
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return response.text();
  };
  const handler = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      forward(body).then(
        (text) => res.writeHead(200, { 'content-type': 'application/json' }).end(text),
        () => res.destroy(),
      );
    });
  });
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  const up = () =>
    new Promise<void>((resolve) => {
      server = handler.listen(port, '127.0.0.1', () => resolve());
    });
  handler.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server?.close(() => resolve());
    });
  await up();
  return { url: `http://127.0.0.1:${port}`, up, down, refused: () => refused };
}

/**
 * Starts `stoa agent ack-emitter` as its own process (the way it runs in production), its output
 * appended to `output`. Killed when the current test ends if still running, so a failed assertion
 * leaves no process behind.
 */
export function spawnAckEmitter(configFile: string, output: string[]): ChildProcess {
  const child = spawnService(join(root, 'bin', 'stoa'), ['agent', 'ack-emitter', '--config', configFile], {
    env: { ...process.env, STOA_PRIVATE_KEY: agentKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** Resolves with a process's exit code once it has exited. */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

/**
 * A private redis-server and a client to it for the tests of one file: started before them,
 * stopped after them. `client()` is valid inside the tests.
 */
export function useRedis(): { client: () => Redis } {
  let service: Service | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    service = await startRedis();
    client = new Redis(service.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await service?.stop();
  });
  return { client: () => client! };
}

/**
 * The hostile provider of the runtime tests (test/support/hostile-rpc.ts): every behaviour of the
 * worst public provider at once, with less latency than `worst` to keep the tests short.
 */
export const hostileTestProfile = {
  tooManyRate: 0.05,
  retryAfterS: 1,
  serverErrorRate: 0.03,
  dropRate: 0.03,
  latencyMs: 2,
  jitterMs: 10,
  lagBlocks: 3,
  wsDropAfterMs: 3_000,
} as const;

/** The RPC paths the runtime tests run over: straight to anvil, and through the hostile proxy. */
export const rpcPaths = [
  { path: 'direct', hostile: false },
  { path: 'through a hostile provider', hostile: true },
] as const;
