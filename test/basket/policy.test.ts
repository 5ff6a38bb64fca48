import { describe, expect, it } from 'vitest';
import { atTarget, bestPrice, granularity, perWholeToken, sealedBid } from '../../agents/basket/policy.js';

const WAD = 10n ** 18n;
const FINE = 10n ** 36n;

describe('basket policy: units per natural unit', () => {
  it('reads units at natural unit 1e36 as shares per whole basket token', () => {
    expect(perWholeToken(10n * WAD, FINE)).toBe(10n * WAD);
    expect(perWholeToken(10n, WAD)).toBe(10n * WAD);
    // 9.999997716894977168 shares per token after an hour of a 2% fee folded at 1e36
    expect(perWholeToken(9_999_997_716_894_977_168n, FINE)).toBe(9_999_997_716_894_977_168n);
  });

  it('spreads one component base unit over the supply', () => {
    expect(granularity(FINE, 0n)).toBe(0n);
    expect(granularity(FINE, 2n * WAD)).toBe(WAD / 2n);
    expect(granularity(WAD, 3n * WAD)).toBe(1n);
  });

  it('counts a unit within the granularity as at target, whatever the tolerance', () => {
    // 29 SRLT for 2.00001 tokens against 14 per token: 14.4999 per token, 3.6% off, but one share
    const supply = 2_000_010n * 10n ** 12n;
    const unit = (29n * FINE) / supply;
    const target = 14n * WAD;
    expect(atTarget(unit, target, 10)).toBe(false);
    expect(atTarget(unit, target, 10, granularity(FINE, supply))).toBe(true);
    expect(atTarget(unit + granularity(FINE, supply), target, 10, granularity(FINE, supply))).toBe(false);
    expect(atTarget(target + target / 2_000n, target, 10)).toBe(true);
  });
});

describe('basket policy: sealed bids', () => {
  it('bids fair minus the margin when the funds pay for the whole lot', () => {
    expect(bestPrice({ fair: WAD, marginBps: 50, remaining: 10n, funds: 1_000n })).toBe(
      (WAD * 995n) / 1_000n,
    );
  });

  it('lowers the price to what the funds pay for the lot, the basket rounding the cost up', () => {
    for (const [remaining, funds] of [
      [10n, 7n],
      [3n, 2n],
      [7n, 5n],
    ] as const) {
      const price = bestPrice({ fair: WAD, marginBps: 50, remaining, funds });
      expect(price).toBe((funds * WAD) / remaining);
      expect((remaining * price + WAD - 1n) / WAD).toBeLessThanOrEqual(funds);
      expect((remaining * (price + 1n) + WAD - 1n) / WAD).toBeGreaterThan(funds);
    }
  });

  it('bids nothing on an empty lot', () => {
    expect(bestPrice({ fair: WAD, marginBps: 50, remaining: 0n, funds: 1_000n })).toBe(0n);
  });

  it('scales the sealed bid down to the seal, and skips below the reserve or outside 64 bits', () => {
    const lot = { fair: WAD, marginBps: 50, remaining: 10n, funds: 1_000n };
    // 0.995e18 at 10^12 per bid unit: 995_000.
    expect(sealedBid({ ...lot, priceExponent: 12n, reserve: 9n * 10n ** 17n })).toEqual({ bid: 995_000n });
    // Rounded down to 0.99e18 at 10^16: under a 0.995 reserve, though the exact price is not.
    expect(sealedBid({ ...lot, priceExponent: 16n, reserve: (WAD * 995n) / 1_000n })).toEqual({
      skip: 'below_reserve',
    });
    // 100 quote tokens (18 decimals) per share (0 decimals) is 1e38 WAD: beyond 2^63 unscaled.
    const dear = { ...lot, fair: 100n * WAD * WAD, funds: 10n ** 30n };
    expect(sealedBid({ ...dear, priceExponent: 0n, reserve: 0n })).toEqual({ skip: 'out_of_scale' });
    expect(sealedBid({ ...dear, priceExponent: 30n, reserve: 0n })).toEqual({ bid: 99_500_000n });
    expect(sealedBid({ ...lot, priceExponent: 19n, reserve: 0n })).toEqual({ skip: 'out_of_scale' });
  });
});
