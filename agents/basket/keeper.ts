/**
 * Basket keeper: looks after the baskets of one factory on the runtime's node-cron sweep. Each
 * sweep reads every selected basket and enqueues what is due, with ids derived from chain state
 * (so many processes enqueue each piece of work once):
 * - `accrue`: the streaming fee, once `fees.interval_s` of chain time passed since the last accrual;
 * - `reconcile`: when a component's usable balance no longer covers what the supply requires
 *   (alerted as an error log and a metric); component freezes, seizures and transfers out of the
 *   basket are read from the components' logs (a cursor per basket in Redis) and alerted too;
 * - `start`: a rebalance to the configured targets, when this keeper is the basket's manager and
 *   the units are off target (price curves around the oracle's prices);
 * - `end`: a rebalance past its deadline (anyone may end it then);
 * - `bid`: as a market maker (`bid.enabled`), on auctions whose current price suits its policy,
 *   within its budgets;
 * - `sealed`: as a market maker, on auctions sealed to the MPC committee: submits one sealed bid
 *   (its best acceptable price, secret-shared to the committee) while the computation collects
 *   inputs, and buys the lot with `fillSealedBid` when the committee names it the winner.
 * Every task re-reads the chain before acting; reverts meaning "someone else did it" are successes.
 */
import { type Address, encodeAbiParameters, getAddress, keccak256, parseAbiItem, zeroAddress } from 'viem';
import { z } from 'zod';
import {
  basketAbi,
  basketFactoryAbi,
  mpcCommitteeAbi,
  oraclePriceFeedAbi,
  securityTokenAbi,
} from '../generated/abis.js';
import { prepareInput } from '../privacy/client.js';
import { ComputationKind, ComputationStatus, decodeOutput, encodeParams } from '../privacy/computations.js';
import {
  defineRole,
  FatalError,
  type Revert,
  type RevertClass,
  type RoleContext,
  schemas,
  UnrecoverableError,
  whileLocked,
} from '../runtime/index.js';
import {
  acceptable,
  atTarget,
  fairPrice,
  granularity,
  parseValue,
  priceCurve,
  quoteCost,
  sealedBid,
  sizeBid,
  type Valued,
} from './policy.js';
import { createReservations } from './reservations.js';

const { address } = schemas;
const baseUnits = z
  .string()
  .regex(/^\d+$/, 'expected an amount in base units such as "1000"')
  .transform((s) => BigInt(s));
const decimal = z.string().regex(/^\d+(\.\d{1,18})?$/, 'expected a decimal value such as "102.35"');

const target = z.strictObject({
  /** Index of the quote component (absorbs the proceeds; its own target is ignored). */
  quote: z.number().int().min(0),
  /** Target units, base units per natural unit, in component order. */
  units: z.array(baseUnits).min(1),
  /** Auction duration in seconds (the contract allows 1 hour .. 30 days). */
  duration_s: z
    .number()
    .int()
    .min(3_600)
    .max(30 * 86_400)
    .default(3_600),
  /** Curve: start this far from the fair price against bidders, end as far in their favour. */
  spread_bps: z.number().int().min(1).max(9_999).default(500),
  /** A unit within this much of its target counts as at target (no new rebalance). */
  tolerance_bps: z.number().int().min(0).max(10_000).default(10),
});

const settings = z.strictObject({
  /** Baskets to look after; empty: every basket of the factory. */
  baskets: z.array(address).default([]),
  fees: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Accrue once this many seconds (chain time) passed since the last accrual. */
      interval_s: z.number().int().min(1).default(86_400),
    })
    .prefault({}),
  /** Call `reconcile` when the collateralization invariant breaks (outside rebalances). */
  reconcile: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  rebalance: z
    .strictObject({
      /** End rebalances past their deadline. */
      enabled: z.boolean().default(true),
      /** Per basket: targets to rebalance to when this keeper is the manager. */
      targets: z.record(address, target).default({}),
    })
    .prefault({}),
  bid: z
    .strictObject({
      /** Bid on running auctions as a market maker (the key must be eligible for what it receives). */
      enabled: z.boolean().default(false),
      /** Trade only at least this much better than the fair price. */
      margin_bps: z.number().int().min(0).max(5_000).default(50),
      /** Most each token (by address) may be paid out over all bids, in base units; unlisted: the balance. */
      budgets: z.record(address, baseUnits).default({}),
    })
    .prefault({}),
  /**
   * Fair values per whole token by component address (decimal, in one unit), for price curves and
   * bids; components not listed are priced by the basket's price feed (the oracle's final NAVs).
   */
  prices: z.record(address, decimal).default({}),
});
export type BasketKeeperSettings = z.infer<typeof settings>;
type Ctx = RoleContext<BasketKeeperSettings>;

