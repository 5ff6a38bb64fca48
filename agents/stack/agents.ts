/**
 * Agent processes of the local stack: each role runs as its own `stoa agent <role>` process with a
 * config file written under `.stoa/agents/`, its JSON logs in `.stoa/logs/<name>.log`, stopped
 * gracefully (SIGTERM) with everything else.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './deploy.js';
import { freePort, type Service, spawnService, stopProcess } from './services.js';

export const stackDir = join(repoRoot, '.stoa');

export type AgentProcessArgs = {
  /** Process name (log and config file names); several processes may run one role. */
  name: string;
  /** Prefix of `name` (`StackInfo.processPrefix`). */
  processPrefix?: string;
  role: string;
  rpcUrl: string;
  redisUrl: string;
  chainId: number;
  contracts: Record<string, string>;
  /** The role's own settings (`role` in the config file). */
  settings?: Record<string, unknown>;
  /** Extra sections of the config (ingest, queue, sweep, sender...). */
  config?: Record<string, unknown>;
  /** Signing key for roles that send transactions (passed in the environment, never in a file). */
  privateKey?: string;
};

export type AgentProcess = Service & { name: string; logFile: string; httpUrl: string };

export async function startAgentProcess(input: AgentProcessArgs): Promise<AgentProcess> {
  const args = { ...input, name: `${input.processPrefix ?? ''}${input.name}` };
  const port = await freePort();
  mkdirSync(join(stackDir, 'agents'), { recursive: true });
  mkdirSync(join(stackDir, 'logs'), { recursive: true });
  const configFile = join(stackDir, 'agents', `${args.name}.json`);
  const logFile = join(stackDir, 'logs', `${args.name}.log`);
  const config = {
    chain: { chain_id: args.chainId, rpc_url: args.rpcUrl, ws_url: args.rpcUrl.replace(/^http/, 'ws') },
    redis: { url: args.redisUrl },
    contracts: Object.fromEntries(Object.entries(args.contracts).map(([k, address]) => [k, { address }])),
    http: { port },
    ...args.config,
    role: args.settings ?? {},
  };
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawnService(join(repoRoot, 'bin', 'stoa'), ['agent', args.role, '--config', configFile], {
    env: { ...process.env, ...(args.privateKey ? { STOA_PRIVATE_KEY: args.privateKey } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const httpUrl = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(httpUrl, child, args.name, logFile);
  } catch (error) {
    await stopProcess(child);
    log.end();
    throw error;
  }
  return {
    name: args.name,
    url: httpUrl,
    httpUrl,
    port,
    logFile,
    process: child,
    stop: async () => {
      // Longer than the agent's own shutdown grace (10 s), so active jobs can finish.
      await stopProcess(child, 15_000);
      log.end();
    },
  };
}

/** Where a layer's agents connect: the stack's chain and Redis (and its process-name prefix). */
export type AgentTarget = { rpcUrl: string; redisUrl: string; chainId: number; processPrefix?: string };

/**
 * Config sections of a demo agent run as its own operator: its own Redis `prefix` (queues, cursor,
 * sender records), polling and sweeping every second on the local chain, a 50% gas margin.
 */
export function operatorConfig(redisUrl: string, prefix: string): Record<string, unknown> {
  return {
    redis: { url: redisUrl, prefix },
    ingest: { confirmations: 1, poll_interval_ms: 200 },
    queue: { backoff_ms: 500 },
    sweep: { cron: '* * * * * *' },
    sender: { poll_interval_ms: 100, gas_margin_percent: 50 },
  };
}

/**
 * Starts agent processes one after the other (several starting at once on a busy machine can miss
 * the health deadline); if one fails, those started are stopped before the error surfaces.
 */
export async function startAgentProcesses(
  target: AgentTarget,
  processes: readonly Omit<AgentProcessArgs, keyof AgentTarget>[],
): Promise<AgentProcess[]> {
  const { rpcUrl, redisUrl, chainId, processPrefix } = target;
  const started: AgentProcess[] = [];
  try {
    for (const args of processes)
      started.push(await startAgentProcess({ rpcUrl, redisUrl, chainId, processPrefix, ...args }));
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
  return started;
}

async function waitHealthy(url: string, child: ChildProcess, name: string, logFile: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`agent ${name} exited with code ${child.exitCode}; see ${logFile}`);
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`agent ${name} not healthy within 60 s; see ${logFile}`);
}
