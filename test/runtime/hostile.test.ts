import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackEmitter } from '../../agents/demo/ack-emitter.js';
import { createAgent } from '../../agents/runtime/index.js';
import { type HostileRpc, startHostileRpc } from '../support/hostile-rpc.js';
import {
  agentConfig,
  agentKey,
  emitterView,
  ping,
  recordingRole,
  type Stack,
  startStack,
  waitFor,
} from './helpers.js';

describe('the runtime against a misbehaving provider', () => {
  let stack: Stack;
  let rpc: HostileRpc;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await rpc?.close();
    await stack?.stop();
  });

  it('starts and acts while the provider fails one request in four (429, 5xx, dropped)', async () => {
    rpc = await startHostileRpc({
      target: stack.anvil.url,
      seed: 7,
      tooManyRate: 0.1,
      retryAfterS: 0,
      serverErrorRate: 0.1,
      dropRate: 0.05,
    });
    const config = agentConfig(
      { rpcUrl: rpc.url, redisUrl: stack.redis.url, emitter: stack.emitter },
      ackEmitter.config,
    );
    for (let i = 0; i < 3; i++) {
      // Before the transport retried, one failed call after the chain id check (a contract's
      // code, the sender's nonce) ended the start.
      const agent = createAgent({ role: ackEmitter, config, privateKey: agentKey });
      await agent.start();
      await agent.stop();
    }
    const agent = createAgent({ role: ackEmitter, config, privateKey: agentKey });
    await agent.start();
    await ping(stack.clients, stack.emitter, 20);
    await stack.clients.test.mine({ blocks: 2 });
    await waitFor(async () => Number(await emitterView(stack.clients, stack.emitter, 'ackCount')) === 20, {
      what: '20 acks',
    });
    await agent.stop();
    expect(rpc.stats().tooMany + rpc.stats().serverErrors + rpc.stats().dropped).toBeGreaterThan(0);
    await rpc.close();
  });

  it("waits for a rate-limited getLogs' Retry-After before asking again", async () => {
    rpc = await startHostileRpc({ target: stack.anvil.url, tooManyMethods: ['eth_getLogs'], retryAfterS: 2 });
    const recorder = recordingRole(stack.redis.url, { name: 'retry-after' });
    const config = agentConfig({ rpcUrl: rpc.url, redisUrl: stack.redis.url, emitter: stack.emitter });
    const agent = createAgent({ role: recorder.role, config });
    await agent.start();
    await ping(stack.clients, stack.emitter, 5);
    await stack.clients.test.mine({ blocks: 2 });
    const pings = Number(await emitterView(stack.clients, stack.emitter, 'pingCount'));
    const handled = async () => Object.keys(await recorder.handled()).length;
    await waitFor(async () => (await handled()) === pings, { what: 'caught up' });
    rpc.set({ tooManyRate: 1 });
    await ping(stack.clients, stack.emitter, 1);
    await stack.clients.test.mine({ blocks: 2 });
    await waitFor(async () => rpc.stats().tooMany > 0, { what: 'the first 429' });
    await new Promise((r) => setTimeout(r, 3_000));
    // 2 s apart: the 429 at t, one at t + 2 s; backing off from 100 ms on would ask 4 times or more.
    expect(rpc.stats().tooMany).toBeLessThanOrEqual(2);
    rpc.set({ tooManyRate: 0 });
    await waitFor(async () => (await handled()) === pings + 1, { what: 'the last event' });
    await agent.stop();
    await recorder.close();
  });
});
