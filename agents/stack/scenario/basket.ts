/**
 * Baskets after {Set}, step by step: the demo basket (10 STOA + 40 SBND + 10 SRLT per token,
 * deployed by `script/Deploy.s.sol`, managed by the governance executor) priced from the oracle's
 * final NAVs, issued by Alice, rebalanced through a Basket-topic proposal whose Dutch auction the
 * market-maker agent fills, its fee accrued by the keeper agent, and redeemed. Runs after the token,
 * governance and oracle scenarios (Alice's new wallet, Carol and Dave hold shares; the oracle has
 * finalized the share's NAV and the feed serves it). Every step checks the chain and throws when
 * the platform misbehaves.
 */
import {
  type Address,
  encodeFunctionData,
  formatUnits,
  getAddress,
  keccak256,
  parseUnits,
  stringToBytes,
  toBytes,
} from 'viem';
import { BasketStatus } from '../../basket/keeper.js';
import { fairPrice, perWholeToken, priceCurve, WAD } from '../../basket/policy.js';
import {
  basketAbi,
  governanceAbi,
  identityRegistryAbi,
  oracleAbi,
  oraclePriceFeedAbi,
  securityTokenAbi,
} from '../../generated/abis.js';
import { CATEGORY, COUNTRY, investorKey, signAttestation } from '../../token/kyc.js';
import { operatorConfig, startAgentProcesses } from '../agents.js';
import {
  devKey,
  type LayerAgents,
  type Person,
  type ScenarioContext,
  type ScenarioStep,
  type StackInfo,
} from './context.js';
import { neuronOf } from './governance.js';
import { check, send } from './tx.js';

/** Final NAVs the oracle gives the two other components (the share's comes from the oracle scenario). */
const NAVS = { SBND: '100.00', SRLT: '250.00' } as const;
const ISSUED = 2n * 10n ** 18n;
const REDEEMED = 10n ** 18n;
/** The rebalance: SRLT 10 -> 14 per basket token, paid in SBND (the quote); the share stays. */
const SRLT_TARGET = 14n;
/** A target this far below a unit keeps it: room for the fee accruing until the start (2% a year). */
const KEEP_BPS = 1n;
const QUOTE = 1;
const DURATION_S = 3_600;
const SPREAD_BPS = 500;
const MARGIN_BPS = 50;
/** `IGovernance.Topic.Basket`. */
const BASKET_TOPIC = 3;
const SUMMARY = 'Rebalance the Stoa Basket: SRLT 10 -> 14 per token, against SBND';
const MAKER: Person = 'marketMaker';
const ISSUER: Person = 'aliceNewWallet';

const basket = (ctx: ScenarioContext) => ({ abi: basketAbi, address: ctx.deployment.basket! });
const governance = (ctx: ScenarioContext) => ({ abi: governanceAbi, address: ctx.deployment.governance! });
const oracle = (ctx: ScenarioContext) => ({ abi: oracleAbi, address: ctx.deployment.oracle! });
const feed = (ctx: ScenarioContext) => ({
  abi: oraclePriceFeedAbi,
  address: ctx.deployment.oraclePriceFeed!,
});
export const tokenAt = (address: Address) => ({ abi: securityTokenAbi, address });

/** The keeper (fees, reconcile, expired auctions) and a market maker bidding on auctions. */
export async function startBasketAgents(stack: StackInfo): Promise<LayerAgents> {
  const contracts = { basketFactory: stack.deployment.basketFactory! };
  const services = await startAgentProcesses(stack, [
    {
      name: 'basket-keeper',
      role: 'basket-keeper',
      contracts,
      privateKey: devKey('basketKeeper'),
      config: operatorConfig(stack.redisUrl, 'basket-keeper'),
      settings: { baskets: [stack.deployment.basket!], fees: { interval_s: 86_400 } },
    },
    {
      name: 'market-maker',
      role: 'basket-keeper',
      // Sealed auctions are bid on only when sealed to the deployment's committee.
      contracts: stack.deployment.mpcCommittee
        ? { ...contracts, mpcCommittee: stack.deployment.mpcCommittee }
        : contracts,
      privateKey: devKey(MAKER),
      config: operatorConfig(stack.redisUrl, 'market-maker'),
      settings: {
        baskets: [stack.deployment.basket!],
        fees: { enabled: false },
        reconcile: { enabled: false },
        rebalance: { enabled: false },
        bid: { enabled: true, margin_bps: MARGIN_BPS },
      },
    },
  ]);
  return { services, summary: 'basket-keeper, market-maker (basket-keeper role bidding on auctions)' };
}

