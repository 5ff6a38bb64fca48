import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createAgent } from '../../agents/runtime/index.js';
import { type RedisSettings, redisConnection } from '../../agents/runtime/queue.js';
import { startHostileRpc } from '../support/hostile-rpc.js';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster.js';
import {
  agentConfig,
  emitterView,
  hostileTestProfile,
  ping,
  recordingRole,
  rpcPaths,
  type Stack,
  startRpcProxy,
  startStack,
  waitFor,
} from './helpers.js';

type Proxy = { url: string; refused: () => number; close: () => Promise<void> };

const variants = [
  ...rpcPaths.map((path) => ({ ...path, cluster: false })),
  { path: 'on a Redis Cluster, one master killed mid-run', hostile: false, cluster: true },
];

describe.each(variants)('ingestion to handler, exactly once ($path)', ({ hostile, cluster: onCluster }) => {
  let stack: Stack;
  let proxy: Proxy;
  let cluster: RedisCluster | undefined;
  /** The agent's Redis: the stack's server, or the cluster (then `redis.url` is unused). */
  let redisSettings: RedisSettings;
  beforeAll(async () => {
    stack = await startStack();
    if (onCluster) cluster = await startRedisCluster();
    redisSettings = {
      redis: { url: stack.redis.url, prefix: 'stoa' },
      ...(cluster && { redis_cluster: { nodes: cluster.nodes, tls: false } }),
    };
    if (hostile) {
      // Capped at 25 blocks and 300 results, with every other misbehaviour on top.
      const rpc = await startHostileRpc({
        target: stack.anvil.url,
        ...hostileTestProfile,
        maxLogRange: 25,
        maxLogResults: 300,
      });
      const refused = () => rpc.stats().refusedRange + rpc.stats().refusedResults;
      proxy = { url: rpc.url, refused, close: rpc.close };
    } else {
      const rpc = await startRpcProxy({ target: stack.anvil.url, maxLogRange: 25 });
      proxy = { url: rpc.url, refused: rpc.refused, close: rpc.down };
    }
  });
  afterAll(async () => {
    await proxy?.close();
    await cluster?.stop();
    await stack?.stop();
  });

  it('handles each of 1,200 events once across restarts, replays and a capped provider', async () => {
    const recorder = recordingRole(redisSettings);
    const config = agentConfig({
      rpcUrl: proxy.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra: {
        ingest: { confirmations: 1, poll_interval_ms: 50, max_block_range: 400, max_logs_per_step: 300 },
        ...(redisSettings.redis_cluster && { redis_cluster: redisSettings.redis_cluster }),
      },
    });
    const start = async () => {
      const agent = createAgent({ role: recorder.role, config });
      await agent.start();
      return agent;
    };
    const total = async () => Number(await emitterView(stack.clients, stack.emitter, 'pingCount'));
    const handledAll = async () => {
      const handled = await recorder.handled();
      return Object.keys(handled).length === (await total()) ? handled : undefined;
    };

    for (let i = 0; i < 4; i++) {
      await ping(stack.clients, stack.emitter, 100);
      await stack.clients.test.mine({ blocks: 60 });
    }
    let agent: Agent = await start();
    for (let i = 0; i < 8; i++) {
      await ping(stack.clients, stack.emitter, 100);
      if (i === 3) {
        await agent.stop();
        agent = await start();
      }
      // The master serving the agent's keys dies while events stream in; its replica takes over.
      if (i === 5 && cluster) await cluster.killMaster('{stoa}');
    }
    await stack.clients.test.mine({ blocks: 2 });
    expect(await total()).toBe(1_200);
    let handled = await waitFor(handledAll, { what: 'all events handled' });
    expect(Object.values(handled).every((n) => n === 1)).toBe(true);
    expect(proxy.refused()).toBeGreaterThan(0);

    // Replay everything from the start block: deterministic job ids enqueue nothing new.
    await agent.stop();
    const redis = redisConnection(redisSettings);
    const root = cluster ? '{stoa}' : 'stoa';
    await redis.del(`${root}:31337:recorder:cursor`, `${root}:31337:recorder:blocks`);
    agent = await start();
    const head = await stack.clients.public.getBlockNumber();
    await waitFor(async () => (agent.ingestor().cursor()?.number ?? 0n) >= head - 1n, {
      what: 'replay done',
    });
    await waitFor(async () => (await agent.queue().queue.getJobCounts('waiting', 'active')).waiting === 0);
    handled = await recorder.handled();
    expect(Object.keys(handled)).toHaveLength(1_200);
    expect(Object.values(handled).every((n) => n === 1)).toBe(true);
    await agent.stop();
    await redis.quit();
    await recorder.close();
  });
});
