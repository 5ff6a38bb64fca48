/**
 * What the governance roles know from events, in Redis so it survives restarts and is shared by
 * every process of a role: the follow graph (`FollowingSet`, the latest list per neuron and topic
 * by log position, whatever order jobs run in), ballots (`VoteCast`, `FollowerResolved`: written
 * once) and the open proposals.
 */
import type { Redis } from 'ioredis';
import { withLock } from '../runtime/index.js';
import type { FollowGraph, Topic, Vote } from './nns.js';

export type GovernanceStore = {
  /** Records a `FollowingSet` unless a later one (by block and log index) is already stored. */
  setFollowing: (args: {
    neuron: number;
    topic: Topic;
    followees: readonly number[];
    block: bigint;
    logIndex: number;
  }) => Promise<void>;
  followGraph: () => Promise<FollowGraph>;
  /** Records a ballot; returns false when the neuron already had one (ballots are written once). */
  setBallot: (proposal: bigint, neuron: number, vote: Vote) => Promise<boolean>;
  ballots: (proposal: bigint) => Promise<Map<number, Vote>>;
  openProposal: (proposal: bigint) => Promise<void>;
  /** Drops the proposal from the open set; its ballots expire a day later (late events still find them). */
  closeProposal: (proposal: bigint) => Promise<void>;
  openProposals: () => Promise<bigint[]>;
  /**
   * Asks for `work` on the proposal (a cascade) and runs it under the proposal's lock, again for
   * as long as new requests arrived while it ran. When another process holds the lock, the
   * request is left for it (it runs `work` once more after its current run) and this resolves
   * false at once: concurrent requests coalesce into one more run instead of failing.
   */
  runCoalesced: (proposal: bigint, ttlMs: number, work: () => Promise<void>) => Promise<boolean>;
};

/** Sets a field to `ARGV[2]` unless its stored position (the text before `|`) is later than `ARGV[2]`'s. */
const newerWins = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and string.sub(current, 1, 18) > string.sub(ARGV[2], 1, 18) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/** Log position as 18 sortable digits: block (12) then log index (6). */
const position = (block: bigint, logIndex: number) =>
  `${block.toString().padStart(12, '0')}${String(logIndex).padStart(6, '0')}`;

export function createGovernanceStore({
  redis,
  key,
  governance,
  role,
}: {
  /** The agent's connection (`ctx.redis`). */
  redis: Redis;
  /** The agent's key prefix (`ctx.key`). */
  key: string;
  governance: string;
  role: string;
}): GovernanceStore {
  const base = `${key}:${role}:${governance.toLowerCase()}`;
  const followKey = `${base}:follow`;
  const ballotKey = (proposal: bigint) => `${base}:ballots:${proposal}`;
  const openKey = `${base}:open`;
  return {
    setFollowing: async ({ neuron, topic, followees, block, logIndex }) => {
      await redis.eval(
        newerWins,
        1,
        followKey,
        `${neuron}:${topic}`,
        `${position(block, logIndex)}|${followees.join(',')}`,
      );
    },
    followGraph: async () => {
      const graph = new Map<number, Map<Topic, number[]>>();
      for (const [field, value] of Object.entries(await redis.hgetall(followKey))) {
        const [neuron, topic] = field.split(':').map(Number) as [number, Topic];
        const list = value.slice(19);
        const lists = graph.get(neuron) ?? new Map<Topic, number[]>();
        graph.set(neuron, lists);
        lists.set(topic, list === '' ? [] : list.split(',').map(Number));
      }
      return graph;
    },
    setBallot: async (proposal, neuron, vote) =>
      (await redis.hsetnx(ballotKey(proposal), String(neuron), vote)) === 1,
    ballots: async (proposal) => {
      const ballots = new Map<number, Vote>();
      for (const [neuron, vote] of Object.entries(await redis.hgetall(ballotKey(proposal)))) {
        ballots.set(Number(neuron), Number(vote) as Vote);
      }
      return ballots;
    },
    openProposal: async (proposal) => void (await redis.sadd(openKey, proposal.toString())),
    closeProposal: async (proposal) => {
      await redis.multi().srem(openKey, proposal.toString()).expire(ballotKey(proposal), 86_400).exec();
    },
    openProposals: async () => (await redis.smembers(openKey)).map(BigInt),
    runCoalesced: async (proposal, ttlMs, work) => {
      const requested = `${base}:requested:${proposal}`;
      await redis.set(requested, '1');
      for (;;) {
        const held = await withLock(redis, `${base}:lock:${proposal}`, { ttlMs }, async () => {
          while ((await redis.getdel(requested)) !== null) await work();
        });
        // The holder checks for requests after it released: ours is run by it, or by our retry here.
        if (!held.acquired) return false;
        if (!(await redis.exists(requested))) return true;
      }
    },
  };
}