/**
 * The data of each task, by task name. A job's data is input like any other (anyone who can write
 * to the queue can forge one): it is parsed here, and the basket it names is checked against the
 * factory's registry and `baskets` before anything is read from it, let alone sent to it.
 */
const basketTask = z.strictObject({ basket: address });
const auctionTask = z.strictObject({ basket: address, index: z.number().int().min(0).max(255) });
const taskSchemas = {
  accrue: basketTask,
  reconcile: basketTask,
  start: basketTask,
  end: basketTask,
  bid: auctionTask,
  sealed: auctionTask,
} as const;
type TaskName = keyof typeof taskSchemas;

const registered = new Set<string>();
/**
 * Refuses a basket that is not one of `baskets` (when listed) or that the factory did not create
 * (`isBasket`, permanent once true, so remembered per factory).
 */
async function checkBasket(ctx: Ctx, basket: Address) {
  if (ctx.config.baskets.length > 0 && !ctx.config.baskets.includes(basket))
    throw new UnrecoverableError(`basket-keeper: ${basket} is not one of role.baskets`);
  const factory = ctx.contracts.basketFactory!;
  if (registered.has(`${factory}-${basket}`)) return;
  const known = await ctx.chain.client.readContract({
    address: factory,
    abi: basketFactoryAbi,
    functionName: 'isBasket',
    args: [basket],
  });
  if (!known)
    throw new UnrecoverableError(`basket-keeper: ${basket} is not a basket of the factory ${factory}`);
  registered.add(`${factory}-${basket}`);
}

/** The deployment's MPC committee (`contracts.mpcCommittee`): the only one whose results it acts on. */
const committeeOf = (ctx: Ctx): Address | undefined => {
  const configured = ctx.settings.contracts.mpcCommittee?.address;
  return configured ? getAddress(configured) : undefined;
};

/** `IBasket.Status`. */
export const BasketStatus = { Active: 0, Halted: 1, Rebalancing: 2 } as const;

/** Basket metrics, on the process's registry (served on `/metrics`). */
export function basketMetrics(ctx: RoleContext<unknown>) {
  return {
    alerts: ctx.metrics.counter({
      name: 'stoa_basket_alerts_total',
      help: 'Alerts by kind: undercollateralized, component_frozen, component_seized, wallet_frozen',
      labelNames: ['role', 'basket', 'kind'] as const,
    }),
    actions: ctx.metrics.counter({
      name: 'stoa_basket_actions_total',
      help: 'Basket transactions by action (accrue, reconcile, start, end, bid, sealed_bid, fill, approve) and result',
      labelNames: ['role', 'action', 'result'] as const,
    }),
    componentEvents: ctx.metrics.counter({
      name: 'stoa_basket_component_events_total',
      help: "Component events touching a basket's holdings, by event",
      labelNames: ['role', 'event'] as const,
    }),
  };
}

const componentEvents = [
  parseAbiItem('event TokensFrozen(address indexed wallet, uint256 amount)'),
  parseAbiItem('event AddressFrozen(address indexed wallet, bool indexed isFrozen, address indexed agent)'),
  parseAbiItem('event TransferForced(address indexed from, address indexed to, uint256 amount)'),
  parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)'),
];

type Meta = { tokens: Address[]; decimals: number[] };
const metas = new Map<string, Meta>();
/** A basket's component tokens and decimals (fixed at creation). */
async function metaOf(ctx: RoleContext<unknown>, basket: Address): Promise<Meta> {
  const cached = metas.get(basket);
  if (cached) return cached;
  const list = await ctx.chain.client.readContract({
    address: basket,
    abi: basketAbi,
    functionName: 'components',
  });
  const tokens = list.map((c) => c.token);
  const decimals = await Promise.all(
    tokens.map((t) =>
      ctx.chain.client.readContract({ address: t, abi: securityTokenAbi, functionName: 'decimals' }),
    ),
  );
  const meta = { tokens, decimals };
  metas.set(basket, meta);
  return meta;
}

