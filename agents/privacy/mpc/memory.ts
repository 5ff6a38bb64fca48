/**
 * Three links connected in memory, for unit tests of the protocol: same ordering and seeds as
 * the TCP transport, no sockets.
 */
import { randomBytes } from 'node:crypto';
import { type Link, MpcTimeoutError, type Neighbour, neighbourId, type PartyId } from './link.js';

export type MemoryOptions = {
  /** Rejects a receive that waits longer than this (ms). */
  timeoutMs?: number;
  /** Sees (and may replace) every message, e.g. to tamper with one party's messages in tests. */
  tap?: (from: PartyId, to: PartyId, data: Uint8Array) => Uint8Array;
};

type Queue = { items: Uint8Array[]; waiters: ((data: Uint8Array) => void)[] };

export function createMemoryLinks({ timeoutMs = 30_000, tap }: MemoryOptions = {}): [Link, Link, Link] {
  // Pairwise seeds: seed[i] is shared by parties i and i + 1.
  const pairSeeds = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const queues = new Map<string, Queue>();
  const queue = (from: PartyId, to: PartyId) => {
    const key = `${from}>${to}`;
    let q = queues.get(key);
    if (!q) {
      q = { items: [], waiters: [] };
      queues.set(key, q);
    }
    return q;
  };
  const link = (id: PartyId): Link => ({
    id,
    seeds: { next: pairSeeds[id]!, prev: pairSeeds[(id + 2) % 3]! },
    send(to: Neighbour, data: Uint8Array) {
      const peer = neighbourId(id, to);
      const copy = tap ? tap(id, peer, data.slice()) : data.slice();
      const q = queue(id, peer);
      const waiter = q.waiters.shift();
      if (waiter) waiter(copy);
      else q.items.push(copy);
    },
    recv(from: Neighbour) {
      const q = queue(neighbourId(id, from), id);
      const item = q.items.shift();
      if (item) return Promise.resolve(item);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          q.waiters.splice(q.waiters.indexOf(deliver), 1);
          reject(new MpcTimeoutError(`party ${id}: no message from ${from} in ${timeoutMs} ms`));
        }, timeoutMs);
        const deliver = (data: Uint8Array) => {
          clearTimeout(timer);
          resolve(data);
        };
        q.waiters.push(deliver);
      });
    },
  });
  return [link(0), link(1), link(2)];
}
