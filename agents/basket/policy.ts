/**
 * Pure arithmetic of the basket keeper: fair prices between two components, the price curves a
 * rebalance starts with, whether an auction's current price suits a market maker, and how much to
 * bid. Prices follow `IBasket`: quote base units per component base unit, WAD-scaled.
 */
import { parseUnits } from 'viem';
import { MAX_AMOUNT } from '../privacy/computations.js';

export const WAD = 10n ** 18n;
const BPS = 10_000n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** A component's value per whole token (10^decimals base units), in any common unit (18 decimals). */
export type Valued = { value: bigint; decimals: number };

/** A decimal price setting ("102.35") as an 18-decimal value. */
export const parseValue = (text: string): bigint => parseUnits(text, 18);

/** The fair auction price of `component` in `quote`: quote base units per component base unit, WAD. */
export function fairPrice(component: Valued, quote: Valued): bigint {
  if (quote.value <= 0n) throw new Error('the quote has no positive price');
  return (
    (component.value * 10n ** BigInt(quote.decimals) * WAD) /
    (quote.value * 10n ** BigInt(component.decimals))
  );
}

/**
 * The linear curve of an auction around `fair`: `spreadBps` in the bidders' disfavour at the start,
 * in their favour at the deadline. A sell (the basket sells) falls, a buy rises.
 */
export function priceCurve(
  fair: bigint,
  sell: boolean,
  spreadBps: number,
): { startPrice: bigint; endPrice: bigint } {
  const high = (fair * (BPS + BigInt(spreadBps))) / BPS;
  const low = (fair * (BPS - BigInt(spreadBps))) / BPS;
  const floor = low > 0n ? low : 1n;
  return sell ? { startPrice: high, endPrice: floor } : { startPrice: floor, endPrice: high };
}

/**
 * Whether a market maker trades at `price`: buying the component (the basket sells) at or below fair
 * minus `marginBps`, selling it (the basket buys) at or above fair plus `marginBps`.
 */
export function acceptable(price: bigint, fair: bigint, sell: boolean, marginBps: number): boolean {
  return sell
    ? price * BPS <= fair * (BPS - BigInt(marginBps))
    : price * BPS >= fair * (BPS + BigInt(marginBps));
}

/** What the basket charges in quote for `amount` at `price` when it sells: `ceil(amount x price / 1e18)`. */
export const quoteCost = (amount: bigint, price: bigint): bigint => (amount * price + WAD - 1n) / WAD;

/**
 * The most a market maker pays per component base unit for a whole lot of `remaining` (a sealed
 * bid): fair minus `marginBps`, lowered to what `funds` of the quote pay for the lot (rounded up by
 * the basket). 0 when there is nothing to buy.
 */
export function bestPrice(args: {
  fair: bigint;
  marginBps: number;
  remaining: bigint;
  funds: bigint;
}): bigint {
  if (args.remaining === 0n) return 0n;
  const accepted = (args.fair * (BPS - BigInt(args.marginBps))) / BPS;
  return min(accepted, (args.funds * WAD) / args.remaining);
}

/**
 * A market maker's sealed bid for a sealed auction's whole lot of `remaining`, in the seal's scale
 * (`price = bid x 10^priceExponent`, rounded down): `bestPrice`, unless that price is below the
 * auction's `reserve` (it could never be filled) or the bid does not fit a signed 64-bit value.
 */
export function sealedBid(args: {
  fair: bigint;
  marginBps: number;
  remaining: bigint;
  funds: bigint;
  priceExponent: bigint;
  reserve: bigint;
}): { bid: bigint } | { skip: 'below_reserve' | 'out_of_scale' } {
  const scale = 10n ** args.priceExponent;
  const bid = bestPrice(args) / scale;
  if (bid * scale < args.reserve) return { skip: 'below_reserve' };
  if (bid === 0n || bid > MAX_AMOUNT) return { skip: 'out_of_scale' };
  return { bid };
}

/**
 * The bid for an auction: when the basket sells, as much of `remaining` as `quoteFunds` pays for at
 * `price` (the quote paid rounds up); when it buys, as much as `componentFunds` delivers. `limit` is
 * the quote bound at this price (prices only move in the bidder's favour until the bid is mined).
 */
export function sizeBid(args: {
  sell: boolean;
  price: bigint;
  remaining: bigint;
  quoteFunds: bigint;
  componentFunds: bigint;
}): { amount: bigint; limit: bigint } {
  const { sell, price, remaining } = args;
  if (sell) {
    let amount = price === 0n ? remaining : (args.quoteFunds * WAD) / price;
    amount = min(amount, remaining);
    if (quoteCost(amount, price) > args.quoteFunds && amount > 0n) amount -= 1n;
    return { amount, limit: quoteCost(amount, price) };
  }
  const amount = min(args.componentFunds, remaining);
  return { amount, limit: (amount * price) / WAD };
}

/**
 * Whether `unit` is within `toleranceBps` of `target` (both base units per natural unit), or within
 * `slack`: the gap one indivisible base unit of the component makes (`granularity`), which no
 * rebalance can close.
 */
export function atTarget(unit: bigint, target: bigint, toleranceBps: number, slack = 0n): boolean {
  const gap = unit > target ? unit - target : target - unit;
  return gap <= slack || gap * BPS <= target * BigInt(toleranceBps);
}

/**
 * The unit one base unit of a component makes for `supply` basket base units: `naturalUnit /
 * supply`, rounded up (0 without supply). The basket holds whole base units, so a unit reached by
 * a rebalance sits within this of its target.
 */
export const granularity = (naturalUnit: bigint, supply: bigint): bigint =>
  supply === 0n ? 0n : (naturalUnit + supply - 1n) / supply;

/**
 * Base units of a component per whole basket token (1e18 base units), WAD-scaled, from a unit per
 * `naturalUnit`: `10e18` at natural unit 1e36 is 10 shares per token (`10e18`).
 */
export const perWholeToken = (unit: bigint, naturalUnit: bigint): bigint => (unit * WAD * WAD) / naturalUnit;
