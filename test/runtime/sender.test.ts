import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { keccak256 } from 'viem';
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

  async function sender(
    overrides: Record<string, unknown> = {},
    metrics = createMetrics({ role: 'sender-test' }),
  ) {
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
      metrics,
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

  it('never bumps fees above the caps, and says so', async () => {
    const { maxFeePerGas } = await stack.clients.public.estimateFeesPerGas();
    const cap = maxFeePerGas * 3n;
    const metrics = createMetrics({ role: 'sender-cap' });
    const s = await sender(
      {
        stuck_after_ms: 100,
        fee_bump_percent: 100,
        max_fee_per_gas: cap.toString(),
        max_priority_fee_per_gas: cap.toString(),
      },
      metrics,
    );
    await stack.clients.test.setAutomine(false);
    const result = s.send(ack(5));
    const record = `stoa:31337:sender:${agentAddress.toLowerCase()}:action:ack-5`;
    const cappedCount = async () =>
      (await metrics.registry.getSingleMetric('stoa_tx_total')!.get()).values.find(
        (v) => v.labels.outcome === 'fee_capped',
      )?.value ?? 0;
    await waitFor(async () => (await cappedCount()) >= 3, { what: 'the cap reached', timeoutMs: 10_000 });
    // Doubling every 100 ms for as long: without the cap, far beyond it by now.
    const hashes = JSON.parse((await redis.hget(record, 'hashes')) ?? '[]') as string[];
    expect(BigInt((await redis.hget(record, 'max_fee'))!)).toBeLessThanOrEqual(cap);
    expect(hashes.length).toBeLessThanOrEqual(3);
    await stack.clients.test.setAutomine(true);
    await stack.clients.test.mine({ blocks: 1 });
    const mined = await result;
    expect(mined.status).toBe('mined');
    const tx = await stack.clients.public.getTransaction({
      hash: mined.status === 'mined' ? mined.hash : '0x',
    });
    expect(tx.maxFeePerGas! <= cap).toBe(true);
  });

  it('keeps what the node accepted as the version to resume when it refuses a replacement', async () => {
    const s = await sender({ stuck_after_ms: 300, fee_bump_percent: 100 });
    const wealth = await stack.clients.public.getBalance({ address: agentAddress });
    await stack.clients.test.setAutomine(false);
    const result = s.send(ack(6));
    const record = `stoa:31337:sender:${agentAddress.toLowerCase()}:action:ack-6`;
    await waitFor(async () => (await redis.hget(record, 'raw')) !== null, { what: 'the first version' });
    const first = (await redis.hget(record, 'raw')) as `0x${string}`;
    const gas = BigInt((await redis.hget(record, 'gas'))!);
    const fee = BigInt((await redis.hget(record, 'max_fee'))!);
    // Enough for the first version, not for one at twice the fee: the node refuses the replacement.
    await stack.clients.test.setBalance({ address: agentAddress, value: (gas * fee * 3n) / 2n });
    await waitFor(async () => JSON.parse((await redis.hget(record, 'hashes')) ?? '[]').length >= 2, {
      what: 'a replacement tried',
    });
    await new Promise((r) => setTimeout(r, 200));
    // A restarted sender rebroadcasts `raw`: it must be what the node holds, not what it refused.
    expect(await redis.hget(record, 'raw')).toBe(first);
    expect(await stack.clients.public.getTransaction({ hash: keccak256(first) })).toBeDefined();
    await stack.clients.test.setBalance({ address: agentAddress, value: wealth });
    await stack.clients.test.setAutomine(true);
    await stack.clients.test.mine({ blocks: 1 });
    expect((await result).status).toBe('mined');
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
