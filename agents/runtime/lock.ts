/**
 * One Redis lock for every role: `SET key token PX ttl NX`, renewed every third of its TTL while
 * the work runs (so a slow send never outlives it), released only by its holder (a token checked
 * in a script). Work that must not run twice at once (a proposal's cascade, a budget's
 * reservation, a question's stake) runs under it.
 */
import type { Redis } from 'ioredis';
import { RetryableError } from './errors.js';

const release = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const renew = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export type LockOptions = {
  /** Lifetime of the lock if its holder dies; renewed while the work runs. */
  ttlMs: number;
  /** How long to wait for a held lock before giving up (default 0: try once). */
  waitMs?: number;
};

export type LockResult<T> = { acquired: true; value: T } | { acquired: false };

/** Runs `work` holding the lock `key`; `{ acquired: false }` when another holder kept it past `waitMs`. */
export async function withLock<T>(
  redis: Redis,
  key: string,
  options: LockOptions,
  work: () => Promise<T>,
): Promise<LockResult<T>> {
  const token = `${process.pid}-${Math.random()}`;
  const deadline = Date.now() + (options.waitMs ?? 0);
  while ((await redis.set(key, token, 'PX', options.ttlMs, 'NX')) !== 'OK') {
    if (Date.now() >= deadline) return { acquired: false };
    await new Promise((r) => setTimeout(r, 10));
  }
  const renewal = setInterval(
    () => void redis.eval(renew, 1, key, token, options.ttlMs).catch(() => undefined),
    Math.max(1, Math.floor(options.ttlMs / 3)),
  );
  try {
    return { acquired: true, value: await work() };
  } finally {
    clearInterval(renewal);
    await redis.eval(release, 1, key, token);
  }
}

/** `withLock` that throws a RetryableError (the job retries later) when the lock stays held. */
export async function whileLocked<T>(
  redis: Redis,
  key: string,
  options: LockOptions,
  work: () => Promise<T>,
) {
  const result = await withLock(redis, key, options, work);
  if (!result.acquired) throw new RetryableError(`${key} is locked by another worker`);
  return result.value;
}
