/**
 * A party that alters any one of its messages: in malicious mode every honest party either
 * aborts or outputs the correct result, and at least one aborts; in semi-honest mode the same
 * alteration of a multiplication message silently changes the output.
 */
import { describe, expect, it } from 'vitest';
import { planeToBools } from '../../../agents/privacy/mpc/bits.js';
import { MpcAbortError, MpcError, type PartyId } from '../../../agents/privacy/mpc/link.js';
import type { MemoryOptions } from '../../../agents/privacy/mpc/memory.js';
import { type Mode, type Party, VERIFY_CHUNK } from '../../../agents/privacy/mpc/party.js';
import { bool, ring, toBigints } from '../../../agents/privacy/mpc/ring.js';
import { shareValues } from '../../../agents/privacy/mpc/share.js';
import { pairs, settleParties } from './helpers.js';

const CHEATER: PartyId = 1;
const [xs, ys] = pairs(20);
const n = xs.length;
const X = shareValues(xs);
const Y = shareValues(ys);

/** Compare, select, multiply, then open both results. */
async function computation(p: Party, i: number) {
  await p.checkInputs([X[i]!, Y[i]!]);
  const c = await p.lt(X[i]!, Y[i]!, n);
  const [picked] = await p.select(c, n, [[X[i]!, Y[i]!]]);
  const [product] = await p.mul(ring, [[picked!, Y[i]!]]);
  const less = planeToBools(await p.open(bool, c), n);
  return { less, product: toBigints(await p.open(ring, product!)) };
}

/** Runs the computation; the cheater flips one bit in its k-th message (k = -1: honest). */
function run(mode: Mode, k: number) {
  let seen = 0;
  const tap: MemoryOptions['tap'] = (from, _to, data) => {
    if (from === CHEATER && seen++ === k) data[data.length >> 1]! ^= 1;
    return data;
  };
  return { outcomes: settleParties(mode, computation, { timeoutMs: 1_000, tap }), sent: () => seen };
}

describe('a party that alters its messages', () => {
  it('causes an abort, never a wrong output, in malicious mode (each message in turn)', async () => {
    const honest = run('malicious', -1);
    const outcomes = await honest.outcomes;
    const expected = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined))[0];
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    const messages = honest.sent();
    expect(messages).toBeGreaterThan(20);
    for (let k = 0; k < messages; k++) {
      const results = await run('malicious', k).outcomes;
      const honestOnes = results.filter((_, id) => id !== CHEATER);
      for (const r of honestOnes) {
        if (r.status === 'fulfilled') expect(r.value).toEqual(expected);
        else expect(r.reason).toBeInstanceOf(MpcError);
      }
      const aborted = honestOnes.some((r) => r.status === 'rejected' && r.reason instanceof MpcAbortError);
      expect(aborted, `message ${k} altered without an abort`).toBe(true);
    }
  });

  it('aborts, in malicious mode, when the same error is added to every product (ring and bits)', async () => {
    // The cheater adds the same error to each element of every product share it sends (messages to
    // its prev longer than a digest are product shares): each sacrifice check then sees the same
    // error on both sides and passes; only the opened random triples (the cut) catch it.
    for (const [k, width] of [
      [bool, 1],
      [ring, 2],
    ] as const) {
      const outcomes = await settleParties(
        'malicious',
        async (p, i) => {
          const [z] = await p.mul(k, [[X[i]!, Y[i]!]]);
          return Array.from(await p.open(k, z!));
        },
        {
          timeoutMs: 1_000,
          tap: (from, to, data) => {
            if (from !== CHEATER || to !== (CHEATER + 2) % 3 || data.length <= 32) return data;
            const words = new Uint32Array(data.buffer, data.byteOffset, data.length / 4);
            for (let j = 0; j < words.length; j += width) {
              if (width === 1)
                words[j]! ^= 1; // bits: flip lane 0 of every word
              else if (++words[j]! === 0) words[j + 1]!++; // ring: + 1 with the carry
            }
            return data;
          },
        },
      );
      outcomes.forEach((o, id) => {
        if (id === CHEATER) return;
        expect(o.status, `${k.name}: party ${id} output a result`).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(MpcAbortError);
      });
    }
  });

  it('verifies several chunks of products (right output), and aborts on one wrong product in the last', async () => {
    const [as, bs] = pairs(VERIFY_CHUNK + 5);
    const [A, B] = [shareValues(as), shareValues(bs)];
    const products = as.map((a, j) => BigInt.asUintN(64, a * bs[j]!));
    const target = as.length - 3;
    for (const cheat of [false, true]) {
      const outcomes = await settleParties(
        'malicious',
        async (p, i) => {
          const [z] = await p.mul(ring, [[A[i]!, B[i]!]]);
          return toBigints(await p.open(ring, z!));
        },
        {
          timeoutMs: 10_000,
          tap: (from, to, data) => {
            // The cheater's circuit product share (its first message to prev) gets + 1 at `target`.
            if (cheat && from === CHEATER && to === (CHEATER + 2) % 3 && data.length === 8 * as.length) {
              new Uint32Array(data.buffer, data.byteOffset, data.length / 4)[2 * target]! ^= 1;
            }
            return data;
          },
        },
      );
      outcomes.forEach((o, id) => {
        if (!cheat) expect(o).toEqual({ status: 'fulfilled', value: products });
        else if (id !== CHEATER) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(MpcAbortError);
      });
    }
  });

  it('changes the output unnoticed in semi-honest mode', async () => {
    const plain = run('semi-honest', -1);
    const honest = await plain.outcomes;
    // The cheater's last three messages: its share of the final product, then its two openings.
    const cheated = await run('semi-honest', plain.sent() - 3).outcomes;
    expect(cheated.every((o) => o.status === 'fulfilled')).toBe(true);
    const value = (o: PromiseSettledResult<unknown>) => (o.status === 'fulfilled' ? o.value : undefined);
    expect(value(cheated[0]!)).not.toEqual(value(honest[0]!));
  });
});