/** A basket's state as the keeper decides on it. */
export async function readBasket(ctx: RoleContext<unknown>, basket: Address) {
  const client = ctx.chain.client;
  const on = { address: basket, abi: basketAbi } as const;
  const [status, supply, feeState, rebalance, collateral, units, manager, block, naturalUnit] =
    await Promise.all([
      client.readContract({ ...on, functionName: 'status' }),
      client.readContract({ ...on, functionName: 'totalSupply' }),
      client.readContract({ ...on, functionName: 'feeState' }),
      client.readContract({ ...on, functionName: 'rebalanceState' }),
      client.readContract({ ...on, functionName: 'collateral' }),
      client.readContract({ ...on, functionName: 'units' }),
      client.readContract({ ...on, functionName: 'manager' }),
      client.getBlock({ blockTag: 'latest' }),
      client.readContract({ ...on, functionName: 'naturalUnit' }),
    ]);
  return {
    status,
    supply,
    fee: { recipient: feeState[0], rate: feeState[1], lastAccrual: feeState[2] },
    rebalance: {
      quoteIndex: rebalance[0],
      startTime: rebalance[1],
      deadline: rebalance[2],
      pending: rebalance[3],
    },
    usable: collateral[0],
    required: collateral[1],
    units,
    naturalUnit,
    manager,
    now: block.timestamp,
  };
}
type BasketState = Awaited<ReturnType<typeof readBasket>>;

const own = (ctx: RoleContext<unknown>): Address => {
  if (!ctx.account) throw new FatalError(`role ${ctx.role} needs a sender key`);
  return ctx.account;
};

function count(ctx: Ctx, action: string, result: { status: string }) {
  basketMetrics(ctx).actions.inc({ role: ctx.role, action, result: result.status });
}

/** Reverts that mean another keeper (or bidder) already did the work, or made it moot. */
const raced =
  (names: readonly string[], retry: readonly string[] = []) =>
  (revert: Revert): RevertClass =>
    revert.error_name && names.includes(revert.error_name)
      ? 'already_done'
      : revert.error_name && retry.includes(revert.error_name)
        ? 'retry'
        : 'fatal';

/** The baskets this keeper looks after. */
async function selected(ctx: Ctx): Promise<Address[]> {
  if (ctx.config.baskets.length > 0) return ctx.config.baskets;
  const all = await ctx.chain.client.readContract({
    address: ctx.contracts.basketFactory!,
    abi: basketFactoryAbi,
    functionName: 'baskets',
  });
  return [...all];
}

const underwater = (state: BasketState) => state.usable.some((u, i) => u < state.required[i]!);
const hashOf = (values: readonly bigint[]) =>
  keccak256(encodeAbiParameters([{ type: 'uint256[]' }], [[...values]])).slice(0, 18);

/** Reads the components' events about `basket`'s holdings since the last sweep and alerts on them. */
async function scanComponents(ctx: Ctx, basket: Address) {
  const { tokens } = await metaOf(ctx, basket);
  const key = `${ctx.key}:${ctx.role}:${basket}:components`;
  const safe = await ctx.safeBlock();
  const stored = await ctx.redis.get(key);
  const fromBlock = stored
    ? BigInt(stored) + 1n
    : BigInt(ctx.settings.contracts.basketFactory?.start_block ?? 0);
  if (fromBlock > safe) return;
  const read = { address: tokens, abi: componentEvents, fromBlock, toBlock: safe } as const;
  const found = await Promise.all([
    ctx.events({ ...read, eventName: 'TokensFrozen', args: { wallet: basket } }),
    ctx.events({ ...read, eventName: 'AddressFrozen', args: { wallet: basket } }),
    ctx.events({ ...read, eventName: 'TransferForced', args: { from: basket } }),
    ctx.events({ ...read, eventName: 'Transfer', args: { from: basket } }),
  ]);
  const logs = found.flat().sort((a, b) => Number(a.blockNumber - b.blockNumber) || a.logIndex - b.logIndex);
  for (const log of logs) {
    const args = log.args as Record<string, unknown>;
    basketMetrics(ctx).componentEvents.inc({ role: ctx.role, event: log.eventName });
    const fields = {
      basket,
      component: log.address,
      event: log.eventName,
      block_number: Number(log.blockNumber),
      tx_hash: log.transactionHash,
    };
    if (log.eventName === 'Transfer') {
      ctx.logger.debug({ ...fields, to: args.to, amount: String(args.value) }, 'component left the basket');
      continue;
    }
    if (log.eventName === 'AddressFrozen' && args.isFrozen === false) {
      ctx.logger.info(fields, "component agent unfroze the basket's wallet");
      continue;
    }
    const kind =
      log.eventName === 'TokensFrozen'
        ? 'component_frozen'
        : log.eventName === 'TransferForced'
          ? 'component_seized'
          : 'wallet_frozen';
    basketMetrics(ctx).alerts.inc({ role: ctx.role, basket, kind });
    ctx.logger.warn(
      { ...fields, kind, amount: args.amount === undefined ? undefined : String(args.amount) },
      "component agent acted on the basket's holdings; collateral is checked next",
    );
  }
  await ctx.redis.set(key, safe.toString());
}

