/**
 * `soak` (BENCHMARKS.md): continuous events of the test Emitter for `SOAK_SECONDS` (default 600)
 * through the hostile RPC proxy (test/support/hostile-rpc.ts, its `worst` profile, WebSocket too),
 * acknowledged by two `stoa agent ack-emitter` processes sharing one Redis and one key, while a
 * random one of them is SIGKILLed (at least 10 times; restarted after a pause) and Redis is
 * restarted twice (persistent, on the same port). Afterwards every ping must be acked: `lost`
 * (pings never acked) and `duplicated` (transactions the key sent beyond one successful ack per
 * ping) are counted from the chain and must be 0. Not part of `npm test`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitterAbi } from '../agents/generated/abis.js';
import { type Service, spawnService, startAnvil, startRedis, stopProcess } from '../agents/stack/services.js';
import {
  agentAddress,
  agentKey,
  chainClients,
  deployEmitter,
  emitterView,
  ping,
  rawConfig,
  root,
} from '../test/runtime/helpers.js';
import { startHostileRpc, worst } from '../test/support/hostile-rpc.js';
import type { Benchmark, BenchResult } from './result.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function soak(): Promise<BenchResult> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 600);
  const minKills = 10;
  const redisDir = mkdtempSync(join(tmpdir(), 'stoa-soak-redis-'));
  const [anvil, first] = await Promise.all([startAnvil(), startRedis({ persistDir: redisDir })]);
  let redis: Service = first;
  const clients = chainClients(anvil.url);
  const emitter = await deployEmitter(clients);
  const rpc = await startHostileRpc({ target: anvil.url, ...worst, seed: Date.now() % 1_000_000 });
  const dir = mkdtempSync(join(tmpdir(), 'stoa-soak-'));
  const configFile = join(dir, 'agent.json');
  const raw = rawConfig({
    rpcUrl: rpc.url,
    redisUrl: redis.url,
    emitter,
    extra: {
      chain: { chain_id: 31337, rpc_url: rpc.url, ws_url: rpc.wsUrl, startup_attempts: 10 },
      sweep: { enabled: true, cron: '*/10 * * * * *' },
      log: { level: 'error' },
    },
  });
  writeFileSync(configFile, JSON.stringify(raw));
  const output: string[] = [];
  const spawnAgent = () => {
    const child = spawnService(join(root, 'bin', 'stoa'), ['agent', 'ack-emitter', '--config', configFile], {
      env: { ...process.env, STOA_PRIVATE_KEY: agentKey },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    });
    return child;
  };
  const agents: ChildProcess[] = [spawnAgent(), spawnAgent()];
  const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

  const started = performance.now();
  const deadline = started + seconds * 1_000;
  let stopping = false;
  let sent = 0;
  const pinger = (async () => {
    while (!stopping) {
      const n = 1 + Math.floor(Math.random() * 5);
      await ping(clients, emitter, n);
      sent += n;
      await sleep(200 + Math.random() * 300);
    }
  })();

  // Kills spread over the run (at least minKills), Redis restarts at one and two thirds.
  let kills = 0;
  let redisRestarts = 0;
  const killEvery = (seconds * 1_000) / (minKills + 2);
  let nextKill = started + killEvery * (0.5 + Math.random() * 0.5);
  const restartsAt = [started + (seconds * 1_000) / 3, started + (seconds * 2_000) / 3];
  while (performance.now() < deadline || kills < minKills || redisRestarts < 2) {
    const now = performance.now();
    for (const [i, child] of agents.entries()) if (!running(child)) agents[i] = spawnAgent();
    if (now >= nextKill) {
      const i = Math.floor(Math.random() * agents.length);
      agents[i]!.kill('SIGKILL');
      await new Promise((r) => (running(agents[i]!) ? agents[i]!.once('exit', r) : r(null)));
      kills++;
      nextKill = now + killEvery * (0.5 + Math.random());
      await sleep(Math.random() * 2_000);
      agents[i] = spawnAgent();
    }
    if (redisRestarts < restartsAt.length && now >= restartsAt[redisRestarts]!) {
      await redis.stop();
      await sleep(1_000);
      redis = await startRedis({ port: redis.port, persistDir: redisDir });
      redisRestarts++;
    }
    await sleep(250);
  }
  stopping = true;
  await pinger;
  await clients.test.mine({ blocks: 3 });

  // Drain: every ping acked (events, sweeps), or give up after 3 minutes and report what is left.
  const pings = Number(await emitterView(clients, emitter, 'pingCount'));
  const drainUntil = performance.now() + 180_000;
  while (performance.now() < drainUntil) {
    if (Number(await emitterView(clients, emitter, 'ackCount')) === pings) break;
    for (const [i, child] of agents.entries()) if (!running(child)) agents[i] = spawnAgent();
    await sleep(500);
  }
  const drainSeconds = (performance.now() - (drainUntil - 180_000)) / 1_000;
  await Promise.all(agents.map((child) => stopProcess(child)));

  const acked = await clients.public.getContractEvents({
    address: emitter,
    abi: emitterAbi,
    eventName: 'Acked',
    fromBlock: 0n,
  });
  const unique = new Set(acked.map((e) => e.args.id)).size;
  const transactions = await clients.public.getTransactionCount({ address: agentAddress });
  const stats = rpc.stats();
  await rpc.close();
  await Promise.all([anvil.stop(), redis.stop()]);
  const lost = pings - unique;
  const duplicated = transactions - unique;
  if (lost !== 0 || duplicated !== 0) console.error(output.join('').slice(-5_000));
  return {
    name: 'soak',
    unit: 'events',
    value: pings,
    events: pings,
    actions: unique,
    lost,
    duplicated,
    kills,
    redis_restarts: redisRestarts,
    params: {
      seconds,
      drain_seconds: Math.round(drainSeconds),
      processes: agents.length,
      sent_by_pinger: sent,
      agent_transactions: transactions,
      hostile: { ...worst, providers: worst.providers.join(', ') },
      proxy: stats,
    },
  };
}

export default [{ name: 'soak', run: soak }] satisfies Benchmark[];
