/**
 * One party's view (its two shares of each input and every message it receives) must be
 * distributed the same for any two inputs. Over many runs per input, each bit position of the
 * view is counted; a two-sample chi-square statistic summed over positions follows chi-square
 * with L degrees of freedom when the two distributions agree, and is far above it when they do
 * not (checked on a control: the same view plus an opened intermediate product, i.e. a protocol
 * that reveals something input-dependent).
 */
import { describe, expect, it } from 'vitest';
import { asBytes } from '../../../agents/privacy/mpc/link.js';
import type { Mode, Party } from '../../../agents/privacy/mpc/party.js';
import { ring } from '../../../agents/privacy/mpc/ring.js';
import { shareValues } from '../../../agents/privacy/mpc/share.js';
import { MASK, MODES, runParties } from './helpers.js';

const OBSERVER = 0;
const RUNS = 150;
const n = 8;

/** The observer's view of a multiply + compare + select on (xs, ys), as bytes; `leak` opens the product. */
async function view(mode: Mode, xs: bigint[], ys: bigint[], leak: boolean): Promise<Uint8Array> {
  const X = shareValues(xs);
  const Y = shareValues(ys);
  const parts: Uint8Array[] = [X[OBSERVER]!.a, X[OBSERVER]!.b, Y[OBSERVER]!.a, Y[OBSERVER]!.b].map((w) =>
    asBytes(w).slice(),
  );
  await runParties(
    mode,
    async (p: Party, i) => {
      const [product] = await p.mul(ring, [[X[i]!, Y[i]!]]);
      const c = await p.lt(X[i]!, Y[i]!, n);
      await p.select(c, n, [[product!, X[i]!]]);
      if (leak) {
        const opened = await p.open(ring, product!);
        if (i === OBSERVER) parts.push(asBytes(opened).slice());
      }
      // In malicious mode this runs the whole multiplication check; the opened value is public.
      await p.open(ring, p.constant(new Uint32Array(2)));
    },
    {
      tap: (_from, to, data) => {
        if (to === OBSERVER) parts.push(data.slice());
        return data;
      },
    },
  );
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Sum over bit positions of the two-sample chi-square statistic, and the number of positions. */
async function statistic(mode: Mode, a: [bigint[], bigint[]], b: [bigint[], bigint[]], leak: boolean) {
  let counts: [Uint32Array, Uint32Array] | undefined;
  let length = 0;
  for (let r = 0; r < RUNS; r++) {
    for (const [side, input] of [a, b].entries()) {
      const bytes = await view(mode, input[0], input[1], leak);
      if (!counts) {
        length = bytes.length * 8;
        counts = [new Uint32Array(length), new Uint32Array(length)];
      }
      expect(bytes.length * 8).toBe(length);
      const into = counts[side]!;
      for (let bit = 0; bit < length; bit++) into[bit]! += (bytes[bit >>> 3]! >>> (bit & 7)) & 1;
    }
  }
  let chi = 0;
  let df = 0;
  for (let bit = 0; bit < length; bit++) {
    const ones = counts![0][bit]! + counts![1][bit]!;
    const p = ones / (2 * RUNS);
    if (p === 0 || p === 1) continue;
    const diff = counts![0][bit]! - counts![1][bit]!;
    chi += (diff * diff) / (2 * RUNS * p * (1 - p));
    df++;
  }
  return { chi, df };
}

/** chi-square(df) is about df +- sqrt(2 df); six standard deviations is a loose, safe bound. */
function bound(df: number) {
  return df + 6 * Math.sqrt(2 * df);
}

const zeros: [bigint[], bigint[]] = [Array(n).fill(0n), Array(n).fill(0n)];
const extremes: [bigint[], bigint[]] = [
  Array.from({ length: n }, (_, j) => (j % 2 ? MASK : 1n << 63n)),
  Array.from({ length: n }, (_, j) => (j % 2 ? 1n : MASK)),
];

describe.each(MODES)("one party's view (%s)", (mode) => {
  it('is identically distributed for two different inputs', async () => {
    const { chi, df } = await statistic(mode, zeros, extremes, false);
    expect(df).toBeGreaterThan(1000);
    expect(chi).toBeLessThan(bound(df));
  });

  it('would show a leak (control: the product opened)', async () => {
    const { chi, df } = await statistic(mode, zeros, extremes, true);
    expect(chi).toBeGreaterThan(bound(df));
  });
});
