/**
 * The NNS following rules in plain TypeScript, as `Governance.resolveFollowers` applies them
 * (contracts/governance/README.md): a reference evaluator (`evaluateCascade`, a naive fixpoint
 * kept deliberately simple), the contract's in-order batch semantics (`applyBatch`), and the
 * keeper's planner (`planCascade`): which neurons the current ballots determine, ordered
 * dependencies first, cut into `resolveFollowers` batches that fit a gas budget.
 */

/** `IGovernance.Topic`; `CatchAll` names the catch-all list, not a proposal topic. */
export const Topic = {
  Governance: 0,
  TokenCompliance: 1,
  Oracle: 2,
  Basket: 3,
  Treasury: 4,
  General: 5,
  CatchAll: 6,
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

/** `IGovernance.ProposalStatus`. */
export const ProposalStatus = { Open: 0, Adopted: 1, Rejected: 2, Executed: 3, Expired: 4 } as const;

/** `IGovernance.Vote` without `None`: a written ballot. */
export const Vote = { Yes: 1, No: 2 } as const;
export type Vote = (typeof Vote)[keyof typeof Vote];

/** Followee lists by neuron, then by topic (`CatchAll` included); an empty or missing list means none. */
export type FollowGraph = ReadonlyMap<number, ReadonlyMap<Topic, readonly number[]>>;
export type Ballots = ReadonlyMap<number, Vote>;

/** Maximum followees per list and the 32-bit ids packed in `FollowerResolved.decidedBy`. */
export const MAX_FOLLOWEES = 15;
const DECIDED_BY_MAX = 8;

/** The list that decides a neuron's vote on a `topic` proposal: its own, else the catch-all (never for Governance). */
export function applicableFollowees(graph: FollowGraph, neuron: number, topic: Topic): readonly number[] {
  const lists = graph.get(neuron);
  const own = lists?.get(topic);
  if (own && own.length > 0) return own;
  if (topic === Topic.Governance) return [];
  return lists?.get(Topic.CatchAll) ?? [];
}

/** The NNS rule: yes when more than half of the followees voted yes, no when at least half voted no. */
export function followedVote(followees: readonly number[], ballots: Ballots): Vote | undefined {
  const n = followees.length;
  if (n === 0) return undefined;
  let yes = 0;
  let no = 0;
  for (const f of followees) {
    const b = ballots.get(f);
    if (b === Vote.Yes && 2 * ++yes > n) return Vote.Yes;
    if (b === Vote.No && 2 * ++no >= n) return Vote.No;
  }
  return undefined;
}

/** Unpacks `FollowerResolved.decidedBy`: 32-bit neuron ids from the low bits, zero-terminated. */
export function unpackDecidedBy(decidedBy: bigint): number[] {
  const ids: number[] = [];
  for (let i = 0; i < DECIDED_BY_MAX; i++) {
    const id = Number((decidedBy >> BigInt(32 * i)) & 0xffffffffn);
    if (id === 0) break;
    ids.push(id);
  }
  return ids;
}

export type CascadeInput = {
  graph: FollowGraph;
  topic: Topic;
  /** Ballots written so far (direct votes and resolved followers). */
  ballots: Ballots;
  /** Neurons eligible on the proposal (power fixed at creation > 0); default: every neuron. */
  eligible?: (neuron: number) => boolean;
};

const everyone = () => true;

/**
 * Reference evaluator: the ballots once following has run to its fixpoint (cycles without a
 * ballot stay undecided). Sweeps every neuron until nothing changes; the outcome does not depend
 * on the order, since ballots are only added and yes/no quorums exclude each other.
 */
export function evaluateCascade({
  graph,
  topic,
  ballots,
  eligible = everyone,
}: CascadeInput): Map<number, Vote> {
  const result = new Map(ballots);
  for (let changed = true; changed; ) {
    changed = false;
    for (const neuron of graph.keys()) {
      if (result.has(neuron) || !eligible(neuron)) continue;
      const vote = followedVote(applicableFollowees(graph, neuron, topic), result);
      if (vote !== undefined) {
        result.set(neuron, vote);
        changed = true;
      }
    }
  }
  return result;
}

/** A ballot written by `applyBatch`, with the followees that decided it (as `decidedBy` packs them). */
export type Resolved = { neuron: number; vote: Vote; decidedBy: number[] };

/**
 * What `resolveFollowers(proposal, batch)` writes: in batch order, each eligible neuron without a
 * ballot whose followees decide it; earlier writes count for later neurons. Mutates `ballots`.
 */
export function applyBatch(
  {
    graph,
    topic,
    ballots,
    eligible = everyone,
  }: Omit<CascadeInput, 'ballots'> & { ballots: Map<number, Vote> },
  batch: readonly number[],
): Resolved[] {
  const written: Resolved[] = [];
  for (const neuron of batch) {
    if (ballots.has(neuron) || !eligible(neuron)) continue;
    const followees = applicableFollowees(graph, neuron, topic);
    const vote = followedVote(followees, ballots);
    if (vote === undefined) continue;
    const quorum = vote === Vote.Yes ? Math.floor(followees.length / 2) + 1 : Math.ceil(followees.length / 2);
    const decidedBy = followees.filter((f) => ballots.get(f) === vote).slice(0, quorum);
    ballots.set(neuron, vote);
    written.push({ neuron, vote, decidedBy });
  }
  return written;
}

/**
 * Gas model of `resolveFollowers`. The committed snapshots (area `governance`) give 13,252 gas
 * per follower with 3 followees and 19,242 with 15 (dense ids, batch of 100), i.e. about
 * 11,750 + 500 per followee; on the `cascade-10k` graph (ids spread over many ballot words, a
 * batch of 1,697 followers) a batch measured 6% above that, so the per-neuron term carries
 * 1,000 gas of headroom. Plus per batch the transaction and call overhead, and per ballot word
 * (128 neurons) first touched in the batch a cold read and a possibly fresh slot.
 */
export type GasModel = {
  base: number;
  perNeuron: number;
  perFollowee: number;
  perBallotWord: number;
};
export const defaultGasModel: GasModel = {
  base: 60_000,
  perNeuron: 12_750,
  perFollowee: 500,
  perBallotWord: 22_100,
};

export type Plan = {
  /** Derived ballots by wave: wave k only depends on ballots given before or in waves < k. */
  waves: { neuron: number; vote: Vote }[][];
  /** `resolveFollowers` batches, to send in order; ids ascending within each wave's part of a batch. */
  batches: number[][];
  /** Modelled gas of each batch. */
  gas: number[];
};

/**
 * Plans a cascade: every neuron the ballots determine (the same set as `evaluateCascade`),
 * ordered by wave so dependencies come first, cut into batches whose modelled gas stays within
 * `gasBudget` (a single neuron over the budget still gets a batch of its own). Linear in the
 * size of the follow graph: a reverse index counts followees' ballots as they are written.
 */
export function planCascade({
  graph,
  topic,
  ballots,
  eligible = everyone,
  gasBudget,
  model = defaultGasModel,
}: CascadeInput & { gasBudget: number; model?: GasModel }): Plan {
  const lists = new Map<number, readonly number[]>();
  const followers = new Map<number, number[]>();
  const yes = new Map<number, number>();
  const no = new Map<number, number>();
  for (const neuron of graph.keys()) {
    if (ballots.has(neuron) || !eligible(neuron)) continue;
    const list = applicableFollowees(graph, neuron, topic);
    if (list.length === 0) continue;
    lists.set(neuron, list);
    for (const f of list) {
      const known = followers.get(f);
      if (known) known.push(neuron);
      else followers.set(f, [neuron]);
    }
  }
  const decided = new Map<number, Vote>();
  const count = (neuron: number, vote: Vote): Vote | undefined => {
    const counter = vote === Vote.Yes ? yes : no;
    const c = (counter.get(neuron) ?? 0) + 1;
    counter.set(neuron, c);
    const n = lists.get(neuron)!.length;
    if (vote === Vote.Yes ? 2 * c > n : 2 * c >= n) return vote;
    return undefined;
  };
  // Wave 0 is the given ballots; each wave's ballots are counted by their followers.
  let current: { neuron: number; vote: Vote }[] = [...ballots].map(([neuron, vote]) => ({ neuron, vote }));
  const waves: { neuron: number; vote: Vote }[][] = [];
  for (;;) {
    const next: { neuron: number; vote: Vote }[] = [];
    for (const { neuron, vote } of current) {
      for (const follower of followers.get(neuron) ?? []) {
        if (decided.has(follower)) continue;
        const outcome = count(follower, vote);
        if (outcome !== undefined) {
          decided.set(follower, outcome);
          next.push({ neuron: follower, vote: outcome });
        }
      }
    }
    if (next.length === 0) break;
    next.sort((a, b) => a.neuron - b.neuron);
    waves.push(next);
    current = next;
  }
  return { waves, ...cutBatches(waves, lists, gasBudget, model) };
}

function cutBatches(
  waves: readonly { neuron: number }[][],
  lists: ReadonlyMap<number, readonly number[]>,
  gasBudget: number,
  model: GasModel,
): { batches: number[][]; gas: number[] } {
  const batches: number[][] = [];
  const gas: number[] = [];
  let batch: number[] = [];
  let words = new Set<number>();
  let used = model.base;
  const close = () => {
    if (batch.length === 0) return;
    batches.push(batch);
    gas.push(used);
    batch = [];
    words = new Set();
    used = model.base;
  };
  const cost = (neuron: number) =>
    model.perNeuron +
    model.perFollowee * lists.get(neuron)!.length +
    (words.has(neuron >> 7) ? 0 : model.perBallotWord);
  for (const wave of waves) {
    for (const { neuron } of wave) {
      if (batch.length > 0 && used + cost(neuron) > gasBudget) close();
      used += cost(neuron);
      words.add(neuron >> 7);
      batch.push(neuron);
    }
  }
  close();
  return { batches, gas };
}
