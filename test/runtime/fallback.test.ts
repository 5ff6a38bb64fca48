/**
 * Several RPC URLs per chain (`chain.rpc_urls`), on real anvils: with the first provider down the
 * agent starts and handles events through the second, keeps going when the first comes back and
 * the second goes down, and refuses a fallback provider of another chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../agents/runtime/index.js';
import { type Service, startAnvil } from '../../agents/stack/services.js';
import {
  agentConfig,
  ping,
  recordingRole,
  type Stack,
  startRpcProxy,
  startStack,
  waitFor,
} from './helpers.js';

let stack: Stack;
let first: Awaited<ReturnType<typeof startRpcProxy>>;
let second: Awaited<ReturnType<typeof startRpcProxy>>;
let otherChain: Service;

beforeAll(async () => {
  stack = await startStack();
  [first, second, otherChain] = await Promise.all([
    startRpcProxy({ target: stack.anvil.url }),
    startRpcProxy({ target: stack.anvil.url }),
    startAnvil({ chainId: 999 }),
  ]);
});

afterAll(async () => {
  await Promise.all([first?.down(), second?.down(), otherChain?.stop()]);
  await stack?.stop();
});

describe('chain.rpc_urls', () => {
  it('reads and handles events through whichever provider is up', async () => {
    await first.down();
    const recorder = recordingRole(stack.redis.url);
    const config = agentConfig({
      rpcUrl: first.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra: {
        chain: { chain_id: 31337, rpc_url: first.url, rpc_urls: [second.url], rank_interval_ms: 200 },
      },
    });
    const agent = createAgent({ role: recorder.role, config });
    try {
      await agent.start();
      await ping(stack.clients, stack.emitter, 3);
      await stack.clients.test.mine({ blocks: 2 });
      await waitFor(async () => Object.keys(await recorder.handled()).length === 3, { what: '3 events' });
      await first.up();
      await second.down();
      await ping(stack.clients, stack.emitter, 2);
      await stack.clients.test.mine({ blocks: 2 });
      await waitFor(async () => Object.keys(await recorder.handled()).length === 5, { what: '5 events' });
      expect(Object.values(await recorder.handled())).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await agent.stop();
      await recorder.close();
      await second.up();
    }
  });

  it('refuses a fallback provider that reports another chain', async () => {
    const recorder = recordingRole(stack.redis.url, { name: 'wrong-chain' });
    const config = agentConfig({
      rpcUrl: first.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra: { chain: { chain_id: 31337, rpc_url: first.url, rpc_urls: [otherChain.url] } },
    });
    const agent = createAgent({ role: recorder.role, config });
    await expect(agent.start()).rejects.toThrow(/chain\.rpc_urls\[0\] .* reports chain id 999/);
    await agent.stop();
    await recorder.close();
  });
});
