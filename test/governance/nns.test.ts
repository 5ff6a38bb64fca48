import { describe, expect, it } from 'vitest';
import {
  applyBatch,
  type Ballots,
  defaultGasModel,
  evaluateCascade,
  type FollowGraph,
  followedVote,
  planCascade,
  Topic,
  unpackDecidedBy,
  Vote,
} from '../../agents/governance/nns.js';
import { randomFollowGraph } from './graphs.js';

const { Yes, No } = Vote;

/** A graph from `[neuron, topic, followees]` rows; neurons 1..size exist even without lists. */
function graphOf(size: number, rows: [number, Topic, number[]][]): FollowGraph {
  const graph = new Map<number, Map<Topic, number[]>>();
  for (let id = 1; id <= size; id++) graph.set(id, new Map());
  for (const [neuron, topic, followees] of rows) graph.get(neuron)!.set(topic, followees);
  return graph;
}

const derived = (result: Map<number, Vote>, given: Ballots) =>
  [...result].filter(([n]) => !given.has(n)).sort(([a], [b]) => a - b);

describe('followedVote', () => {
  it('says yes above half, no at half or more, else nothing', () => {
    const ballots = new Map<number, Vote>([
      [1, Yes],
      [2, Yes],
      [3, No],
      [4, No],
    ]);
    expect(followedVote([1, 2, 5], ballots)).toBe(Yes);
    expect(followedVote([1, 3, 5], ballots)).toBeUndefined();
    expect(followedVote([1, 2, 3, 4], ballots)).toBe(No);
    expect(followedVote([1, 2, 5, 6], ballots)).toBeUndefined();
    expect(followedVote([3, 5], ballots)).toBe(No);
    expect(followedVote([], ballots)).toBeUndefined();
  });
});

describe('evaluateCascade', () => {
  it('follows a chain six levels deep', () => {
    const graph = graphOf(7, [
      [2, Topic.General, [1]],
      [3, Topic.General, [2]],
      [4, Topic.General, [3]],
      [5, Topic.General, [4]],
      [6, Topic.General, [5]],
      [7, Topic.General, [6]],
    ]);
    const ballots = new Map([[1, No as Vote]]);
    expect(derived(evaluateCascade({ graph, topic: Topic.General, ballots }), ballots)).toEqual(
      [2, 3, 4, 5, 6, 7].map((n) => [n, No]),
    );
  });

  it('leaves a cycle without a ballot undecided and resolves one with an entry', () => {
    const graph = graphOf(6, [
      [2, Topic.General, [3]],
      [3, Topic.General, [2]],
      [4, Topic.General, [1, 5]],
      [5, Topic.General, [4]],
      [6, Topic.General, [2, 4]],
    ]);
    const ballots = new Map([[1, Yes as Vote]]);
    // 4 has 1 yes of 2 (not more than half): the 4-5 cycle stays open too, and so does 6.
    expect(derived(evaluateCascade({ graph, topic: Topic.General, ballots }), ballots)).toEqual([]);
    const noBallots = new Map([[1, No as Vote]]);
    expect(derived(evaluateCascade({ graph, topic: Topic.General, ballots: noBallots }), noBallots)).toEqual([
      [4, No],
      [5, No],
      [6, No],
    ]);
  });

  it('uses the catch-all list except for the Governance topic, and a topic list over it', () => {
    const graph = graphOf(4, [
      [3, Topic.CatchAll, [1]],
      [4, Topic.CatchAll, [1]],
      [4, Topic.Oracle, [2]],
    ]);
    const ballots = new Map<number, Vote>([
      [1, Yes],
      [2, No],
    ]);
    expect(derived(evaluateCascade({ graph, topic: Topic.Oracle, ballots }), ballots)).toEqual([
      [3, Yes],
      [4, No],
    ]);
    expect(derived(evaluateCascade({ graph, topic: Topic.Governance, ballots }), ballots)).toEqual([]);
    expect(derived(evaluateCascade({ graph, topic: Topic.General, ballots }), ballots)).toEqual([
      [3, Yes],
      [4, Yes],
    ]);
  });

  it('keeps direct ballots and skips neurons not eligible', () => {
    const graph = graphOf(4, [
      [2, Topic.General, [1]],
      [3, Topic.General, [2]],
      [4, Topic.General, [1]],
    ]);
    const ballots = new Map<number, Vote>([
      [1, Yes],
      [4, No],
    ]);
    const result = evaluateCascade({ graph, topic: Topic.General, ballots, eligible: (n) => n !== 2 });
    expect(derived(result, ballots)).toEqual([]);
    expect(result.get(4)).toBe(No);
  });
});

