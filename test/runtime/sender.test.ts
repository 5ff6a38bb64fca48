import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitterAbi } from '../../agents/generated/abis.js';
import {
  type Action,
  createChain,
  createLogger,
  createMetrics,
  createTxSender,
} from '../../agents/runtime/index.js';
import { agentAddress, agentConfig, agentKey, ping, type Stack, startStack, waitFor } from './helpers.js';

describe('transaction sender', () => {
  let stack: Stack;
  let redis: Redis;
  beforeAll(async () => {
    stack = await startStack();
    redis = new Redis(stack.redis.url);
    await ping(stack.clients, stack.emitter, 10);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  async function sender(overrides: Record<string, unknown> = {}) {
    const config = agentConfig({
      rpcUrl: stack.anvil.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra: { sender: { poll_interval_ms: 50, ...overrides } },
    });
    const created = createTxSender({
      chain: createChain({ config: config.chain }),
      account: privateKeyToAccount(agentKey),
      redis,
      key: 'stoa:31337',
      config: config.sender,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics({ role: 'sender-test' }),
    });
    await created.start();
    return created;
  }
  const ack = (seq: number, id = `ack-${seq}`): Action<typeof emitterAbi, 'ack'> => ({
    id,
    address: stack.emitter,
    abi: emitterAbi,
    functionName: 'ack',
    args: [`0x${seq.toString(16).padStart(64, '0')}`],
    classifyRevert: (revert) => (revert.error_name === 'AlreadyAcked' ? 'already_done' : 'fatal'),
  });
  const nonce = () => stack.clients.public.getTransactionCount({ address: agentAddress });

  it('acts once per action id, also from a second sender instance (a restart)', async () => {
    const first = await (await sender()).send(ack(0));
    expect(first.status).toBe('mined');
    const again = await (await sender()).send(ack(0));
    expect(again).toEqual(first);
    expect(await nonce()).toBe(1);
    const next = await (await sender()).send(ack(1));
    expect(next.status).toBe('mined');
    expect(await nonce()).toBe(2);
  });

  it('treats "already done by someone else" as success without sending', async () => {
    const hash = await stack.clients.wallet.writeContract({
      address: stack.emitter,
      abi: emitterAbi,
      functionName: 'ack',
      args: [`0x${(2).toString(16).padStart(64, '0')}`],
    });
    await stack.clients.public.waitForTransactionReceipt({ hash });
    const before = await nonce();
    expect(await (await sender()).send(ack(2))).toEqual({ status: 'already_done', reason: 'AlreadyAcked' });
    expect(await nonce()).toBe(before);
  });

  it('fails a revert the role calls fatal with an UnrecoverableError', async () => {
    await expect((await sender()).send(ack(999))).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('replaces a stuck transaction with higher fees, keeping its nonce', async () => {
    const s = await sender({ stuck_after_ms: 200 });
    const before = await nonce();
    await stack.clients.test.setAutomine(false);
    const result = s.send(ack(3));
    const record = `stoa:31337:sender:${agentAddress.toLowerCase()}:action:ack-3`;
    const hashes = async () => JSON.parse((await redis.hget(record, 'hashes')) ?? '[]') as string[];
    await waitFor(async () => (await hashes()).length >= 2, { what: 'a replacement' });
    await stack.clients.test.setAutomine(true);
    await stack.clients.test.mine({ blocks: 1 });
    const mined = await result;
    expect(mined.status).toBe('mined');
    // A replacement was broadcast (waited for above); which of the same-nonce transactions the node
    // mines once blocks resume is the node's choice, so any recorded one may be the mined one.
    expect(await hashes()).toContain(mined.status === 'mined' ? mined.hash : '');
    expect(await nonce()).toBe(before + 1);
  });

  it('refuses an action that needs more gas than a block holds, and never signs above one', async () => {
    const s = await sender();
    const before = await nonce();
    const { gasLimit } = await stack.clients.public.getBlock({ blockTag: 'latest' });
    // 50,000 events cost far more than a block's gas: it can never be mined, so it must not retry.
    const huge: Action<typeof emitterAbi, 'ping'> = {
      id: 'ping-huge',
      address: stack.emitter,
      abi: emitterAbi,
      functionName: 'ping',
      args: [50_000n],
    };
    const refused = s.send(huge);
    await expect(refused).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(refused).rejects.toThrow(/block gas limit/);
    expect(await nonce()).toBe(before);
    // A gas floor above the block's limit is capped at the limit (the node would refuse more).
    const floored = await s.send({ ...ack(4), minGas: gasLimit * 2n });
    expect(floored.status).toBe('mined');
    const tx = await stack.clients.public.getTransaction({
      hash: floored.status === 'mined' ? floored.hash : '0x',
    });
    expect(tx.gas).toBe(gasLimit);
    expect(await nonce()).toBe(before + 1);
  });
});