/** The basket's components (share, bond, realty). */
async function components(ctx: ScenarioContext): Promise<Address[]> {
  const list = await ctx.client.readContract({ ...basket(ctx), functionName: 'components' });
  return list.map((c) => getAddress(c.token));
}

const balanceOf = (ctx: ScenarioContext, token: Address, holder: Address) =>
  ctx.client.readContract({ ...tokenAt(token), functionName: 'balanceOf', args: [holder] });
const units = (ctx: ScenarioContext) => ctx.client.readContract({ ...basket(ctx), functionName: 'units' });
const status = (ctx: ScenarioContext) => ctx.client.readContract({ ...basket(ctx), functionName: 'status' });
const naturalUnit = (ctx: ScenarioContext) =>
  ctx.client.readContract({ ...basket(ctx), functionName: 'naturalUnit' });
const SYMBOLS = ['STOA', 'SBND', 'SRLT'];
/** Amounts of the (0-decimal) components: whole shares. */
const show = (amounts: readonly bigint[]) => amounts.map((a, i) => `${a} ${SYMBOLS[i]}`).join(' + ');
/** Shares per whole basket token, to 6 decimals (rounded down), from units per natural unit. */
const showUnits = (units: readonly bigint[], natural: bigint) =>
  units
    .map((unit, i) => `${formatUnits(perWholeToken(unit, natural) / 10n ** 12n, 6)} ${SYMBOLS[i]}`)
    .join(' + ');

/** The provider attests `who` (a new identity `reference`), who submits the attestation. */
async function onboard(ctx: ScenarioContext, who: Person, reference: string) {
  const issuedAt = Number((await ctx.client.getBlock()).timestamp) - 60;
  const attestation = {
    identity: investorKey(reference),
    wallet: ctx.accounts[who].address,
    country: COUNTRY.CH,
    category: CATEGORY.institutional,
    amlFlagged: false,
    issuedAt,
    expiresAt: issuedAt + 2 * 365 * 86_400,
  };
  const registry = { abi: identityRegistryAbi, address: ctx.deployment.identityRegistry! };
  const signature = await signAttestation({
    provider: ctx.accounts.kycProvider,
    registry: registry.address,
    chainId: ctx.chain.id,
    attestation,
  });
  await send(ctx, who, { ...registry, functionName: 'attest', args: [attestation, signature] });
}

/** Price curves per component for a rebalance to `targets` from `current` units (the quote's ignored). */
export async function rebalanceTargets(ctx: ScenarioContext, current: readonly bigint[], targets: bigint[]) {
  const tokens = await components(ctx);
  const values = await Promise.all(
    tokens.map(async (token) => {
      const [value] = await ctx.client.readContract({ ...feed(ctx), functionName: 'price', args: [token] });
      return { value, decimals: 0 };
    }),
  );
  return targets.map((unit, i) => {
    if (i === QUOTE) return { unit, startPrice: 1n, endPrice: 1n };
    const fair = fairPrice(values[i]!, values[QUOTE]!);
    return { unit, ...priceCurve(fair, unit < current[i]!, SPREAD_BPS) };
  });
}

/**
 * Targets that move component `moved` to `target` and keep every other unit: a basis point below
 * it leaves nothing to sell (the fee fold at the start takes less), so no auction opens for them.
 */
export const movingOne = (current: readonly bigint[], moved: number, target: bigint) =>
  current.map((unit, i) => (i === moved ? target : unit - (unit * KEEP_BPS + 9_999n) / 10_000n));

/**
 * A Basket-topic proposal of `actions` on the basket (its manager is the governance executor):
 * Alice proposes, Carol's yes decides, Dave settles and executes after the timelock. Returns its id.
 */
export async function executeBasketProposal(
  ctx: ScenarioContext,
  actions: { target: Address; value: bigint; data: `0x${string}` }[],
  summary: string,
  uri: string,
): Promise<bigint> {
  await send(ctx, ISSUER, {
    ...governance(ctx),
    functionName: 'propose',
    args: [await neuronOf(ctx, ISSUER), actions, uri, keccak256(toBytes(summary))],
  });
  const id = await ctx.client.readContract({ ...governance(ctx), functionName: 'proposalCount' });
  const { topic } = await ctx.client.readContract({
    ...governance(ctx),
    functionName: 'proposal',
    args: [id],
  });
  check('topic derived from the actions', topic, BASKET_TOPIC);
  await send(ctx, 'carol', {
    ...governance(ctx),
    functionName: 'vote',
    args: [id, await neuronOf(ctx, 'carol'), true],
  });
  const decision = await ctx.client.readContract({
    ...governance(ctx),
    functionName: 'decision',
    args: [id],
  });
  check('decision', decision, 1);
  await send(ctx, 'dave', { ...governance(ctx), functionName: 'settle', args: [id] });
  const { executionDelay } = await ctx.client.readContract({
    ...governance(ctx),
    functionName: 'params',
  });
  await ctx.travel(executionDelay + 1);
  await send(ctx, 'dave', { ...governance(ctx), functionName: 'execute', args: [id, actions] });
  return id;
}