/** One sweep over one basket: reads its state and enqueues what is due. */
async function visit(ctx: Ctx, basket: Address) {
  const config = ctx.config;
  if (config.reconcile.enabled) await scanComponents(ctx, basket);
  const state = await readBasket(ctx, basket);
  if (state.status === BasketStatus.Rebalancing) {
    const { startTime, deadline } = state.rebalance;
    if (config.rebalance.enabled && state.now > deadline) {
      await ctx.enqueue({ name: 'end', id: `${basket}-${startTime}`, data: { basket } });
      return;
    }
    if (config.bid.enabled) await offerBids(ctx, basket, state);
    return;
  }
  if (config.reconcile.enabled && underwater(state)) {
    const id = `${basket}-${hashOf([...state.usable, ...state.required])}`;
    basketMetrics(ctx).alerts.inc({ role: ctx.role, basket, kind: 'undercollateralized' });
    ctx.logger.error(
      {
        basket,
        usable: state.usable.map(String),
        required: state.required.map(String),
      },
      'collateralization broken (units x supply > usable balances): reconciling',
    );
    await ctx.enqueue({ name: 'reconcile', id, data: { basket } });
  }
  const { rate, lastAccrual } = state.fee;
  if (
    config.fees.enabled &&
    rate > 0n &&
    state.supply > 0n &&
    state.now - lastAccrual >= BigInt(config.fees.interval_s)
  ) {
    await ctx.enqueue({ name: 'accrue', id: `${basket}-${lastAccrual}`, data: { basket } });
  }
  const goal = config.rebalance.targets[basket];
  if (
    config.rebalance.enabled &&
    goal &&
    state.status === BasketStatus.Active &&
    state.manager === ctx.account
  ) {
    // A unit within one component base unit (spread over the supply) of its target is as close as
    // whole base units get: no new rebalance for it.
    const slack = granularity(state.naturalUnit, state.supply);
    const off = goal.units.some(
      (unit, i) => i !== goal.quote && !atTarget(state.units[i] ?? 0n, unit, goal.tolerance_bps, slack),
    );
    if (off)
      await ctx.enqueue({ name: 'start', id: `${basket}-${state.rebalance.startTime}`, data: { basket } });
  }
}

// ------------------------------------------------------------------------------------ Prices

/** The fair value of each component per whole token: configured, else the basket's price feed. */
async function valuesOf(ctx: Ctx, basket: Address): Promise<Valued[]> {
  const { tokens, decimals } = await metaOf(ctx, basket);
  const configured = (token: Address) => ctx.config.prices[token];
  let feed: Address | undefined;
  return Promise.all(
    tokens.map(async (token, i) => {
      const text = configured(token);
      if (text) return { value: parseValue(text), decimals: decimals[i]! };
      feed ??= await ctx.chain.client.readContract({
        address: basket,
        abi: basketAbi,
        functionName: 'priceFeed',
      });
      const [value] = await ctx.chain.client.readContract({
        address: feed,
        abi: oraclePriceFeedAbi,
        functionName: 'price',
        args: [token],
      });
      return { value: value < 0n ? 0n : value, decimals: decimals[i]! };
    }),
  );
}

// ------------------------------------------------------------------------------------ Tasks

async function accrue(ctx: Ctx, basket: Address) {
  const state = await readBasket(ctx, basket);
  if (state.status === BasketStatus.Rebalancing) return;
  const result = await ctx.send({
    id: `accrue-${basket}-${state.fee.lastAccrual}`,
    address: basket,
    abi: basketAbi,
    functionName: 'accrueFee',
    args: [],
    classifyRevert: raced(['RebalanceActive']),
  });
  count(ctx, 'accrue', result);
  const after = await readBasket(ctx, basket);
  ctx.logger.info(
    { basket, result: result.status, supply_before: String(state.supply), supply: String(after.supply) },
    'fee accrued',
  );
}

