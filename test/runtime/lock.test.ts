/**
 * The runtime's Redis lock on a real redis-server: renewed while the work runs (so it outlives its
 * TTL), refused to others meanwhile, free once the work is done, freed by expiry when its holder
 * is gone (no renewal), waited for up to `waitMs`, and released only by its holder.
 */
import { describe, expect, it } from 'vitest';
import { whileLocked, withLock } from '../../agents/runtime/lock.js';
import { useRedis } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withLock', () => {
  const { client } = useRedis();

  it('is renewed while the work runs, so it outlives its TTL; others are refused until it ends', async () => {
    const refusedDuring: boolean[] = [];
    // TTL 1.5 s, work 3 s: without renewal the lock would expire halfway.
    const held = await withLock(client(), 'lock:1', { ttlMs: 1_500 }, async () => {
      for (let i = 0; i < 5; i++) {
        await sleep(600);
        refusedDuring.push(!(await withLock(client(), 'lock:1', { ttlMs: 1_500 }, async () => {})).acquired);
      }
      return 'done';
    });
    expect(held).toEqual({ acquired: true, value: 'done' });
    expect(refusedDuring).toEqual([true, true, true, true, true]);
    expect((await withLock(client(), 'lock:1', { ttlMs: 1_500 }, async () => {})).acquired).toBe(true);
  });

  it("frees by expiry a lock whose holder stopped renewing (a crashed process's)", async () => {
    await client().set('lock:2', 'crashed-holder', 'PX', 500);
    expect((await withLock(client(), 'lock:2', { ttlMs: 500 }, async () => {})).acquired).toBe(false);
    await sleep(700);
    expect((await withLock(client(), 'lock:2', { ttlMs: 500 }, async () => {})).acquired).toBe(true);
  });

  it('waits up to waitMs for a held lock, and whileLocked throws a retryable error past it', async () => {
    const holding = withLock(client(), 'lock:3', { ttlMs: 2_000 }, () => sleep(300));
    await sleep(50);
    const waited = await withLock(client(), 'lock:3', { ttlMs: 2_000, waitMs: 2_000 }, async () => 'after');
    expect(waited).toEqual({ acquired: true, value: 'after' });
    await holding;
    const long = withLock(client(), 'lock:3', { ttlMs: 2_000 }, () => sleep(500));
    await sleep(50);
    await expect(
      whileLocked(client(), 'lock:3', { ttlMs: 2_000, waitMs: 100 }, async () => {}),
    ).rejects.toThrow(/locked by another worker/);
    await long;
  });

  it('is released only by its holder: an expired holder does not delete the next holder’s lock', async () => {
    const first = withLock(client(), 'lock:4', { ttlMs: 100 }, async () => {
      await client().del('lock:4'); // stands in for an expiry the renewal missed
      await client().set('lock:4', 'next-holder', 'PX', 5_000);
    });
    await first;
    expect(await client().get('lock:4')).toBe('next-holder');
  });
});
