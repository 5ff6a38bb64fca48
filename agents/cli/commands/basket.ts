/**
 * `stoa basket create|issue|redeem|rebalance|seal|fill|show`: Set-style baskets from the deployment's
 * `basketFactory`; `seal` and `fill` run a sell auction as a sealed-bid auction of the MPC committee;
 * `show` prints a basket and its running auctions (sealed ones with their computation). Units are base units of each component per natural unit of the basket;
 * quantities are in the basket's own units. Issuing approves each component first. Units and the
 * natural unit take integers or `<digits>e<exponent>` (`10e18`, `1e36`).
 */
import type { Command } from 'commander';
import { type Address, parseEventLogs, zeroAddress } from 'viem';
import { BasketStatus } from '../../basket/keeper.js';
import { quoteCost } from '../../basket/policy.js';
import { basketAbi, basketFactoryAbi, mpcCommitteeAbi } from '../../generated/abis.js';
import { readOutput } from '../../privacy/client.js';
import { ComputationKind, encodeParams } from '../../privacy/computations.js';
import { enumNames } from '../../runtime/enums.js';
import { type CliContext, createCliContext, parseAddress, parseDuration, parseInteger } from '../context.js';
import { action, chainOptions, examples, usage } from '../options.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The contract's bounds (`Basket`): natural unit 1 .. 1e36, units 1 .. 2^88 - 1. */
const MAX_NATURAL_UNIT = 10n ** 36n;
const MAX_UNIT = 2n ** 88n - 1n;

const STATUS = enumNames(BasketStatus);

/** Significant digits a sealed bid keeps of the auction's price by default (signed 64-bit bids). */
const BID_DIGITS = 9;
/** The basket's bound on the sealed-bid price exponent. */
const MAX_PRICE_EXPONENT = 36n;

/** An integer written as digits or `<digits>e<exponent>` (`10e18`). */
export function parseScaled(text: string, what: string): bigint {
  const match = /^(\d+)(?:e(\d{1,2}))?$/.exec(text);
  if (!match) throw usage(`${what}: not a non-negative integer (digits or 10e18 notation): ${text}`);
  return BigInt(match[1]!) * 10n ** BigInt(match[2] ?? 0);
}

async function basketOf(ctx: CliContext, text: string) {
  const address = parseAddress(text, 'basket');
  const factory = ctx.contract('basketFactory');
  const known = await ctx.client.readContract({
    address: factory,
    abi: basketFactoryAbi,
    functionName: 'isBasket',
    args: [address],
  });
  if (!known) throw usage(`basket: ${address} is not a basket of the factory ${factory}`);
  return { address, abi: basketAbi } as const;
}

