/**
 * Basket benchmarks (real anvil with automine, real Redis).
 *
 * `basket-rebalance`: from a rebalance's start mined to the rebalance settled (the last auction
 * filled by a market-maker agent), in ms, p50/p99 over ROUNDS rebalances. Real anvil (automine),
 * real Redis, one `basket-keeper` process bidding (sweep every second, the role's schedule). The
 * bench is the basket's manager: each round moves SRLT from 10 to 14 per basket token (the basket
 * buys 20) or back (it sells 20) against SBND, with curves already past the maker's margin, so
 * the figure is the agent's own time: the cron tick, reading the basket and the auctions, the
 * queue, the approval (first rounds), simulation, sending and mining of the bid.
 *
 * `basket-sealed`: one sealed sell auction with BASKET_SEALED_BIDDERS (default 50) investors' bids
 * and the market-maker agent's, settled by the three in-process `mpc-node` agents (malicious
 * mode, real TCP). Figures: from the seal mined to the agent's sealed bid on chain (its sweep,
 * reads, sharing, encryption, sending), from the input deadline to the committee's result on chain
 * (the nodes' log reads, decryption, agreement, MPC argmax over the bids, signatures, post), and
 * from the result to the agent's `fillSealedBid` mined. The agent's bid (fair - 0.5%) is the best.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { basketAbi, mpcCommitteeAbi } from '../agents/generated/abis.js';
import { readOutput } from '../agents/privacy/client.js';
import { ComputationKind } from '../agents/privacy/computations.js';
import type { Agent } from '../agents/runtime/index.js';
import { startAnvil, startRedis } from '../agents/stack/services.js';
import { deployBasketStack, makerKey, PRICES, startMarketMaker, WHOLE } from '../test/basket/helpers.js';
import {
  closeInputs,
  deployCommittee,
  type Nodes,
  request,
  startNodes,
  submit,
} from '../test/privacy/fixture.js';
import { type Clients, chainClients } from '../test/runtime/helpers.js';
import { type Benchmark, percentile } from './result.js';

const ROUNDS = 20;
const SUPPLY = 5n * WHOLE;

async function basketRebalance() {
  const [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
  const clients = chainClients(anvil.url);
  const stack = await deployBasketStack(clients, {
    supply: SUPPLY,
    makerFunds: [0n, 100_000n, 1_000n],
    manager: clients.wallet.account.address,
    feeRate: 0n,
  });
  const maker = await startMarketMaker({
    rpcUrl: anvil.url,
    redisUrl: redis.url,
    stack,
    prefix: 'bench-maker',
  });
  // SRLT in SBND: 2.5 per share; the curve starts 1% in the maker's favour.
  const fair = (BigInt(PRICES[2]!) * WHOLE) / BigInt(PRICES[1]!);
  const ms: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const buy = round % 2 === 0;
      const targets = [10n, 40n, buy ? 14n : 10n].map((unit, i) => {
        if (i !== 2) return { unit, startPrice: 1n, endPrice: 1n };
        return buy
          ? { unit, startPrice: (fair * 101n) / 100n, endPrice: (fair * 105n) / 100n }
          : { unit, startPrice: (fair * 99n) / 100n, endPrice: (fair * 95n) / 100n };
      });
      const hash = await clients.wallet.writeContract({
        address: stack.basket,
        abi: basketAbi,
        functionName: 'startRebalance',
        args: [1n, targets, 3_600n],
      });
      await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 5 });
      const start = performance.now();
      for (;;) {
        const status = await clients.public.readContract({
          address: stack.basket,
          abi: basketAbi,
          functionName: 'status',
        });
        if (status === 0) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      ms.push(performance.now() - start);
    }
  } finally {
    await maker.stop();
    await Promise.all([anvil.stop(), redis.stop()]);
  }
  return {
    name: 'basket-rebalance',
    unit: 'ms',
    value: percentile(ms, 50),
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    params: {
      rounds: ROUNDS,
      auctions_per_round: 1,
      amount_per_auction: '20 shares',
      mining: 'anvil automine',
      sweep_cron: '* * * * * * (every second)',
    },
  };
}

/** Polls `done` every 5 ms until it returns a value; the elapsed milliseconds and the value. */
async function timed<T>(done: () => Promise<T | undefined>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  for (;;) {
    const value = await done();
    if (value !== undefined) return { ms: performance.now() - start, value };
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function basketSealed() {
  const bidders = Number(process.env.BASKET_SEALED_BIDDERS ?? 50);
  const [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
  const clients: Clients = chainClients(anvil.url);
  let nodes: Nodes | undefined;
  let maker: Agent | undefined;
  try {
    const stack = await deployBasketStack(clients, {
      supply: SUPPLY,
      makerFunds: [0n, 100_000n, 0n],
      manager: clients.wallet.account.address,
      feeRate: 0n,
    });
    const chain = { clients, ...(await deployCommittee(clients)) };
    nodes = await startNodes(chain, redis.url, { prefix: 'bench-sealed' });
    const accounts = Array.from({ length: bidders }, () => privateKeyToAccount(generatePrivateKey()));
    for (const account of accounts)
      await clients.test.setBalance({ address: account.address, value: 10n ** 19n });
    // STOA in SBND (both 100): fair 1e18 per share; the basket sells 10 (10 -> 8 per token).
    const on = { address: stack.basket, abi: basketAbi } as const;
    const start = await clients.wallet.writeContract({
      ...on,
      functionName: 'startRebalance',
      args: [
        1n,
        [
          { unit: 8n, startPrice: 12n * 10n ** 17n, endPrice: 9n * 10n ** 17n },
          { unit: 40n, startPrice: 1n, endPrice: 1n },
          { unit: 10n, startPrice: 1n, endPrice: 1n },
        ],
        3_600n,
      ],
    });
    await clients.public.waitForTransactionReceipt({ hash: start, pollingInterval: 5 });
    const [, , , lot] = await clients.public.readContract({
      ...on,
      functionName: 'sealedAuction',
      args: [0n],
    });
    const auction = await request(chain, {
      kind: ComputationKind.SealedBidAuction,
      basket: stack.basket,
      lot,
    });
    maker = await startMarketMaker({
      rpcUrl: anvil.url,
      redisUrl: redis.url,
      stack,
      prefix: 'bench-sealed-maker',
      committee: chain.committee,
    });
    const seal = await clients.wallet.writeContract({
      ...on,
      functionName: 'sealAuction',
      args: [0n, chain.committee, auction.id, 12n],
    });
    await clients.public.waitForTransactionReceipt({ hash: seal, pollingInterval: 5 });
    const sealedBid = await timed(async () => {
      const inputs = await clients.public.getContractEvents({
        address: chain.committee,
        abi: mpcCommitteeAbi,
        eventName: 'InputSubmitted',
        args: { computationId: auction.id },
        fromBlock: 0n,
      });
      return inputs.length > 0 ? true : undefined;
    });
    // The investors' bids: 0.90 .. 0.99, under the agent's 0.995.
    for (const [i, account] of accounts.entries())
      await submit(chain, auction, account, [900_000n + BigInt((i * 7_919) % 90_000)]);
    await closeInputs(chain);
    const result = await timed(() => readOutput(clients.public, chain.committee, auction.id));
    const fill = await timed(async () => {
      const status = await clients.public.readContract({ ...on, functionName: 'status' });
      return status === 0 ? true : undefined;
    });
    const done = nodes.logs.flat().find((l) => l.includes('mpc computation done'));
    if (
      result.value.kind !== ComputationKind.SealedBidAuction ||
      result.value.winner !== privateKeyToAccount(makerKey).address
    )
      throw new Error('the market maker did not win the sealed auction');
    return {
      name: 'basket-sealed',
      unit: 's',
      value: (result.ms + fill.ms) / 1000,
      result_s: result.ms / 1000,
      fill_ms: fill.ms,
      sealed_bid_ms: sealedBid.ms,
      node_compute_ms: done ? JSON.parse(done).elapsed_ms : undefined,
      params: {
        bids: bidders + 1,
        mode: 'malicious',
        nodes: 3,
        measured: 'input deadline -> result on chain -> lot bought by the market-maker agent (value = both)',
        mining: 'anvil automine',
        sweep_cron: '* * * * * * (every second: the nodes and the agent)',
      },
    };
  } finally {
    await maker?.stop();
    await nodes?.stop();
    await Promise.all([anvil.stop(), redis.stop()]);
  }
}

export default [
  { name: 'basket-rebalance', run: basketRebalance },
  { name: 'basket-sealed', run: basketSealed },
] satisfies Benchmark[];
