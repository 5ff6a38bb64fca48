/**
 * Sealed bids on a basket, end to end on a real anvil and a real redis-server: the basket's manager
 * starts a rebalance that sells 10 STOA for SBND, seals that auction to a `SealedBidAuction`
 * computation of the MPC committee, two investors submit their bids secret-shared, the three
 * `mpc-node` agents compute the winner and post it signed, and the winner alone buys the lot at its
 * bid through `fillSealedBid`. Dutch bids are refused meanwhile; the losing bid never appears in
 * the chain's result nor in the nodes' logs.
 */
import { Redis } from 'ioredis';
import { type Address, getAddress, parseEventLogs } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRevert } from '../../agents/cli/errors.js';
import { basketAbi, mpcCommitteeAbi, securityTokenAbi } from '../../agents/generated/abis.js';
import { readOutput } from '../../agents/privacy/client.js';
import { ComputationKind } from '../../agents/privacy/computations.js';
import type { Agent } from '../../agents/runtime/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';
import {
  type BasketStack,
  deployBasketStack,
  investor,
  keeperKey,
  maker,
  makerKey,
  sendAs,
  startMarketMaker,
  WHOLE,
} from '../basket/helpers.js';
import { type Clients, chainClients, deployerKey, waitFor } from '../runtime/helpers.js';
import {
  type CommitteeChain,
  closeInputs,
  deployCommittee,
  type Nodes,
  request,
  startNodes,
  submit,
} from './fixture.js';

/** Prices are WAD SBND base units per STOA base unit (both 0-decimal shares): fair is 1e18. */
const START_PRICE = 12n * 10n ** 17n;
const RESERVE = 9n * 10n ** 17n;
/** A bid b prices the lot at b x 10^12: 1_100_000 is 1.1 SBND per STOA. */
const EXPONENT = 12n;
const WINNING = 1_100_000n;
const LOSING = 1_050_013n;
/** The investor's bid against the market-maker keeper, which bids fair minus its margin (995_000). */
const OUTBID = 950_013n;

/** The custom error a call of `basket` from `from` would revert with (undefined if it would succeed). */
async function revertOf(
  clients: Clients,
  basket: Address,
  from: Address,
  call: { functionName: string; args: unknown[] },
) {
  try {
    await clients.public.simulateContract({
      address: basket,
      abi: basketAbi,
      account: from,
      // biome-ignore lint/suspicious/noExplicitAny: any function of the basket
      ...(call as any),
    });
  } catch (error) {
    const revert = decodeRevert(error);
    if (revert) return revert.name;
    throw error;
  }
  return undefined;
}

