/**
 * Quote a market maker holds back for its sealed bids that may still win: a won lot must be
 * payable, so its other bids (sealed or Dutch) only see the rest of its funds. A Redis hash (one
 * per agent and token) holds `<cost>:<deadline>` per sealed computation; a reservation ends when
 * it is released (the result was read, or the bid never landed) or, at the latest, once chain time
 * passes its deadline (the rebalance's: no fill is possible after it).
 */
import type { Redis } from 'ioredis';

export type Reservations = {
  /** Holds `cost` for `id` until `deadline` (chain time); holding again replaces it. */
  hold: (id: string, cost: bigint, deadline: bigint) => Promise<void>;
  release: (id: string) => Promise<void>;
  /** What `id` holds (the whole lot at its bid), if anything. */
  cost: (id: string) => Promise<bigint | undefined>;
  /** The sum held at chain time `now`, but `except`'s; drops reservations past their deadline. */
  held: (now: bigint, except?: string) => Promise<bigint>;
};

export function createReservations(redis: Redis, key: string): Reservations {
  return {
    hold: async (id, cost, deadline) => {
      await redis.hset(key, id, `${cost}:${deadline}`);
    },
    release: async (id) => {
      await redis.hdel(key, id);
    },
    cost: async (id) => {
      const value = await redis.hget(key, id);
      return value === null ? undefined : BigInt(value.split(':')[0]!);
    },
    held: async (now, except) => {
      let held = 0n;
      const over: string[] = [];
      for (const [id, value] of Object.entries(await redis.hgetall(key))) {
        const [cost, deadline] = value.split(':').map(BigInt) as [bigint, bigint];
        if (deadline < now) over.push(id);
        else if (id !== except) held += cost;
      }
      if (over.length > 0) await redis.hdel(key, ...over);
      return held;
    },
  };
}