export const basketSteps: ScenarioStep[] = [
  {
    title: `Oracle NAVs for the basket's other components: SBND ${NAVS.SBND}, SRLT ${NAVS.SRLT} (finalized by the keeper)`,
    async run(ctx) {
      const [, bond, realty] = await components(ctx);
      const reference = (text: string) => ({ uri: text, hash: keccak256(stringToBytes(text)) });
      const now = Number((await ctx.client.getBlock()).timestamp);
      const ids: bigint[] = [];
      for (const [symbol, subject] of [
        ['SBND', bond!],
        ['SRLT', realty!],
      ] as const) {
        await send(ctx, 'deployer', {
          ...oracle(ctx),
          functionName: 'createQuestion',
          args: [
            {
              kind: 2,
              outcomeCount: 0,
              min: 0n,
              max: 1_000n * 10n ** 18n,
              tick: 10n ** 16n,
              tolerance: 2,
              endTime: now + 5,
              designatedReporter: ctx.accounts.deployer.address,
              subject,
              text: reference(`stoa://price/${symbol}/2026-11-23`),
              source: reference(`https://nav.example/funds/${symbol}`),
              evidenceRules: reference('ipfs://stoa-demo/nav-evidence-rules.md'),
            },
          ],
        });
        ids.push(await ctx.client.readContract({ ...oracle(ctx), functionName: 'questionCount' }));
      }
      await ctx.travel(6);
      for (const [i, symbol] of (['SBND', 'SRLT'] as const).entries()) {
        const outcome = Number(parseUnits(NAVS[symbol], 18) / 10n ** 16n) + 1;
        await send(ctx, 'deployer', {
          ...oracle(ctx),
          functionName: 'initialReport',
          args: [ids[i]!, outcome, keccak256(stringToBytes(`${symbol} NAV ${NAVS[symbol]}`))],
        });
      }
      const { shortDisputeWindow } = await ctx.client.readContract({
        ...oracle(ctx),
        functionName: 'parameters',
      });
      await ctx.travel(shortDisputeWindow + 1);
      await ctx.waitFor('both questions finalized', async () => {
        const states = await Promise.all(
          ids.map((id) => ctx.client.readContract({ ...oracle(ctx), functionName: 'state', args: [id] })),
        );
        return states.every((s) => s.status === 3);
      });
      for (const [i, asset] of [bond!, realty!].entries())
        await send(ctx, 'deployer', { ...feed(ctx), functionName: 'setQuestion', args: [asset, ids[i]!] });
      const prices = await Promise.all(
        (await components(ctx)).map(
          async (asset) =>
            (await ctx.client.readContract({ ...feed(ctx), functionName: 'price', args: [asset] }))[0],
        ),
      );
      check('SBND price', prices[1], parseUnits(NAVS.SBND, 18));
      check('SRLT price', prices[2], parseUnits(NAVS.SRLT, 18));
      return `feed: ${prices.map((p, i) => `${SYMBOLS[i]} ${formatUnits(p, 18)}`).join(', ')} (questions ${ids.join(', ')})`;
    },
  },
  {
    title: 'Issuance: Alice deposits 20 STOA + 80 SBND + 20 SRLT and gets 2 basket tokens (SBSK)',
    async run(ctx) {
      const tokens = await components(ctx);
      // The fee recipient (the manager company, the deployer's account) and the market maker get KYC;
      // SBND and SRLT are issued to Alice and the market maker's inventory.
      await onboard(ctx, 'deployer', 'stoa-asset-management');
      await onboard(ctx, MAKER, 'market-maker-0001');
      const alice = ctx.accounts[ISSUER].address;
      const preview = await ctx.client.readContract({
        ...basket(ctx),
        functionName: 'previewIssue',
        args: [ISSUED],
      });
      for (const i of [1, 2])
        await send(ctx, 'deployer', {
          ...tokenAt(tokens[i]!),
          functionName: 'mint',
          args: [alice, preview[i]!],
        });
      await send(ctx, 'deployer', {
        ...tokenAt(tokens[2]!),
        functionName: 'mint',
        args: [ctx.accounts[MAKER].address, 20n],
      });
      for (const [i, token] of tokens.entries())
        await send(ctx, ISSUER, {
          ...tokenAt(token),
          functionName: 'approve',
          args: [basket(ctx).address, preview[i]!],
        });
      await send(ctx, ISSUER, { ...basket(ctx), functionName: 'issue', args: [ISSUED, alice] });
      check(
        'Alice basket balance',
        await ctx.client.readContract({ ...basket(ctx), functionName: 'balanceOf', args: [alice] }),
        ISSUED,
      );
      const held = await Promise.all(tokens.map((t) => balanceOf(ctx, t, basket(ctx).address)));
      check('basket holdings', show(held), show(preview));
      const mallory = await ctx.client.readContract({
        ...basket(ctx),
        functionName: 'isEligible',
        args: [ctx.accounts.mallory.address],
      });
      check('Mallory may hold the basket', mallory, false);
      return `basket holds ${show(held)}; Mallory (no KYC) may not hold SBSK`;
    },
  },
  {
    title: "NAV per basket token from the oracle's final prices",
    async run(ctx) {
      const [nav] = await ctx.client.readContract({ ...basket(ctx), functionName: 'navPerToken' });
      const [current, stored, multiplier, natural] = await Promise.all([
        units(ctx),
        ctx.client.readContract({ ...basket(ctx), functionName: 'components' }),
        ctx.client.readContract({ ...basket(ctx), functionName: 'positionMultiplier' }),
        naturalUnit(ctx),
      ]);
      const prices = await Promise.all(
        (await components(ctx)).map(
          async (asset) =>
            (await ctx.client.readContract({ ...feed(ctx), functionName: 'price', args: [asset] }))[0],
        ),
      );
      // Each component's value per whole token: unit x multiplier x price / (naturalUnit x 10^0).
      const expected = stored.reduce(
        (sum, { unit }, i) => sum + (unit * multiplier * prices[i]!) / natural,
        0n,
      );
      check('NAV per token', nav, expected);
      check('1 SBSK before the rebalance', showUnits(current, natural), '10 STOA + 40 SBND + 10 SRLT');
      return `1 SBSK = ${showUnits(current, natural)} = ${formatUnits(nav, 18)} (NAV units of the feed)`;
    },
  },
  {
    title:
      'Governance (Basket topic): Alice proposes a rebalance, Carol votes yes, executed after the timelock',
    async run(ctx) {
      // The start folds the fee accrued until then (the timelock's hour at least) into the units,
      // which keep 18 decimals of a share per token (natural unit 1e36). The share keeps its unit:
      // a target a basis point below it leaves nothing to sell, and the unit settles at what the
      // basket's shares back. SRLT goes to 14 per token; SBND, the quote, absorbs the trade.
      const [current, natural] = await Promise.all([units(ctx), naturalUnit(ctx)]);
      const targets = movingOne(current, 2, (SRLT_TARGET * natural) / WAD);
      const actions = [
        {
          target: basket(ctx).address,
          value: 0n,
          data: encodeFunctionData({
            abi: basketAbi,
            functionName: 'startRebalance',
            args: [BigInt(QUOTE), await rebalanceTargets(ctx, current, targets), BigInt(DURATION_S)],
          }),
        },
      ];
      const id = await executeBasketProposal(ctx, actions, SUMMARY, 'ipfs://stoa-demo/proposal-2.md');
      check('basket status', await status(ctx), BasketStatus.Rebalancing);
      const [, sell, running, price, remaining] = await ctx.client.readContract({
        ...basket(ctx),
        functionName: 'auction',
        args: [2n],
      });
      check('SRLT auction running', running && !sell, true);
      const [, , , pending] = await ctx.client.readContract({
        ...basket(ctx),
        functionName: 'rebalanceState',
      });
      check('auctions (SRLT only)', pending, 1n);
      const folded = await units(ctx);
      check(
        'STOA kept (no whole share lost to the fold)',
        folded[0]! > (current[0]! * 9_999n) / 10_000n,
        true,
      );
      return `proposal ${id} "${SUMMARY}" executed: 1 SBSK = ${showUnits(folded, natural)} after the fee fold; Dutch auction buying ${remaining} SRLT, ${formatUnits(price, 18)} SBND each, rising ${SPREAD_BPS / 100}% over the hour`;
    },
  },
  {
    title:
      'Market-maker agent fills the auction once the price passes fair value + 0.5%; the basket is at its target',
    async run(ctx) {
      // 40 minutes of the hour: the price has risen past the market maker's margin.
      await ctx.travel(2_400);
      await ctx.waitFor('the auction filled', async () => (await status(ctx)) === BasketStatus.Active);
      const [bid] = await ctx.events({
        ...basket(ctx),
        eventName: 'AuctionBid',
      });
      check('bidder', ctx.nameOf(getAddress(bid!.args.bidder!)), MAKER);
      const [after, natural, supply, srlt] = await Promise.all([
        units(ctx),
        naturalUnit(ctx),
        ctx.client.readContract({ ...basket(ctx), functionName: 'totalSupply' }),
        components(ctx).then((tokens) => balanceOf(ctx, tokens[2]!, basket(ctx).address)),
      ]);
      // Whole shares: the basket holds what 14 per token takes, rounded up, and its unit is what
      // that holding backs (rounded down).
      const needed = (((SRLT_TARGET * natural) / WAD) * supply + natural - 1n) / natural;
      check('SRLT held: 14 per token, in whole shares', srlt, needed);
      check('SRLT unit', after[2], (srlt * natural) / supply);
      const [usable, required] = await ctx.client.readContract({
        ...basket(ctx),
        functionName: 'collateral',
      });
      check(
        'collateralized',
        usable.every((u, i) => u >= required[i]!),
        true,
      );
      const [nav] = await ctx.client.readContract({ ...basket(ctx), functionName: 'navPerToken' });
      return `marketMaker sold ${bid!.args.amount} SRLT for ${bid!.args.quoteAmount} SBND; 1 SBSK = ${showUnits(after, natural)} = ${formatUnits(nav, 18)}`;
    },
  },
  {
    title: 'A day later the keeper agent accrues the 2% streaming fee to the fee recipient',
    async run(ctx) {
      const [recipient] = await ctx.client.readContract({ ...basket(ctx), functionName: 'feeState' });
      const before = await ctx.client.readContract({
        ...basket(ctx),
        functionName: 'balanceOf',
        args: [recipient],
      });
      await ctx.travel(86_400 + 60);
      const minted = await ctx.waitFor('the fee accrued', async () => {
        const logs = await ctx.events({
          ...basket(ctx),
          eventName: 'FeeAccrued',
        });
        const last = logs.at(-1);
        if (!last) return false;
        const tx = await ctx.client.getTransaction({ hash: last.transactionHash });
        return ctx.nameOf(getAddress(tx.from)) === 'basketKeeper' &&
          getAddress(tx.to!) === basket(ctx).address
          ? last.args.minted!
          : false;
      });
      const after = await ctx.client.readContract({
        ...basket(ctx),
        functionName: 'balanceOf',
        args: [recipient],
      });
      check('fee minted to the recipient', after - before, minted);
      return `${formatUnits(minted, 18)} SBSK minted to ${ctx.nameOf(recipient)} by the keeper`;
    },
  },
  {
    title: 'Redemption: Alice redeems 1 SBSK for its components',
    async run(ctx) {
      const tokens = await components(ctx);
      const alice = ctx.accounts[ISSUER].address;
      const preview = await ctx.client.readContract({
        ...basket(ctx),
        functionName: 'previewRedeem',
        args: [REDEEMED],
      });
      const [current, natural] = await Promise.all([units(ctx), naturalUnit(ctx)]);
      // What the units say for 1 SBSK, less the fraction of a share (shares are indivisible).
      for (const [i, unit] of current.entries())
        check(`${SYMBOLS[i]} returned`, preview[i]! >= (REDEEMED * unit) / natural - 1n, true);
      const before = await Promise.all(tokens.map((t) => balanceOf(ctx, t, alice)));
      await send(ctx, ISSUER, { ...basket(ctx), functionName: 'redeem', args: [REDEEMED, alice] });
      const after = await Promise.all(tokens.map((t) => balanceOf(ctx, t, alice)));
      check('components received', show(after.map((a, i) => a - before[i]!)), show(preview));
      check(
        'Alice basket balance',
        await ctx.client.readContract({ ...basket(ctx), functionName: 'balanceOf', args: [alice] }),
        ISSUED - REDEEMED,
      );
      return `Alice got ${show(preview)} back for 1 SBSK = ${showUnits(current, natural)} (whole shares, rounded down) and holds 1 SBSK`;
    },
  },
];