async function reconcile(ctx: Ctx, basket: Address) {
  const state = await readBasket(ctx, basket);
  if (state.status === BasketStatus.Rebalancing || !underwater(state)) return;
  const result = await ctx.send({
    id: `reconcile-${basket}-${hashOf([...state.usable, ...state.required])}`,
    address: basket,
    abi: basketAbi,
    functionName: 'reconcile',
    args: [],
    classifyRevert: raced(['RebalanceActive']),
  });
  count(ctx, 'reconcile', result);
  const after = await readBasket(ctx, basket);
  ctx.logger.warn(
    { basket, result: result.status, units_before: state.units.map(String), units: after.units.map(String) },
    'basket reconciled: units cut to the usable balances, issuance halted',
  );
}

async function start(ctx: Ctx, basket: Address) {
  const goal = ctx.config.rebalance.targets[basket];
  if (!goal) return;
  const state = await readBasket(ctx, basket);
  if (state.status !== BasketStatus.Active || state.manager !== own(ctx)) return;
  if (goal.units.length !== state.units.length)
    throw new FatalError(
      `basket ${basket}: ${goal.units.length} target units for ${state.units.length} components`,
    );
  const values = await valuesOf(ctx, basket);
  const quote = values[goal.quote];
  if (!quote) throw new FatalError(`basket ${basket}: no component ${goal.quote} to quote in`);
  const targets = goal.units.map((unit, i) => {
    if (i === goal.quote) return { unit, startPrice: 1n, endPrice: 1n };
    const fair = fairPrice(values[i]!, quote);
    return { unit, ...priceCurve(fair > 0n ? fair : 1n, unit < (state.units[i] ?? 0n), goal.spread_bps) };
  });
  const result = await ctx.send({
    id: `start-${basket}-${state.rebalance.startTime}`,
    address: basket,
    abi: basketAbi,
    functionName: 'startRebalance',
    args: [BigInt(goal.quote), targets, BigInt(goal.duration_s)],
    classifyRevert: raced(['RebalanceActive']),
  });
  count(ctx, 'start', result);
  ctx.logger.info(
    {
      basket,
      result: result.status,
      units: state.units.map(String),
      targets: goal.units.map(String),
      quote_index: goal.quote,
      duration_s: goal.duration_s,
    },
    'rebalance started',
  );
}

async function end(ctx: Ctx, basket: Address) {
  const state = await readBasket(ctx, basket);
  if (state.status !== BasketStatus.Rebalancing) return;
  const result = await ctx.send({
    id: `end-${basket}-${state.rebalance.startTime}`,
    address: basket,
    abi: basketAbi,
    functionName: 'endRebalance',
    args: [],
    classifyRevert: raced(['NoRebalance'], ['RebalanceNotExpired']),
  });
  count(ctx, 'end', result);
  ctx.logger.info({ basket, result: result.status }, 'rebalance ended after its deadline');
}

// ------------------------------------------------------------------------------------ Bids

type BidTask = { basket: Address; index: number };

/**
 * An auction as the market maker sees it, its seal included (committee zero: Dutch). Only a
 * running sell auction can be sealed, so only then is the seal read.
 */
async function readAuction(ctx: Ctx, basket: Address, index: number) {
  const on = { address: basket, abi: basketAbi, args: [BigInt(index)] } as const;
  const [, sell, running, price, remaining] = await ctx.chain.client.readContract({
    ...on,
    functionName: 'auction',
  });
  const [committee, computationId, priceExponent, lot, reserve] =
    running && sell
      ? await ctx.chain.client.readContract({ ...on, functionName: 'sealedAuction' })
      : [zeroAddress, 0n, 0n, 0n, 0n];
  return { sell, running, price, remaining, seal: { committee, computationId, priceExponent, lot, reserve } };
}
const isSealed = (auction: { seal: { committee: Address } }) => auction.seal.committee !== zeroAddress;

/**
 * Enqueues a bid on every running Dutch auction whose price suits the policy now, and a sealed-bid
 * task on every sealed auction (once per computation phase: collecting inputs, result posted).
 */
