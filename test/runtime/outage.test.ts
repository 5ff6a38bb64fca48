import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackEmitter } from '../../agents/demo/ack-emitter.js';
import { createAgent } from '../../agents/runtime/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { startHostileRpc } from '../support/hostile-rpc.js';
import {
  agentAddress,
  agentConfig,
  agentKey,
  type Clients,
  chainClients,
  deployEmitter,
  emitterView,
  hostileTestProfile,
  ping,
  rpcPaths,
  startRpcProxy,
  waitFor,
} from './helpers.js';

describe.each(rpcPaths)('outages ($path)', ({ hostile }) => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  const redisDir = mkdtempSync(join(tmpdir(), 'stoa-redis-persist-'));
  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil(), startRedis({ persistDir: redisDir })]);
    clients = chainClients(anvil.url);
  });
  afterAll(async () => {
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  it('backs off through an RPC outage and a Redis restart, then finishes every ack once', {
    timeout: 240_000,
  }, async () => {
    const emitter = await deployEmitter(clients);
    const proxy = await startRpcProxy({ target: anvil.url });
    // Through the hostile provider, the outage is of the node behind it (the provider stays up).
    const rpc = hostile ? await startHostileRpc({ target: proxy.url, ...hostileTestProfile }) : undefined;
    const config = agentConfig(
      { rpcUrl: rpc?.url ?? proxy.url, redisUrl: redis.url, emitter },
      ackEmitter.config,
    );
    const agent = createAgent({ role: ackEmitter, config, privateKey: agentKey });
    await agent.start();
    const acks = async () => Number(await emitterView(clients, emitter, 'ackCount'));
    const pinger = (async () => {
      for (let i = 0; i < 30; i++) {
        await ping(clients, emitter, 5);
        await new Promise((r) => setTimeout(r, 30));
      }
    })();

    await waitFor(async () => (await acks()) > 20, { what: 'first acks' });
    await proxy.down();
    await waitFor(async () => agent.ingestor().lastError() !== undefined, { what: 'the agent to notice' });
    await new Promise((r) => setTimeout(r, 1_000));
    await proxy.up();

    const before = await acks();
    await waitFor(async () => (await acks()) > before + 20, { what: 'acks after the RPC outage' });
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1_000));
    redis = await startRedis({ port: redis.port, persistDir: redisDir });

    await pinger;
    await clients.test.mine({ blocks: 2 });
    await waitFor(async () => (await acks()) === 150, { what: 'all 150 pings acked', timeoutMs: 90_000 });
    // Healthy again: through the hostile provider a later step may fail once more (a 429, a lagging node), so
    // wait for a healthy answer rather than read one at a fixed moment.
    await waitFor(async () => (await fetch(`http://127.0.0.1:${agent.httpPort()}/healthz`)).status === 200, {
      what: 'healthy again',
    });
    expect(await clients.public.getTransactionCount({ address: agentAddress })).toBe(150);
    const metrics = await (await fetch(`http://127.0.0.1:${agent.httpPort()}/metrics`)).text();
    expect(metrics).toMatch(/stoa_ingest_errors_total\{role="ack-emitter"\} [1-9]/);
    await agent.stop();
    await rpc?.close();
    await proxy.down();
  });
});
