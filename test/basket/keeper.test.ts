/**
 * The basket keeper on a real anvil and a real Redis: one keeper (the basket's manager) starts a
 * rebalance to new targets with price curves around the fair prices, a second keeper process bids
 * as a market maker once the Dutch auctions reach its margin, and the basket ends at the targets;
 * then a component agent freezes part of the basket's holdings and the keeper alerts and
 * reconciles; then a day of chain time passes and the keeper accrues the streaming fee.
 */
import { getAddress, type Hash, parseEventLogs, toFunctionSelector } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasketStatus } from '../../agents/basket/keeper.js';
import { atTarget } from '../../agents/basket/policy.js';
import { basketAbi, securityTokenAbi } from '../../agents/generated/abis.js';
import type { Agent } from '../../agents/runtime/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import { type Clients, chainClients, deployerKey, waitFor } from '../runtime/helpers.js';
import {
  type BasketStack,
  basketRead,
  deployBasketStack,
  investor,
  keeper,
  keeperKey,
  maker,
  priceSettings,
  sendAs,
  startKeeper,
  startMarketMaker,
  WHOLE,
} from './helpers.js';

const SUPPLY = 5n * WHOLE;
/** STOA 10 -> 8 (the basket sells 10 shares), SBND quote, SRLT 10 -> 14 (it buys 20). */
const TARGETS = [8n, 40n, 14n];
const TOLERANCE_BPS = 10;

const travel = async (clients: Clients, seconds: number) => {
  await clients.test.increaseTime({ seconds });
  await clients.test.mine({ blocks: 1 });
};

/** `stoa_basket_alerts_total{kind}` summed over the agents' registries (what `/metrics` serves). */
async function alerts(agents: readonly Agent[], kind: string): Promise<number> {
  let sum = 0;
  for (const agent of agents) {
    const metric = agent.metrics.registry.getSingleMetric('stoa_basket_alerts_total');
    if (!metric) continue;
    const { values } = await metric.get();
    sum += values.filter((v) => v.labels.kind === kind).reduce((total, v) => total + v.value, 0);
  }
  return sum;
}

