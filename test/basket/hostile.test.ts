/**
 * The market maker against what an attacker controls, on a real anvil and a real Redis: a task
 * forged into its queue naming an attacker's "basket" (no approval, no bid), two bids racing for
 * one budget (they spend the budget once), and a sealed auction whose "committee" reports this key
 * the winner at a price it never bid (no approval, no fill).
 */
import { Job } from 'bullmq';
import { type Address, encodeAbiParameters, getAddress, keccak256, maxUint256 } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasketStatus } from '../../agents/basket/keeper.js';
import { fairPrice, parseValue, priceCurve } from '../../agents/basket/policy.js';
import { basketAbi, securityTokenAbi } from '../../agents/generated/abis.js';
import type { Agent } from '../../agents/runtime/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { type Clients, chainClients, deploy, deployerKey, waitFor } from '../runtime/helpers.js';
import {
  type BasketStack,
  basketRead,
  deployBasketStack,
  keeperKey,
  maker,
  makerKey,
  priceSettings,
  sendAs,
  startKeeper,
  startRpcProxy,
  WHOLE,
} from './helpers.js';

const BUDGET = 20n;

describe('market maker against forged tasks, racing bids and a lying committee', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  let stack: BasketStack;
  let agent: Agent;

  const balance = (token: Address, owner: Address = maker.address) =>
    clients.public.readContract({
      address: token,
      abi: securityTokenAbi,
      functionName: 'balanceOf',
      args: [owner],
    });
  const allowance = (token: Address, spender: Address) =>
    clients.public.readContract({
      address: token,
      abi: securityTokenAbi,
      functionName: 'allowance',
      args: [maker.address, spender],
    });
  /** Adds a task job by hand, as anyone who can write to the queue can, and waits until it ran. */
  async function forge(name: string, data: unknown, into: Agent = agent): Promise<string> {
    const queue = into.queue().queue;
    const jobId = `task-${name}-forged-${Math.random()}`;
    await queue.add(name, { kind: 'task', name, id: jobId, data }, { jobId, attempts: 1 });
    await waitFor(
      async () => {
        const state = await (await Job.fromId(queue, jobId))?.getState();
        return (state === 'failed' || state === 'completed') && state;
      },
      { what: `the forged ${name} task to run`, timeoutMs: 30_000 },
    );
    forged = (await Job.fromId(queue, jobId))!;
    return forged.getState();
  }
  let forged: Job;
  /** Starts a rebalance as the manager: `units` targets, quote SBND, curves around the fair prices. */
  async function rebalance(units: bigint[]) {
    const current = await basketRead<bigint[]>(clients, stack, 'units');
    const values = ['100', '100', '250'].map((v) => ({ value: parseValue(v), decimals: 0 }));
    const targets = units.map((unit, i) =>
      i === 1
        ? { unit, startPrice: 1n, endPrice: 1n }
        : { unit, ...priceCurve(fairPrice(values[i]!, values[1]!), unit < current[i]!, 500) },
    );
    await sendAs(clients, keeperKey, {
      address: stack.basket,
      abi: basketAbi,
      functionName: 'startRebalance',
      args: [1n, targets, 3_600n],
    });
  }
  const travel = async (seconds: number) => {
    await clients.test.increaseTime({ seconds });
    await clients.test.mine({ blocks: 1 });
  };

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil({ blockTime: 1 }), startRedis()]);
    clients = chainClients(anvil.url);
    stack = await deployBasketStack(clients, { supply: 5n * WHOLE, makerFunds: [0n, 1_000n, 0n] });
    agent = await startKeeper({
      key: makerKey,
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      stack,
      prefix: 'maker',
      // A stand-in for the deployment's MPC committee (configured contracts must have code).
      committee: stack.manager,
      settings: {
        // Every basket of the factory: the factory's registry is what tells a basket from a fake.
        baskets: [],
        prices: priceSettings(stack),
        fees: { enabled: false },
        reconcile: { enabled: false },
        rebalance: { enabled: false },
        // Lower case: the budget binds whatever the letter case of its key.
        bid: { enabled: true, margin_bps: 50, budgets: { [stack.tokens[1]!.toLowerCase()]: String(BUDGET) } },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await agent?.stop();
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  it('refuses a forged bid task naming a contract the factory did not create: no approval, no bid', async () => {
    const fake = getAddress((await deploy(clients, 'FakeBasket.sol', 'FakeBasket', [stack.tokens])).address);
    expect(await forge('bid', { basket: fake, index: 0 })).toBe('failed');
    expect(await allowance(stack.tokens[1]!, fake)).toBe(0n);
    expect(await balance(stack.tokens[1]!)).toBe(1_000n);
    // An unknown task name and malformed data fail too, loudly.
    expect(await forge('drain', { basket: stack.basket })).toBe('failed');
    expect(await forge('bid', { basket: stack.basket, index: -1 })).toBe('failed');
  }, 60_000);

  it('spends a budget once when two bids race for it, approving only what each bid pays', async () => {
    // The basket sells STOA 10 -> 8 and SRLT 10 -> 8 per token (10 each): ~10 and ~25 SBND at fair.
    await rebalance([8n, 40n, 8n]);
    await travel(2_400); // both prices now past the 0.5% margin: both bids are due in one sweep
    await waitFor(async () => (await balance(stack.tokens[1]!)) <= 1_000n - BUDGET + 1n, {
      what: 'the market maker spending its budget',
    });
    await new Promise((r) => setTimeout(r, 3_000)); // any bid still in flight lands
    expect(1_000n - (await balance(stack.tokens[1]!))).toBeLessThanOrEqual(BUDGET);
    expect(await allowance(stack.tokens[1]!, stack.basket)).not.toBe(maxUint256);
  }, 90_000);

  it('never fills a sealed auction of another committee, whatever price it reports', async () => {
    // End the first rebalance (unless its auctions filled it and ended it), then sell STOA 8 -> 6 and seal it to a
    // committee of the attacker.
    await travel(3_600);
    if ((await basketRead<number>(clients, stack, 'status')) === BasketStatus.Rebalancing)
      await sendAs(clients, deployerKey, {
        address: stack.basket,
        abi: basketAbi,
        functionName: 'endRebalance',
        args: [],
      });
    await rebalance([6n, 40n, 8n]);
    const { address: liar, abi: liarAbi } = await deploy(clients, 'FakeCommittee.sol', 'FakeCommittee');
    const [, , , lot] = await basketRead<readonly bigint[]>(clients, stack, 'sealedAuction', [0n]);
    const [, , deadline] = await basketRead<readonly bigint[]>(clients, stack, 'rebalanceState');
    // "This key won at 90 SBND a share": 900 SBND for the lot, 45 times its budget, never bid.
    await sendAs(clients, deployerKey, {
      address: liar,
      abi: liarAbi,
      functionName: 'set',
      args: [
        1n,
        {
          kind: 3,
          epoch: 0n,
          inputDeadline: deadline!,
          inputCount: 1,
          finalized: true,
          cancelled: false,
          requester: maker.address,
          paramsHash: keccak256(
            encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [stack.basket, lot!]),
          ),
          inputsCommitment: `0x${'00'.repeat(32)}`,
          output: encodeAbiParameters(
            [{ type: 'address' }, { type: 'uint256' }],
            [maker.address, 90n * WHOLE],
          ),
        },
      ],
    });
    await sendAs(clients, keeperKey, {
      address: stack.basket,
      abi: basketAbi,
      functionName: 'sealAuction',
      args: [0n, liar, 1n, 0n],
    });
    const before = await balance(stack.tokens[1]!);
    const approvedBefore = await allowance(stack.tokens[1]!, stack.basket);
    const forged = await forge('sealed', { basket: stack.basket, index: 0 });
    await new Promise((r) => setTimeout(r, 2_000)); // a few sweeps
    expect(await balance(stack.tokens[1]!)).toBe(before);
    expect(await allowance(stack.tokens[1]!, stack.basket)).toBe(approvedBefore);
    expect(await basketRead<number>(clients, stack, 'status')).toBe(BasketStatus.Rebalancing);
    expect(forged).toBe('failed'); // refused loudly: not the deployment's committee
  }, 90_000);

  it("keeps the RPC URL's key out of what BullMQ stores of a failed job", async () => {
    const proxy = await startRpcProxy(anvil.url, '/v2/SECRET-PROVIDER-KEY');
    const leaky = await startKeeper({
      key: makerKey,
      rpcUrl: proxy.url,
      redisUrl: redis.url,
      stack,
      prefix: 'leaky',
      settings: { baskets: [stack.basket], fees: { enabled: false }, reconcile: { enabled: false } },
    });
    try {
      proxy.state.failing = true; // the provider fails: viem's error names the URL it called
      expect(await forge('bid', { basket: stack.basket, index: 0 }, leaky)).toBe('failed');
      expect(forged.failedReason).toMatch(/HTTP request failed/);
      expect(JSON.stringify([forged.failedReason, forged.stacktrace])).not.toContain('SECRET-PROVIDER-KEY');
    } finally {
      proxy.state.failing = false;
      await leaky.stop();
      await proxy.stop();
    }
  }, 60_000);
});