describe('applyBatch', () => {
  it('counts earlier ballots of the batch and reports the deciding followees in list order', () => {
    const graph = graphOf(6, [
      [4, Topic.General, [1, 2, 3]],
      [5, Topic.General, [3, 4, 1]],
      [6, Topic.General, [5]],
    ]);
    const ballots = new Map<number, Vote>([
      [1, Yes],
      [2, No],
      [3, Yes],
    ]);
    const written = applyBatch({ graph, topic: Topic.General, ballots }, [6, 4, 5]);
    expect(written).toEqual([
      { neuron: 4, vote: Yes, decidedBy: [1, 3] },
      { neuron: 5, vote: Yes, decidedBy: [3, 4] },
    ]);
    expect(ballots.has(6)).toBe(false);
  });
});

describe('unpackDecidedBy', () => {
  it('reads 32-bit ids from the low bits', () => {
    expect(unpackDecidedBy(7n | (9n << 32n) | (0xffffffffn << 64n))).toEqual([7, 9, 0xffffffff]);
    expect(unpackDecidedBy(0n)).toEqual([]);
  });
});

describe('planCascade', () => {
  it('orders a chain wave by wave and packs it into one batch when the budget allows', () => {
    const graph = graphOf(4, [
      [4, Topic.General, [3]],
      [3, Topic.General, [2]],
      [2, Topic.General, [1]],
    ]);
    const plan = planCascade({ graph, topic: Topic.General, ballots: new Map([[1, Yes]]), gasBudget: 1e6 });
    expect(plan.waves.map((w) => w.map((x) => x.neuron))).toEqual([[2], [3], [4]]);
    expect(plan.batches).toEqual([[2, 3, 4]]);
    const { base, perNeuron, perFollowee, perBallotWord } = defaultGasModel;
    expect(plan.gas).toEqual([base + 3 * (perNeuron + perFollowee) + perBallotWord]);
  });

  it('splits at the gas budget, keeps dependencies first and sorts ids within a wave', () => {
    // 200 followers of neuron 1 (one wave), each followed by one more (a second wave).
    const rows: [number, Topic, number[]][] = [];
    for (let i = 2; i <= 201; i++) rows.push([i, Topic.General, [1]], [i + 200, Topic.General, [i]]);
    const graph = graphOf(401, rows);
    const { base, perNeuron, perFollowee, perBallotWord } = defaultGasModel;
    const gasBudget = base + 150 * (perNeuron + perFollowee) + 4 * perBallotWord;
    const plan = planCascade({ graph, topic: Topic.General, ballots: new Map([[1, No]]), gasBudget });
    expect(plan.batches.flat()).toEqual([...range(2, 201), ...range(202, 401)]);
    expect(plan.batches).toHaveLength(3);
    for (const gas of plan.gas) expect(gas).toBeLessThanOrEqual(gasBudget);
    // Each batch but the last is full: the next neuron would not have fit.
    for (const gas of plan.gas.slice(0, -1)) expect(gas + perNeuron + perFollowee).toBeGreaterThan(gasBudget);
  });

  it('writes the reference fixpoint with no skipped neuron on random graphs with cycles and chains', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { graph, ballots, eligible } = randomFollowGraph({ seed, neurons: 400, roots: 5 });
      for (const topic of [Topic.General, Topic.Governance]) {
        const reference = evaluateCascade({ graph, topic, ballots, eligible });
        const plan = planCascade({ graph, topic, ballots, eligible, gasBudget: 500_000 });
        const state = new Map(ballots);
        for (const batch of plan.batches) {
          const written = applyBatch({ graph, topic, ballots: state, eligible }, batch);
          expect(written.map((w) => w.neuron)).toEqual(batch);
        }
        expect(state).toEqual(reference);
        for (const gas of plan.gas) expect(gas).toBeLessThanOrEqual(500_000);
      }
    }
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