export function register(program: Command): void {
  const basket = program.command('basket').description('baskets of restricted tokens');

  const create = chainOptions(basket.command('create').description('create a basket with the factory'))
    .requiredOption('--name <name>', 'basket token name')
    .requiredOption('--symbol <symbol>', 'basket token symbol')
    .requiredOption(
      '--component <token:units>',
      'a component and its units (base units per natural unit, e.g. 10e18 = 10 shares per token at natural unit 1e36), repeatable, in order',
      collect,
    )
    .option(
      '--natural-unit <n>',
      'basket base units the units refer to (1 .. 1e36); 1e36 gives 0-decimal shares 18 decimals per whole basket token, so fees lose no whole share',
      '1',
    )
    .option('--manager <address>', 'manager (rebalancing, fees); default: the key')
    .option('--fee-recipient <address>', 'fee recipient; default: the key')
    .option('--fee-rate <wad>', 'annual streaming fee, WAD (1e16 = 1%)', '0')
    .option(
      '--compliance <address>',
      "the basket token's agent (pause, freeze, forced transfer, recovery); default: the manager",
    )
    .action(
      action<
        [],
        {
          name: string;
          symbol: string;
          component: string[];
          naturalUnit: string;
          manager?: string;
          feeRecipient?: string;
          feeRate: string;
          compliance?: string;
        }
      >(async (_args, options) => {
        const components: Address[] = [];
        const units: bigint[] = [];
        for (const text of options.component) {
          const match = /^(0x[0-9a-fA-F]{40}):(\d+(?:e\d{1,2})?)$/.exec(text);
          if (!match) throw usage(`--component: expected <token>:<units>, got ${text}`);
          const unit = parseScaled(match[2]!, '--component units');
          if (unit === 0n || unit > MAX_UNIT)
            throw usage(`--component: units must be 1 .. 2^88 - 1 (${MAX_UNIT}), got ${text}`);
          components.push(parseAddress(match[1]!, '--component token'));
          units.push(unit);
        }
        const naturalUnit = parseScaled(options.naturalUnit, '--natural-unit');
        if (naturalUnit === 0n || naturalUnit > MAX_NATURAL_UNIT)
          throw usage(`--natural-unit: must be 1 .. 1e36, got ${options.naturalUnit}`);
        const feeRate = parseInteger(options.feeRate, '--fee-rate');
        const manager = options.manager ? parseAddress(options.manager, '--manager') : undefined;
        const feeRecipient = options.feeRecipient
          ? parseAddress(options.feeRecipient, '--fee-recipient')
          : undefined;
        const compliance = options.compliance ? parseAddress(options.compliance, '--compliance') : undefined;
        const ctx = await createCliContext(options);
        const factory = { address: ctx.contract('basketFactory'), abi: basketFactoryAbi } as const;
        const config = {
          name: options.name,
          symbol: options.symbol,
          components,
          units,
          naturalUnit,
          manager: manager ?? ctx.account.address,
          feeRecipient: feeRecipient ?? ctx.account.address,
          feeRate,
          compliance: compliance ?? manager ?? ctx.account.address,
        };
        const { hash, receipt } = await ctx.send({
          ...factory,
          functionName: 'createBasket',
          args: [config],
        });
        const [created] = parseEventLogs({
          abi: basketFactoryAbi,
          logs: receipt.logs,
          eventName: 'BasketCreated',
        });
        const address = created!.args.basket;
        ctx.print(`basket ${options.symbol} at ${address}: ${components.length} components (tx ${hash})`, {
          basket: address,
          ...config,
          transaction: hash,
        });
      }),
    );
  examples(create, [
    'stoa basket create --name "Stoa Basket" --symbol SBK --component 0xShareA:10e18 --component 0xShareB:5e18 --natural-unit 1e36',
  ]);

  for (const kind of ['issue', 'redeem'] as const) {
    const command = chainOptions(
      basket
        .command(kind)
        .description(
          kind === 'issue'
            ? 'issue basket tokens: pulls each component (rounding up), approving it first'
            : 'redeem basket tokens for the components (rounding down); the receiver must be eligible for each',
        ),
    )
      .argument('<basket>', 'basket address')
      .argument('<quantity>', "quantity, in the basket's units")
      .option('--to <address>', 'receiver (default: the key)')
      .action(
        action<[string, string], { to?: string }>(async ([basketText, quantityText], options) => {
          const to = options.to ? parseAddress(options.to, '--to') : undefined;
          const ctx = await createCliContext(options);
          const b = await basketOf(ctx, basketText);
          const quantity = await ctx.amount(b.address, quantityText, 'quantity');
          if (kind === 'issue') {
            const [components, amounts] = await Promise.all([
              ctx.client.readContract({ ...b, functionName: 'components' }),
              ctx.client.readContract({ ...b, functionName: 'previewIssue', args: [quantity] }),
            ]);
            for (const [i, c] of components.entries())
              await ctx.ensureAllowance(c.token, b.address, amounts[i]!);
          }
          const { hash, result } = await ctx.send({
            ...b,
            functionName: kind,
            args: [quantity, to ?? ctx.account.address],
          });
          const amounts = result as readonly bigint[];
          // An issue that finds an unreconciled impairment cuts the units and halts instead: all zero.
          const halted = kind === 'issue' && amounts.every((amount) => amount === 0n);
          ctx.print(
            halted
              ? `nothing issued: ${b.address} found a component impaired, cut its units and halted issuance (tx ${hash})`
              : `${kind === 'issue' ? 'issued' : 'redeemed'} ${quantityText} of ${b.address}; components ${amounts.join(', ')} (tx ${hash})`,
            { basket: b.address, quantity, to: to ?? ctx.account.address, amounts, transaction: hash },
          );
        }),
      );
    examples(command, [
      `stoa basket ${kind} 0xBasket 10`,
      `stoa basket ${kind} 0xBasket 10 --to 0xHolder --json`,
    ]);
  }

  const rebalance = chainOptions(
    basket
      .command('rebalance')
      .description('start a rebalance to target units by Dutch auctions (manager), or --end it'),
  )
    .argument('<basket>', 'basket address')
    .option('--quote <index>', 'index of the component that absorbs the proceeds', '0')
    .option(
      '--target <unit:start:end>',
      'per component, in order: target unit (per natural unit, e.g. 8e18) and auction prices (WAD quote per base unit)',
      collect,
    )
    .option('--duration <duration>', 'auction duration (e.g. 1h)', '1h')
    .option('--end', 'end the running rebalance')
    .action(
      action<[string], { quote: string; target?: string[]; duration: string; end?: boolean }>(
        async ([basketText], options) => {
          const quoteIndex = parseInteger(options.quote, '--quote');
          const duration = BigInt(parseDuration(options.duration, '--duration'));
          const targets = (options.target ?? []).map((text) => {
            const [unit, startPrice, endPrice, extra] = text.split(':');
            if (!unit || !startPrice || !endPrice || extra !== undefined)
              throw usage(`--target: expected <unit>:<startPrice>:<endPrice>, got ${text}`);
            return {
              unit: parseScaled(unit, '--target unit'),
              startPrice: parseScaled(startPrice, '--target start price'),
              endPrice: parseScaled(endPrice, '--target end price'),
            };
          });
          if (!options.end && targets.length === 0)
            throw usage('give --target for every component, or --end');
          const ctx = await createCliContext(options);
          const b = await basketOf(ctx, basketText);
          if (options.end) {
            const { hash } = await ctx.send({ ...b, functionName: 'endRebalance', args: [] });
            ctx.print(`rebalance of ${b.address} ended (tx ${hash})`, {
              basket: b.address,
              ended: true,
              transaction: hash,
            });
            return;
          }
          const { hash } = await ctx.send({
            ...b,
            functionName: 'startRebalance',
            args: [quoteIndex, targets, duration],
          });
          const units = await ctx.client.readContract({ ...b, functionName: 'units' });
          ctx.print(`rebalance of ${b.address} started; units now ${units.join(', ')} (tx ${hash})`, {
            basket: b.address,
            quoteIndex,
            targets,
            units,
            transaction: hash,
          });
        },
      ),
    );
  examples(rebalance, [
    'stoa basket rebalance 0xBasket --quote 0 --target 10e18:0:0 --target 8e18:11e17:9e17 --duration 1h',
    'stoa basket rebalance 0xBasket --end',
  ]);

  const seal = chainOptions(
    basket
      .command('seal')
      .description(
        "seal a running sell auction (manager): it is then settled by the MPC committee's sealed-bid computation",
      ),
  )
    .argument('<basket>', 'basket address')
    .argument('<index>', 'component index of the sell auction')
    .option('--computation <id>', 'an already requested SealedBidAuction computation for this lot')
    .option('--bid-window <duration>', 'how long the new computation takes bids (e.g. 30m)', '30m')
    .option(
      '--price-exponent <n>',
      `price = bid x 10^n (WAD quote per base unit); default: the auction's price keeps ${BID_DIGITS} digits`,
    )
    .action(
      action<[string, string], { computation?: string; bidWindow: string; priceExponent?: string }>(
        async ([basketText, indexText], options) => {
          const index = parseInteger(indexText, 'index');
          const window = BigInt(parseDuration(options.bidWindow, '--bid-window'));
          const ctx = await createCliContext(options);
          const b = await basketOf(ctx, basketText);
          const committee = { address: ctx.contract('mpcCommittee'), abi: mpcCommitteeAbi } as const;
          const [[, sell, running, price], [, , , lot]] = await Promise.all([
            ctx.client.readContract({ ...b, functionName: 'auction', args: [index] }),
            ctx.client.readContract({ ...b, functionName: 'sealedAuction', args: [index] }),
          ]);
          if (!running) throw usage(`component ${index} of ${b.address} has no running auction`);
          if (!sell) throw usage(`component ${index}: the basket buys it; only sell auctions can be sealed`);
          const exponent =
            options.priceExponent === undefined
              ? BigInt(Math.max(0, price.toString().length - BID_DIGITS))
              : parseInteger(options.priceExponent, '--price-exponent');
          if (exponent > MAX_PRICE_EXPONENT) throw usage(`--price-exponent: at most ${MAX_PRICE_EXPONENT}`);
          let id: bigint;
          if (options.computation !== undefined) {
            id = parseInteger(options.computation, '--computation');
          } else {
            const { timestamp } = await ctx.client.getBlock();
            const { receipt } = await ctx.send({
              ...committee,
              functionName: 'requestComputation',
              args: [
                ComputationKind.SealedBidAuction,
                encodeParams({ kind: ComputationKind.SealedBidAuction, basket: b.address, lot }),
                timestamp + window,
              ],
            });
            const [requested] = parseEventLogs({
              abi: mpcCommitteeAbi,
              logs: receipt.logs,
              eventName: 'ComputationRequested',
            });
            id = requested!.args.computationId;
          }
          const { hash } = await ctx.send({
            ...b,
            functionName: 'sealAuction',
            args: [index, committee.address, id, exponent],
          });
          const [, , , , reserve] = await ctx.client.readContract({
            ...b,
            functionName: 'sealedAuction',
            args: [index],
          });
          ctx.print(
            `auction ${index} of ${b.address} sealed to computation ${id}: bid with \`stoa mpc submit ${id} <bid>\`, price = bid x 10^${exponent}, at least the reserve ${reserve} (tx ${hash})`,
            {
              basket: b.address,
              index,
              committee: committee.address,
              computation: id,
              priceExponent: exponent,
              lot,
              reserve,
              transaction: hash,
            },
          );
        },
      ),
    );
  examples(seal, [
    'stoa basket seal 0xBasket 0 --bid-window 1h',
    'stoa basket seal 0xBasket 0 --computation 7 --price-exponent 9',
  ]);

  const fill = chainOptions(
    basket
      .command('fill')
      .description(
        "buy a sealed auction's lot at the winning bid (the winner only), approving the quote first",
      ),
  )
    .argument('<basket>', 'basket address')
    .argument('<index>', 'component index of the sealed auction')
    .action(
      action<[string, string], object>(async ([basketText, indexText], options) => {
        const index = parseInteger(indexText, 'index');
        const ctx = await createCliContext(options);
        const b = await basketOf(ctx, basketText);
        const [[committee, id, exponent], [, , , , remaining], [quoteIndex], components] = await Promise.all([
          ctx.client.readContract({ ...b, functionName: 'sealedAuction', args: [index] }),
          ctx.client.readContract({ ...b, functionName: 'auction', args: [index] }),
          ctx.client.readContract({ ...b, functionName: 'rebalanceState' }),
          ctx.client.readContract({ ...b, functionName: 'components' }),
        ]);
        if (committee === zeroAddress)
          throw usage(`component ${index} of ${b.address} has no running sealed auction`);
        const output = await readOutput(ctx.client, committee, id);
        if (output?.kind !== ComputationKind.SealedBidAuction)
          throw usage(`computation ${id} has no result yet: the committee posts it after the bids close`);
        if (output.winner !== ctx.account.address)
          throw usage(
            `the winner is ${output.winner === zeroAddress ? 'nobody (no bids)' : output.winner}, not ${ctx.account.address}`,
          );
        const price = output.price * 10n ** exponent;
        await ctx.ensureAllowance(
          components[Number(quoteIndex)]!.token,
          b.address,
          quoteCost(remaining, price),
        );
        const { hash, result } = await ctx.send({ ...b, functionName: 'fillSealedBid', args: [index] });
        const [amount, quoteAmount] = result as readonly [bigint, bigint];
        ctx.print(
          `bought ${amount} of component ${index} for ${quoteAmount} of the quote at ${price} (tx ${hash})`,
          {
            basket: b.address,
            index,
            amount,
            quoteAmount,
            price,
            transaction: hash,
          },
        );
      }),
    );
  examples(fill, ['stoa basket fill 0xBasket 0 --json']);

  const show = chainOptions(
    basket
      .command('show')
      .description('a basket: status, supply, units and its running auctions (sealed or Dutch)'),
  )
    .argument('<basket>', 'basket address')
    .action(
      action<[string], object>(async ([basketText], options) => {
        const ctx = await createCliContext(options);
        const b = await basketOf(ctx, basketText);
        const [symbol, status, supply, components, units, naturalUnit, [quoteIndex, , deadline]] =
          await Promise.all([
            ctx.client.readContract({ ...b, functionName: 'symbol' }),
            ctx.client.readContract({ ...b, functionName: 'status' }),
            ctx.client.readContract({ ...b, functionName: 'totalSupply' }),
            ctx.client.readContract({ ...b, functionName: 'components' }),
            ctx.client.readContract({ ...b, functionName: 'units' }),
            ctx.client.readContract({ ...b, functionName: 'naturalUnit' }),
            ctx.client.readContract({ ...b, functionName: 'rebalanceState' }),
          ]);
        const read = async (index: bigint) => {
          const [
            [target, sell, running, price, remaining],
            [committee, computation, priceExponent, , reserve],
          ] = await Promise.all([
            ctx.client.readContract({ ...b, functionName: 'auction', args: [index] }),
            ctx.client.readContract({ ...b, functionName: 'sealedAuction', args: [index] }),
          ]);
          const sealed =
            committee === zeroAddress ? null : { committee, computation, priceExponent, reserve };
          return running ? [{ index, sell, target, price, remaining, sealed }] : [];
        };
        const auctions =
          status === BasketStatus.Rebalancing
            ? (await Promise.all(components.map((_, i) => read(BigInt(i))))).flat()
            : [];
        const data = {
          basket: b.address,
          symbol,
          status: STATUS[status],
          supply,
          naturalUnit,
          components: components.map((c, i) => ({ token: c.token, unit: units[i]! })),
          quoteIndex: status === BasketStatus.Rebalancing ? quoteIndex : null,
          deadline: status === BasketStatus.Rebalancing ? deadline : null,
          auctions,
        };
        ctx.print(
          [
            `basket ${symbol} ${b.address}: ${data.status}, supply ${supply}, natural unit ${naturalUnit}`,
            ...data.components.map((c, i) => `  component ${i}: ${c.token} unit ${c.unit}`),
            ...auctions.map((a) =>
              a.sealed
                ? `  auction ${a.index}: sells ${a.remaining} by sealed bids, computation ${a.sealed.computation} of ${a.sealed.committee}; price = bid x 10^${a.sealed.priceExponent}, reserve ${a.sealed.reserve}`
                : `  auction ${a.index}: ${a.sell ? 'sells' : 'buys'} ${a.remaining} at ${a.price} (Dutch), target unit ${a.target}`,
            ),
          ],
          data,
        );
      }),
    );
  examples(show, ['stoa basket show 0xBasket', 'stoa basket show 0xBasket --json']);
}
