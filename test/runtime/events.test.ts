/**
 * The runtime's event reader on a real anvil behind a provider that caps eth_getLogs at 100
 * blocks: a history of 500 blocks is read whole in adaptive ranges, only up to the safe head,
 * from each contract's start block, and stops early with `limit`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitterAbi } from '../../agents/generated/abis.js';
import { createEventReader, defaultRange } from '../../agents/runtime/events.js';
import { chainClients, ping, type Stack, startRpcProxy, startStack } from './helpers.js';

let stack: Stack;
let proxy: Awaited<ReturnType<typeof startRpcProxy>>;
let firstPing: bigint;

beforeAll(async () => {
  stack = await startStack();
  proxy = await startRpcProxy({ target: stack.anvil.url, maxLogRange: 100 });
  await ping(stack.clients, stack.emitter, 1);
  firstPing = await stack.clients.public.getBlockNumber();
  await stack.clients.test.mine({ blocks: 250 });
  await ping(stack.clients, stack.emitter, 2);
  await stack.clients.test.mine({ blocks: 250 });
  await ping(stack.clients, stack.emitter, 1);
});

afterAll(async () => {
  await proxy?.down();
  await stack?.stop();
});

const reader = (confirmations: number, startBlocks?: Record<string, number>) =>
  createEventReader({
    client: chainClients(proxy.url).public,
    confirmations,
    range: defaultRange,
    startBlocks,
  });

describe('createEventReader', () => {
  it('reads a history wider than the provider allows, in ranges it accepts', async () => {
    const refusedBefore = proxy.refused();
    const events = await reader(0)({ address: stack.emitter, abi: emitterAbi, eventName: 'Pinged' });
    expect(events.map((e) => e.args.seq)).toEqual([0n, 1n, 2n, 3n]);
    expect(proxy.refused()).toBeGreaterThan(refusedBefore);
  });

  it('a plain viem query over the same history is refused by the provider', async () => {
    await expect(
      chainClients(proxy.url).public.getContractEvents({
        address: stack.emitter,
        abi: emitterAbi,
        eventName: 'Pinged',
        fromBlock: 0n,
        toBlock: await stack.clients.public.getBlockNumber(),
      }),
    ).rejects.toThrow(/max block range/);
  });

  it('stops at the safe head: the newest block is not read with one confirmation', async () => {
    const events = await reader(1)({ address: stack.emitter, abi: emitterAbi, eventName: 'Pinged' });
    expect(events.map((e) => e.args.seq)).toEqual([0n, 1n, 2n]);
  });

  it("starts at the contract's start block and stops once `limit` events were found", async () => {
    const read = reader(0, { [stack.emitter]: Number(firstPing) + 1 });
    const later = await read({ address: stack.emitter, abi: emitterAbi, eventName: 'Pinged' });
    expect(later.map((e) => e.args.seq)).toEqual([1n, 2n, 3n]);
    const [first, ...rest] = await read({
      address: stack.emitter,
      abi: emitterAbi,
      eventName: 'Pinged',
      args: { id: `0x${'0'.repeat(63)}3` },
      fromBlock: 0n,
      limit: 1,
    });
    expect(first?.args.seq).toBe(3n);
    expect(rest).toEqual([]);
  });
});