async function offerBids(ctx: Ctx, basket: Address, state: BasketState) {
  const values = await valuesOf(ctx, basket);
  const quote = values[Number(state.rebalance.quoteIndex)]!;
  const auctions = await Promise.all(values.map((_, index) => readAuction(ctx, basket, index)));
  for (const [index, auction] of auctions.entries()) {
    const { sell, running, price, remaining } = auction;
    if (!running || remaining === 0n) continue;
    if (isSealed(auction)) {
      if (auction.seal.committee !== committeeOf(ctx)) {
        ctx.logger.warn(
          {
            basket,
            index,
            committee: auction.seal.committee,
            deployment_committee: committeeOf(ctx) ?? null,
          },
          "sealed auction of another committee than the deployment's: not bidding",
        );
        continue;
      }
      const [status] = await ctx.chain.client.readContract({
        address: auction.seal.committee,
        abi: mpcCommitteeAbi,
        functionName: 'result',
        args: [auction.seal.computationId],
      });
      if (status !== ComputationStatus.Collecting && status !== ComputationStatus.Finalized) continue;
      await ctx.enqueue({
        name: 'sealed',
        id: `${basket}-${auction.seal.committee}-${auction.seal.computationId}-${status}`,
        data: { basket, index } satisfies BidTask,
      });
      continue;
    }
    if (!acceptable(price, fairPrice(values[index]!, quote), sell, ctx.config.bid.margin_bps)) continue;
    await ctx.enqueue({
      name: 'bid',
      id: `${basket}-${state.rebalance.startTime}-${index}-${remaining}`,
      data: { basket, index } satisfies BidTask,
    });
  }
}

/**
 * What this market maker may pay in `token` now: its balance, within what is left of its budget,
 * minus what its sealed bids still hold back (but `except`'s, the bid being placed again).
 */
async function funds(ctx: Ctx, token: Address, now: bigint, except?: string): Promise<bigint> {
  const free = await withinBudget(ctx, token);
  const held = await reservations(ctx, token).held(now, except);
  return free > held ? free - held : 0n;
}

/** Its balance of `token`, capped by the budget left. */
async function withinBudget(ctx: Ctx, token: Address): Promise<bigint> {
  const balance = await ctx.chain.client.readContract({
    address: token,
    abi: securityTokenAbi,
    functionName: 'balanceOf',
    args: [own(ctx)],
  });
  const budget = ctx.config.bid.budgets[token];
  if (budget === undefined) return balance;
  const paid = await ctx.redis.hvals(`${ctx.key}:${ctx.role}:spent:${token}`);
  const spent = paid.reduce((sum, amount) => sum + BigInt(amount), 0n);
  const left = budget > spent ? budget - spent : 0n;
  return left < balance ? left : balance;
}

const reservations = (ctx: Ctx, token: Address) =>
  createReservations(ctx.redis, `${ctx.key}:${ctx.role}:reserved:${token}`);

/** Records what a mined bid paid out of `token` (one field per action: a retried job counts once). */
async function spend(ctx: Ctx, actionId: string, token: Address, amount: bigint) {
  await ctx.redis.hset(`${ctx.key}:${ctx.role}:spent:${token}`, actionId, amount.toString());
}

/**
 * Runs `work` (read the funds, size, approve, send, record what was paid) holding this key's
 * spending lock, renewed while the send waits: no two bids of one market maker read the same
 * funds, and an exact approval is used by the bid it was made for.
 */
const spending = <T>(ctx: Ctx, work: () => Promise<T>) =>
  whileLocked(
    ctx.redis,
    `${ctx.key}:${ctx.role}:spending:${own(ctx)}`,
    { ttlMs: 10_000, waitMs: 120_000 },
    work,
  );

/** Approves exactly `needed` (never more) for the action `actionId`, unless the allowance covers it. */
async function ensureAllowance(ctx: Ctx, token: Address, spender: Address, needed: bigint, actionId: string) {
  const allowance = await ctx.chain.client.readContract({
    address: token,
    abi: securityTokenAbi,
    functionName: 'allowance',
    args: [own(ctx), spender],
  });
  if (allowance >= needed) return;
  const result = await ctx.send({
    id: `approve-${actionId}`,
    address: token,
    abi: securityTokenAbi,
    functionName: 'approve',
    args: [spender, needed],
  });
  count(ctx, 'approve', result);
}

