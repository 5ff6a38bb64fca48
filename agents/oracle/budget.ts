/**
 * The dispute watcher's bond budget: REP at stake in open positions never exceeds `budget`, over
 * every process of the same account. A Redis hash (per chain and account) holds one field per
 * position, `<question>:<round>:<outcome>`, with the REP staked, and `pending:<position>` fields
 * with what is reserved before sending; reservations take a short Redis lock so that concurrent
 * jobs cannot overspend together. Stakes add up per position; each transaction counts once (a
 * sorted set of committed transaction hashes by commit time), so a job that runs again commits
 * nothing twice. Hashes older than `retentionMs` (30 days by default, far beyond any job retry) are
 * dropped as new ones come, so the set stays as small as the watcher's recent work.
 */

import type { Address } from 'viem';
import { type RoleContext, whileLocked } from '../runtime/index.js';

export type Position = { questionId: bigint; round: bigint; outcome: number };

export type Budget = {
  /** Reserves up to `wanted` for `position` (what is left of the budget); returns the amount reserved. */
  reserve: (position: Position, wanted: bigint) => Promise<bigint>;
  /**
   * Replaces a reservation by what transaction `hash` actually staked (possibly in a later round),
   * added to that position; idempotent per transaction.
   */
  commit: (reserved: Position, staked: Position, amount: bigint, hash: string) => Promise<void>;
  /** Frees positions that were refunded, redeemed or never sent. */
  release: (positions: Position[]) => Promise<void>;
  /** REP currently at stake or reserved. */
  used: () => Promise<bigint>;
  /**
   * Runs `work` while holding this account's lock on one question (waits for it up to `ttlMs`),
   * so that reading what is already staked and staking more are not interleaved with another job.
   * The lock is renewed while `work` runs, however long its send takes.
   */
  exclusive: <T>(questionId: bigint, work: () => Promise<T>, ttlMs?: number) => Promise<T>;
};

/** How long a committed transaction hash is remembered (a retried job is far younger). */
export const COMMITTED_RETENTION_MS = 30 * 24 * 3600 * 1000;

const field = (p: Position) => `${p.questionId}:${p.round}:${p.outcome}`;
const pending = (p: Position) => `pending:${field(p)}`;

export function createBudget({
  ctx,
  account,
  budget,
  retentionMs = COMMITTED_RETENTION_MS,
  now = Date.now,
}: {
  ctx: RoleContext<unknown>;
  account: Address;
  budget: bigint;
  retentionMs?: number;
  now?: () => number;
}): Budget {
  const redis = ctx.redis;
  const key = `${ctx.settings.redis.prefix}:${ctx.chain.id}:oracle-budget:${account.toLowerCase()}`;
  const lock = `${key}:lock`;

  const used = async () =>
    Object.values(await redis.hgetall(key)).reduce((sum, amount) => sum + BigInt(amount), 0n);

  const locked = <T>(work: () => Promise<T>, name = lock, ttlMs = 5_000) =>
    whileLocked(redis, name, { ttlMs, waitMs: ttlMs }, work);

  return {
    used,
    reserve: (position, wanted) =>
      locked(async () => {
        const held = BigInt((await redis.hget(key, pending(position))) ?? '0');
        const left = budget - (await used()) + held;
        const amount = wanted < left ? wanted : left > 0n ? left : 0n;
        if (amount > held) await redis.hset(key, pending(position), amount.toString());
        return amount > held ? amount : held;
      }),
    commit: (reserved, staked, amount, hash) =>
      locked(async () => {
        const committed = `${key}:committed-at`;
        const at = now();
        if ((await redis.zscore(committed, hash)) !== null) {
          await redis.hdel(key, pending(reserved));
          return;
        }
        const before = BigInt((await redis.hget(key, field(staked))) ?? '0');
        await redis
          .multi()
          .hdel(key, pending(reserved))
          .hset(key, field(staked), (before + amount).toString())
          .zadd(committed, at, hash)
          .zremrangebyscore(committed, '-inf', at - retentionMs)
          .exec();
      }),
    release: async (positions) => {
      if (positions.length > 0) await redis.hdel(key, ...positions.flatMap((p) => [field(p), pending(p)]));
    },
    exclusive: (questionId, work, ttlMs = 120_000) => locked(work, `${key}:question:${questionId}`, ttlMs),
  };
}
