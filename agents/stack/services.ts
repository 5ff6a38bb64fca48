/**
 * Local services for tests, benchmarks and the local stack: a private anvil chain and a private
 * redis-server, each on a free loopback port, stopped by `stop()`. `REDIS_URL` (when set) makes
 * `startRedis` use that server instead of starting one.
 */
import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Service = { url: string; port: number; process?: ChildProcess; stop: () => Promise<void> };

const require = createRequire(import.meta.url);

/**
 * Every process a service started and that still runs. When this process ends, by a normal end,
 * `process.exit`, an uncaught error or a termination signal (vitest ends a test file's worker with
 * SIGTERM, also when its setup failed before its teardown could learn what to stop), they are
 * killed with it: no anvil, redis-server or agent outlives the run that started it.
 */
const running = new Set<ChildProcess>();

function killRunning() {
  for (const child of running) child.kill('SIGKILL');
}

let watching = false;
function watchExit() {
  if (watching) return;
  watching = true;
  process.once('exit', killRunning);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    const onSignal = () => {
      // A program with its own handler (the local stack) stops gracefully; 'exit' kills leftovers.
      if (process.listenerCount(signal) > 1) return;
      killRunning();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Spawns a service process that is killed when this process ends, if it still runs then. */
export function spawnService(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  watchExit();
  const child = spawn(command, args, options);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Path of a Foundry binary (`anvil`, `forge`, `cast`) shipped by the `@foundry-rs/*` npm packages. */
export function foundryBin(tool: 'anvil' | 'forge' | 'cast'): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/${tool}-${process.platform}-${arch}`;
  try {
    return join(require.resolve(`${pkg}/package.json`), '..', 'bin', tool);
  } catch {
    throw new Error(`${pkg} is not installed: run npm install`);
  }
}

/** Ports this process handed out: the OS may offer a just-closed port again before its taker listens. */
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that nobody listens on right now and that this process has not handed out before
 * (the local stack picks every agent's and MPC node's port before any of them listens).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

async function waitForPort(port: number, child: ChildProcess, name: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    }).catch(() => false);
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not listen on port ${port} within ${timeoutMs} ms`);
}

/** Stops `child`: SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function stopper(child: ChildProcess, cleanup?: () => void) {
  return async () => {
    await stopProcess(child);
    cleanup?.();
  };
}

export type AnvilOptions = {
  port?: number;
  chainId?: number;
  blockTime?: number;
  gasLimit?: bigint;
  /** Extra command-line arguments for anvil. */
  args?: string[];
};

/** Starts a private anvil on a free loopback port. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Service> {
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--host', '127.0.0.1', '--silent'];
  if (options.chainId !== undefined) args.push('--chain-id', String(options.chainId));
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  if (options.gasLimit !== undefined) args.push('--gas-limit', String(options.gasLimit));
  args.push(...(options.args ?? []));
  const child = spawnService(foundryBin('anvil'), args, { stdio: 'ignore' });
  await waitForPort(port, child, 'anvil');
  return { url: `http://127.0.0.1:${port}`, port, process: child, stop: stopper(child) };
}

export type RedisOptions = {
  port?: number;
  /** Keep data on disk (the local stack) instead of a throwaway in-memory server (tests). */
  persistDir?: string;
};

/** Redis for BullMQ: `REDIS_URL` when set, else a private redis-server on a free loopback port. */
export async function startRedis(options: RedisOptions = {}): Promise<Service> {
  const external = process.env.REDIS_URL;
  if (external) return { url: external, port: Number(new URL(external).port || 6379), stop: async () => {} };
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('redis-server is not installed: run `node bin/provision.mjs redis` (or set REDIS_URL)');
  }
  const port = options.port ?? (await freePort());
  const dir = options.persistDir ?? mkdtempSync(join(tmpdir(), 'stoa-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--maxmemory-policy',
    'noeviction',
  ];
  args.push(...(options.persistDir ? ['--appendonly', 'yes'] : ['--save', '', '--appendonly', 'no']));
  const child = spawnService('redis-server', args, { stdio: 'ignore' });
  await waitForPort(port, child, 'redis-server');
  const cleanup = options.persistDir ? undefined : () => rmSync(dir, { recursive: true, force: true });
  return { url: `redis://127.0.0.1:${port}`, port, process: child, stop: stopper(child, cleanup) };
}