async function bid(ctx: Ctx, { basket, index }: BidTask) {
  const state = await readBasket(ctx, basket);
  if (state.status !== BasketStatus.Rebalancing || state.now > state.rebalance.deadline) return;
  const auction = await readAuction(ctx, basket, index);
  const { sell, running, price, remaining } = auction;
  if (!running || remaining === 0n || isSealed(auction)) return;
  const values = await valuesOf(ctx, basket);
  const quoteIndex = Number(state.rebalance.quoteIndex);
  const fair = fairPrice(values[index]!, values[quoteIndex]!);
  const log = ctx.logger.child({ basket, index, sell, price: price.toString(), fair: fair.toString() });
  if (!acceptable(price, fair, sell, ctx.config.bid.margin_bps)) {
    log.debug('price not acceptable yet');
    return;
  }
  const { tokens } = await metaOf(ctx, basket);
  const component = tokens[index]!;
  const quote = tokens[quoteIndex]!;
  const paid = sell ? quote : component;
  await spending(ctx, async () => {
    // Read again under the lock: an earlier bid of this key may have taken part of the lot.
    const { remaining } = await readAuction(ctx, basket, index);
    if (remaining === 0n) return;
    const available = await funds(ctx, paid, state.now);
    const { amount, limit } = sizeBid({
      sell,
      price,
      remaining,
      quoteFunds: sell ? available : 0n,
      componentFunds: sell ? 0n : available,
    });
    if (amount === 0n) {
      log.warn({ token: paid, available: available.toString() }, 'no funds or budget left to bid');
      return;
    }
    const id = `bid-${basket}-${state.rebalance.startTime}-${index}-${remaining}`;
    await ensureAllowance(ctx, paid, basket, sell ? limit : amount, id);
    const result = await ctx.send({
      id,
      address: basket,
      abi: basketAbi,
      functionName: 'bid',
      args: [BigInt(index), amount, limit],
      classifyRevert: raced(['BidTooLarge', 'NoAuction', 'NoRebalance', 'AuctionExpired', 'SealedAuction']),
    });
    count(ctx, 'bid', result);
    if (result.status === 'mined') await spend(ctx, id, paid, sell ? limit : amount);
    log.info(
      {
        result: result.status,
        amount: amount.toString(),
        quote_limit: limit.toString(),
        remaining: remaining.toString(),
      },
      sell ? 'bought from the basket' : 'sold to the basket',
    );
  });
}

/**
 * A sealed auction (the basket sells its lot to the best bid the MPC committee finds): while the
 * computation collects inputs, submits this market maker's bid, secret-shared so that no node sees
 * it: the best price its policy accepts (fair minus the margin), lowered to what its funds pay for
 * the whole remaining lot, in the seal's scale (`price = bid x 10^priceExponent`); no bid when that
 * is below the auction's reserve (it could not be filled). Once the result is posted and names
 * this key, buys the lot.
 */