describe('sealed-bid basket auction settled by the MPC committee', () => {
  let anvil: Service;
  let redis: Service;
  let clients: Clients;
  let chain: CommitteeChain;
  let nodes: Nodes | undefined;
  let stack: BasketStack;
  let basket: Address;
  let tokens: Address[];
  let marketMaker: Agent | undefined;

  beforeAll(async () => {
    [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
    clients = chainClients(anvil.url);
    stack = await deployBasketStack(clients, {
      supply: 5n * WHOLE,
      makerFunds: [0n, 1_000n, 0n],
      feeRate: 0n,
    });
    basket = stack.basket;
    tokens = stack.tokens;
    await sendAs(clients, deployerKey, {
      address: tokens[1]!,
      abi: securityTokenAbi,
      functionName: 'mint',
      args: [investor.address, 1_000n],
    });
    chain = { clients, ...(await deployCommittee(clients)) };
    nodes = await startNodes(chain, redis.url, { prefix: 'sealed' });
  }, 120_000);

  afterAll(async () => {
    await marketMaker?.stop();
    await nodes?.stop();
    await Promise.all([anvil?.stop(), redis?.stop()]);
  });

  /**
   * The manager (the keeper's key) sells 10 STOA for SBND (STOA `from` -> `from - 2` per token) and
   * seals that auction to a new computation; returns the computation.
   */
  async function sealedSale(from: bigint) {
    await sendAs(clients, keeperKey, {
      address: basket,
      abi: basketAbi,
      functionName: 'startRebalance',
      args: [
        1n,
        [
          { unit: from - 2n, startPrice: START_PRICE, endPrice: RESERVE },
          { unit: 40n, startPrice: 0n, endPrice: 0n },
          { unit: 10n, startPrice: 0n, endPrice: 0n },
        ],
        3_600n,
      ],
    });
    const [, , , lot] = await clients.public.readContract({
      address: basket,
      abi: basketAbi,
      functionName: 'sealedAuction',
      args: [0n],
    });
    const auction = await request(chain, { kind: ComputationKind.SealedBidAuction, basket, lot });
    await sendAs(clients, keeperKey, {
      address: basket,
      abi: basketAbi,
      functionName: 'sealAuction',
      args: [0n, chain.committee, auction.id, EXPONENT],
    });
    return auction;
  }

  it('sells the lot to the highest sealed bid, revealing only the winner and its price', async () => {
    const auction = await sealedSale(10n);
    expect(
      await revertOf(clients, basket, maker.address, { functionName: 'bid', args: [0n, 1n, 10n ** 30n] }),
    ).toBe('SealedAuction');

    await submit(chain, auction, investor, [LOSING]);
    await submit(chain, auction, maker, [WINNING]);
    expect(
      await revertOf(clients, basket, maker.address, { functionName: 'fillSealedBid', args: [0n] }),
    ).toBe('SealedBidPending');
    await closeInputs(chain);
    const result = await waitFor(() => readOutput(clients.public, chain.committee, auction.id), {
      what: 'the auction result',
      timeoutMs: 60_000,
    });
    expect(result).toEqual({ kind: ComputationKind.SealedBidAuction, winner: maker.address, price: WINNING });

    expect(
      await revertOf(clients, basket, investor.address, { functionName: 'fillSealedBid', args: [0n] }),
    ).toBe('NotWinner');
    await sendAs(clients, makerKey, {
      address: tokens[1]!,
      abi: securityTokenAbi,
      functionName: 'approve',
      args: [basket, 11n],
    });
    const receipt = await sendAs(clients, makerKey, {
      address: basket,
      abi: basketAbi,
      functionName: 'fillSealedBid',
      args: [0n],
    });
    const [sold] = parseEventLogs({ abi: basketAbi, logs: receipt.logs, eventName: 'AuctionBid' });
    // 10 shares at 1.1: 11 SBND (rounded up, in the basket's favour).
    expect(sold!.args).toMatchObject({
      amount: 10n,
      quoteAmount: 11n,
      price: WINNING * 10n ** EXPONENT,
      sell: true,
    });
    expect(getAddress(sold!.args.bidder!)).toBe(maker.address);
    const [ended] = parseEventLogs({ abi: basketAbi, logs: receipt.logs, eventName: 'RebalanceEnded' });
    expect(ended!.args.completed).toBe(true);
    const units = await clients.public.readContract({
      address: basket,
      abi: basketAbi,
      functionName: 'units',
    });
    expect(units[0]).toBe(8n);
    const bought = await clients.public.readContract({
      address: tokens[0]!,
      abi: securityTokenAbi,
      functionName: 'balanceOf',
      args: [maker.address],
    });
    expect(bought).toBe(10n);
  }, 120_000);

  it('lets the market-maker keeper bid sealed and buy the lot it won', async () => {
    const auction = await sealedSale(8n);
    await submit(chain, auction, investor, [OUTBID]);
    marketMaker = await startMarketMaker({
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      stack,
      prefix: 'sealed-maker',
      committee: chain.committee,
    });
    // The keeper's sealed bid lands while the computation collects inputs; then the inputs close.
    await waitFor(
      async () => {
        const inputs = await clients.public.getContractEvents({
          address: chain.committee,
          abi: mpcCommitteeAbi,
          eventName: 'InputSubmitted',
          args: { computationId: auction.id, submitter: maker.address },
          fromBlock: 0n,
        });
        return inputs.length > 0;
      },
      { what: "the market maker's sealed bid" },
    );
    // What a win would cost is held back from its other bids until the result is read.
    const reservations = new Redis(redis.url);
    const key = `sealed-maker:${await clients.public.getChainId()}:basket-keeper:reserved:${tokens[1]}`;
    const field = `${getAddress(chain.committee)}-${auction.id}`;
    try {
      const [, , deadline] = await clients.public.readContract({
        address: basket,
        abi: basketAbi,
        functionName: 'rebalanceState',
      });
      expect(await reservations.hget(key, field)).toBe(`10:${deadline}`);
      await closeInputs(chain);
      await waitFor(async () => (await reservations.hget(key, field)) === null, {
        what: 'the reservation ended once the lot was bought',
        timeoutMs: 60_000,
      });
    } finally {
      reservations.disconnect();
    }
    const ended = await waitFor(
      async () => {
        const [event] = await clients.public.getContractEvents({
          address: basket,
          abi: basketAbi,
          eventName: 'RebalanceEnded',
          fromBlock: 0n,
          strict: true,
        });
        const all = await clients.public.getContractEvents({
          address: basket,
          abi: basketAbi,
          eventName: 'AuctionBid',
          fromBlock: 0n,
          strict: true,
        });
        return event && all.length === 2 ? all[1] : undefined;
      },
      { what: 'the keeper filling the lot it won', timeoutMs: 60_000 },
    );
    // Fair 1 SBND per STOA, minus the 0.5% margin: 0.995, so 10 shares cost 10 SBND (9.95 rounded up).
    expect(getAddress(ended.args.bidder)).toBe(maker.address);
    expect(ended.args).toMatchObject({ amount: 10n, quoteAmount: 10n, price: 995_000n * 10n ** EXPONENT });
    const units = await clients.public.readContract({
      address: basket,
      abi: basketAbi,
      functionName: 'units',
    });
    expect(units[0]).toBe(6n);
  }, 120_000);

  it('writes no losing bid to the logs', () => {
    const text = nodes!.logs.flat().join('\n');
    expect(text).toContain('mpc computation done');
    expect(text).not.toContain(LOSING.toString());
    expect(text).not.toContain(OUTBID.toString());
  });
});
