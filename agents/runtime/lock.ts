/**
 * A Redis lock held for as long as its work runs: taken with `SET NX PX`, renewed every third of
 * its TTL while the work runs (so a slow send cannot outlive it and let a second holder in), and
 * released only by its holder (compare-and-delete). A holder that crashes loses it after `ttlMs`.
 */
import type { Redis } from 'ioredis';
import { RetryableError } from './errors.js';

const release = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const renew = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export type LockOptions = {
  /** Lifetime of the lock without renewal (a crashed holder's lock frees after it). */
  ttlMs?: number;
  /** How long to wait for a lock another worker holds before a `RetryableError`. */
  waitMs?: number;
};

export async function withLock<T>(
  redis: Redis,
  name: string,
  work: () => Promise<T>,
  { ttlMs = 10_000, waitMs = ttlMs }: LockOptions = {},
): Promise<T> {
  const token = `${process.pid}-${Math.random()}`;
  const deadline = Date.now() + waitMs;
  while ((await redis.set(name, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new RetryableError(`${name} is locked by another worker`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const timer = setInterval(
    () => void redis.eval(renew, 1, name, token, ttlMs).catch(() => {}),
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await redis.eval(release, 1, name, token);
  }
}