async function sealed(ctx: Ctx, { basket, index }: BidTask) {
  const state = await readBasket(ctx, basket);
  if (state.status !== BasketStatus.Rebalancing || state.now > state.rebalance.deadline) return;
  const auction = await readAuction(ctx, basket, index);
  if (!auction.running || auction.remaining === 0n || !auction.sell || !isSealed(auction)) return;
  const { committee, computationId, priceExponent, lot, reserve } = auction.seal;
  const log = ctx.logger.child({ basket, index, committee, computation: computationId.toString() });
  if (committee !== committeeOf(ctx))
    throw new UnrecoverableError(
      `basket-keeper: ${basket} auction ${index} is sealed to ${committee}, not the deployment's committee (contracts.mpcCommittee: ${committeeOf(ctx) ?? 'unset'})`,
    );
  const on = { address: committee, abi: mpcCommitteeAbi } as const;
  // One read gives the phase (finalized, or collecting until the input deadline) and the output.
  const computation = await ctx.chain.client.readContract({
    ...on,
    functionName: 'computation',
    args: [computationId],
  });
  const { tokens } = await metaOf(ctx, basket);
  const quoteToken = tokens[Number(state.rebalance.quoteIndex)]!;
  // What winning would cost stays held back from the other bids while this bid may win.
  const reserved = reservations(ctx, quoteToken);
  const reservation = `${committee}-${computationId}`;

  if (computation.finalized) {
    const result = decodeOutput(computation.kind, computation.output);
    if (result.kind !== ComputationKind.SealedBidAuction || result.winner !== own(ctx)) {
      await reserved.release(reservation);
      return;
    }
    const price = result.price * 10n ** priceExponent;
    const cost = quoteCost(auction.remaining, price);
    await spending(ctx, async () => {
      // Never pay more than this key bid (what a win costs at its bid was held back when it bid)
      // nor more than its funds and budget: a result is checked, not obeyed.
      const bidCost = await reserved.cost(reservation);
      const available = await funds(ctx, quoteToken, state.now, reservation);
      if (bidCost === undefined || cost > bidCost || cost > available) {
        basketMetrics(ctx).alerts.inc({ role: ctx.role, basket, kind: 'fill_refused' });
        log.error(
          { cost: cost.toString(), bid_cost: bidCost?.toString() ?? null, available: available.toString() },
          'refusing to fill: the reported winning price costs more than this key bid, or than its funds',
        );
        return;
      }
      const id = `fill-${basket}-${committee}-${computationId}`;
      await ensureAllowance(ctx, quoteToken, basket, cost, id);
      const sent = await ctx.send({
        id,
        address: basket,
        abi: basketAbi,
        functionName: 'fillSealedBid',
        args: [BigInt(index)],
        classifyRevert: raced(['NoAuction', 'NoRebalance', 'AuctionExpired', 'NotSealed', 'BelowReserve']),
      });
      count(ctx, 'fill', sent);
      if (sent.status === 'mined') await spend(ctx, id, quoteToken, cost);
      await reserved.release(reservation);
      log.info(
        { result: sent.status, amount: auction.remaining.toString() },
        'won the sealed auction: bought the lot',
      );
    });
    return;
  }
  if (state.now >= computation.inputDeadline) return;

  const values = await valuesOf(ctx, basket);
  const fair = fairPrice(values[index]!, values[Number(state.rebalance.quoteIndex)]!);
  await spending(ctx, async () => {
    const available = await funds(ctx, quoteToken, state.now, reservation);
    const decision = sealedBid({
      fair,
      marginBps: ctx.config.bid.margin_bps,
      remaining: auction.remaining,
      funds: available,
      priceExponent,
      reserve,
    });
    if ('skip' in decision) {
      log.info(
        { reason: decision.skip, price_exponent: Number(priceExponent), funds: available.toString() },
        'no sealed bid: the best acceptable price is below the reserve, or does not fit the scale',
      );
      return;
    }
    const { bid } = decision;
    const params = encodeParams({ kind: ComputationKind.SealedBidAuction, basket, lot });
    const args = await prepareInput({
      client: ctx.chain.client,
      committee,
      computationId,
      submitter: own(ctx),
      values: [bid],
      params,
    });
    // Held before the bid goes out, so that no other bid spends what a win would cost.
    const cost = quoteCost(auction.remaining, bid * 10n ** priceExponent);
    await reserved.hold(reservation, cost, state.rebalance.deadline);
    const sent = await ctx.send({
      id: `sealed-bid-${committee}-${computationId}`,
      ...on,
      functionName: 'submitInput',
      args,
      classifyRevert: raced(['MpcCommitteeInputsClosed']),
    });
    count(ctx, 'sealed_bid', sent);
    if (sent.status !== 'mined') await reserved.release(reservation); // inputs closed first: no bid
    // The bid itself stays out of the logs: only the committee, secret-shared, ever holds it.
    log.info({ result: sent.status, commitment: args[1] }, 'sealed bid submitted to the MPC committee');
  });
}

export const basketKeeper = defineRole({
  name: 'basket-keeper',
  description:
    'baskets: accrues fees, reconciles impaired baskets, starts and ends rebalances, bids as a market maker',
  config: settings,
  abi: basketFactoryAbi,
  events: ['BasketCreated'],
  contracts: ['basketFactory'],
  sender: true,
  handle: async (event, ctx) => {
    if (event.eventName !== 'BasketCreated') return;
    ctx.logger.info(
      { basket: event.args.basket, symbol: event.args.symbol, manager: event.args.manager },
      'basket created; components must register it as a system holder',
    );
  },
  tasks: taskSchemas,
  task: async (task, ctx) => {
    // The runtime parsed the data with taskSchemas: an unknown name or bad data never gets here.
    const name = task.name as TaskName;
    const data = task.data as { basket: Address };
    try {
      await checkBasket(ctx, data.basket);
    } catch (error) {
      basketMetrics(ctx).alerts.inc({ role: ctx.role, basket: data.basket, kind: 'refused_task' });
      throw error;
    }
    switch (name) {
      case 'accrue':
        return accrue(ctx, data.basket);
      case 'reconcile':
        return reconcile(ctx, data.basket);
      case 'start':
        return start(ctx, data.basket);
      case 'end':
        return end(ctx, data.basket);
      case 'bid':
        return bid(ctx, data as BidTask);
      case 'sealed':
        return sealed(ctx, data as BidTask);
    }
  },
  sweep: async (ctx) => {
    for (const basket of await selected(ctx)) {
      try {
        await visit(ctx, basket);
      } catch (error) {
        ctx.logger.warn(
          { basket, err_message: (error as Error).message?.split('\n')[0] },
          'basket check failed',
        );
      }
    }
  },
});
