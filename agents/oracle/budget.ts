/**
 * The dispute watcher's bond budget: REP at stake in open positions never exceeds `budget`, over
 * every process of the same account. A Redis hash (per chain and account) holds one field per
 * position, `<question>:<round>:<outcome>`, with the REP staked (or reserved before sending);
 * reservations take a short Redis lock so that concurrent jobs cannot overspend together.
 */

import type { Address } from 'viem';
import { RetryableError, type RoleContext } from '../runtime/index.js';

export type Position = { questionId: bigint; round: bigint; outcome: number };

export type Budget = {
  /** Reserves up to `wanted` for `position` (what is left of the budget); returns the amount reserved. */
  reserve: (position: Position, wanted: bigint) => Promise<bigint>;
  /** Replaces a reservation by what was actually staked (possibly in a later round); idempotent. */
  commit: (reserved: Position, staked: Position, amount: bigint) => Promise<void>;
  /** Frees positions that were refunded, redeemed or never sent. */
  release: (positions: Position[]) => Promise<void>;
  /** REP currently at stake or reserved. */
  used: () => Promise<bigint>;
};

const field = (p: Position) => `${p.questionId}:${p.round}:${p.outcome}`;
const releaseLock = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function createBudget({
  ctx,
  account,
  budget,
}: {
  ctx: RoleContext<unknown>;
  account: Address;
  budget: bigint;
}): Budget {
  const redis = ctx.redis;
  const key = `${ctx.settings.redis.prefix}:${ctx.chain.id}:oracle-budget:${account.toLowerCase()}`;
  const lock = `${key}:lock`;

  const used = async () =>
    Object.values(await redis.hgetall(key)).reduce((sum, amount) => sum + BigInt(amount), 0n);

  async function locked<T>(work: () => Promise<T>): Promise<T> {
    const token = `${process.pid}-${Math.random()}`;
    const deadline = Date.now() + 5_000;
    while ((await redis.set(lock, token, 'PX', 5_000, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new RetryableError('bond budget is locked by another worker');
      await new Promise((r) => setTimeout(r, 10));
    }
    try {
      return await work();
    } finally {
      await redis.eval(releaseLock, 1, lock, token);
    }
  }

  return {
    used,
    reserve: (position, wanted) =>
      locked(async () => {
        const held = BigInt((await redis.hget(key, field(position))) ?? '0');
        const left = budget - (await used()) + held;
        const amount = wanted < left ? wanted : left > 0n ? left : 0n;
        if (amount > held) await redis.hset(key, field(position), amount.toString());
        return amount > held ? amount : held;
      }),
    commit: async (reserved, staked, amount) => {
      // One contribution per account and position (action ids), so setting the field is idempotent.
      await redis.multi().hdel(key, field(reserved)).hset(key, field(staked), amount.toString()).exec();
    },
    release: async (positions) => {
      if (positions.length > 0) await redis.hdel(key, ...positions.map(field));
    },
  };
}
