/**
 * `basket-rebalance`: from a rebalance's start mined to the rebalance settled (the last auction
 * filled by a market-maker agent), in ms, p50/p99 over ROUNDS rebalances. Real anvil (automine),
 * real Redis, one `basket-keeper` process bidding (sweep every second, the role's schedule). The
 * bench is the basket's manager: each round moves SRLT from 10 to 14 per basket token (the basket
 * buys 20) or back (it sells 20) against SBND, with curves already past the maker's margin, so
 * the figure is the agent's own time: the cron tick, reading the basket and the auctions, the
 * queue, the approval (first rounds), simulation, sending and mining of the bid.
 */
import { basketAbi } from '../agents/generated/abis.js';
import { startAnvil, startRedis } from '../agents/stack/services.js';
import {
  deployBasketStack,
  makerKey,
  PRICES,
  priceSettings,
  startKeeper,
  WHOLE,
} from '../test/basket/helpers.js';
import { chainClients } from '../test/runtime/helpers.js';
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
  const maker = await startKeeper({
    key: makerKey,
    rpcUrl: anvil.url,
    redisUrl: redis.url,
    stack,
    prefix: 'bench-maker',
    settings: {
      baskets: [stack.basket],
      prices: priceSettings(stack),
      fees: { enabled: false },
      reconcile: { enabled: false },
      rebalance: { enabled: false },
      bid: { enabled: true, margin_bps: 50 },
    },
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

export default [{ name: 'basket-rebalance', run: basketRebalance }] satisfies Benchmark[];
