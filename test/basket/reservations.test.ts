/**
 * The quote a market maker holds back for its sealed bids, on a real redis-server: reservations
 * add up, one can be left out (the bid being placed again), holding again replaces, release ends
 * one, and chain time past a deadline drops it.
 */
import { describe, expect, it } from 'vitest';
import { createReservations } from '../../agents/basket/reservations.js';
import { useRedis } from '../runtime/helpers.js';

const { client } = useRedis();

describe('sealed-bid reservations', () => {
  it('add up until released or past their deadline', async () => {
    const redis = client();
    const reservations = createReservations(redis, 'test:reserved:quote');
    await reservations.hold('a', 100n, 1_000n);
    await reservations.hold('b', 30n, 2_000n);
    expect(await reservations.held(500n)).toBe(130n);
    expect(await reservations.held(500n, 'a')).toBe(30n);
    await reservations.hold('b', 40n, 2_000n);
    expect(await reservations.held(500n)).toBe(140n);
    expect(await reservations.held(1_000n)).toBe(140n); // a's deadline itself still counts
    expect(await reservations.held(1_001n)).toBe(40n);
    expect(await redis.hkeys('test:reserved:quote')).toEqual(['b']);
    await reservations.release('b');
    expect(await reservations.held(0n)).toBe(0n);
  });
});