describe('basket keeper', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  let stack: BasketStack;
  const agents: Agent[] = [];
  const senderOf = async (hash: Hash) => getAddress((await clients.public.getTransaction({ hash })).from);

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil({ blockTime: 1 }), startRedis()]);
    clients = chainClients(anvil.url);
    stack = await deployBasketStack(clients, { supply: SUPPLY, makerFunds: [0n, 1_000n, 100n] });
    const common = { rpcUrl: anvil.url, redisUrl: redis.url, stack };
    agents.push(
      await startKeeper({
        ...common,
        key: keeperKey,
        prefix: 'keeper',
        settings: {
          prices: priceSettings(stack),
          fees: { interval_s: 86_400 },
          rebalance: {
            targets: {
              [stack.basket]: {
                quote: 1,
                units: TARGETS.map(String),
                duration_s: 3_600,
                spread_bps: 500,
                tolerance_bps: TOLERANCE_BPS,
              },
            },
          },
        },
      }),
      await startMarketMaker({ ...common, prefix: 'maker', budgets: { [stack.tokens[1]!]: '500' } }),
    );
  }, 120_000);
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  it('starts a rebalance, the market maker fills both auctions, and the basket ends at the targets', async () => {
    await waitFor(
      async () => (await basketRead<number>(clients, stack, 'status')) === BasketStatus.Rebalancing,
      { what: 'the keeper starting the rebalance' },
    );
    const [started] = await clients.public.getContractEvents({
      address: stack.basket,
      abi: basketAbi,
      eventName: 'RebalanceStarted',
      fromBlock: 0n,
    });
    expect(await senderOf(started!.transactionHash)).toBe(keeper.address);
    // The start folds the fee multiplier into the units (rounded down); no bid at the start of the
    // curves, short of the market maker's margin.
    expect(await basketRead<bigint[]>(clients, stack, 'units')).toEqual(started!.args.units);
    expect(started!.args.targets).toEqual(TARGETS);
    const [, sellStart] = await basketRead<readonly [bigint, boolean, boolean, bigint, bigint]>(
      clients,
      stack,
      'auction',
      [0n],
    );
    expect(sellStart).toBe(true);

    // Two thirds of the hour: both prices are past fair by more than the 0.5% margin.
    await travel(clients, 2_400);
    await waitFor(async () => (await basketRead<number>(clients, stack, 'status')) === BasketStatus.Active, {
      what: 'the auctions filled',
    });
    const units = await basketRead<bigint[]>(clients, stack, 'units');
    for (const i of [0, 2]) expect(atTarget(units[i]!, TARGETS[i]!, TOLERANCE_BPS)).toBe(true);
    const bids = await clients.public.getContractEvents({
      address: stack.basket,
      abi: basketAbi,
      eventName: 'AuctionBid',
      fromBlock: 0n,
    });
    expect(bids.map((b) => getAddress(b.args.bidder!))).toEqual([maker.address, maker.address]);
    const [ended] = await clients.public.getContractEvents({
      address: stack.basket,
      abi: basketAbi,
      eventName: 'RebalanceEnded',
      fromBlock: 0n,
    });
    expect(ended!.args.completed).toBe(true);
    // The quote absorbed the trades: SBND backs what the basket holds, collateral intact.
    const [usable, required] = await basketRead<[bigint[], bigint[]]>(clients, stack, 'collateral');
    for (const [i, u] of usable.entries()) expect(u >= required[i]!).toBe(true);
    const quoteBalance = await clients.public.readContract({
      address: stack.tokens[1]!,
      abi: securityTokenAbi,
      functionName: 'balanceOf',
      args: [stack.basket],
    });
    expect(units[1]).toBe((quoteBalance * WHOLE) / SUPPLY);
  }, 90_000);

  it('alerts on a component freeze of the basket and reconciles the units', async () => {
    const before = await alerts(agents, 'component_frozen');
    const held = await clients.public.readContract({
      address: stack.tokens[0]!,
      abi: securityTokenAbi,
      functionName: 'balanceOf',
      args: [stack.basket],
    });
    await sendAs(clients, deployerKey, {
      address: stack.tokens[0]!,
      abi: securityTokenAbi,
      functionName: 'freezePartialTokens',
      args: [stack.basket, 5n],
    });
    await waitFor(async () => (await basketRead<number>(clients, stack, 'status')) === BasketStatus.Halted, {
      what: 'the keeper reconciling',
    });
    const [impaired] = await clients.public.getContractEvents({
      address: stack.basket,
      abi: basketAbi,
      eventName: 'ComponentImpaired',
      fromBlock: 0n,
    });
    expect(impaired!.args.component).toBe(stack.tokens[0]);
    expect(impaired!.args.usable).toBe(held - 5n);
    expect(await senderOf(impaired!.transactionHash)).toBe(keeper.address);
    // Cut pro rata to what the usable balance backs, rounded down.
    const supply = await basketRead<bigint>(clients, stack, 'totalSupply');
    expect((await basketRead<bigint[]>(clients, stack, 'units'))[0]).toBe(((held - 5n) * WHOLE) / supply);
    await waitFor(async () => (await alerts(agents, 'component_frozen')) > before, {
      what: 'the freeze alerted',
    });
    expect(await alerts(agents, 'undercollateralized')).toBeGreaterThan(0);
  }, 60_000);

  it('accrues the streaming fee once a day of chain time passed', async () => {
    const supply = await basketRead<bigint>(clients, stack, 'totalSupply');
    await travel(clients, 86_400 + 60);
    const event = await waitFor(
      async () => {
        const logs = await clients.public.getContractEvents({
          address: stack.basket,
          abi: basketAbi,
          eventName: 'FeeAccrued',
          fromBlock: 0n,
        });
        const last = logs.at(-1);
        if (!last) return false;
        const tx = await clients.public.getTransaction({ hash: last.transactionHash });
        return (
          getAddress(tx.from) === keeper.address && tx.input === toFunctionSelector('accrueFee()') && last
        );
      },
      { what: 'the keeper accruing the fee' },
    );
    const receipt = await clients.public.getTransactionReceipt({ hash: event.transactionHash });
    const [accrued] = parseEventLogs({ abi: basketAbi, logs: receipt.logs, eventName: 'FeeAccrued' });
    expect(accrued!.args.recipient).toBe(investor.address);
    // 2% a year for a day: minted = supply x share / (1 - share), share = 2% x elapsed / 365 days.
    expect(accrued!.args.minted > 0n).toBe(true);
    expect(accrued!.args.minted < (supply * 2n) / 100n / 300n).toBe(true);
    expect(await basketRead<bigint>(clients, stack, 'totalSupply')).toBe(supply + accrued!.args.minted);
  }, 60_000);
});
