/**
 * Random follow graphs for the cascade tests and the `cascade-10k` benchmark: layered chains
 * (each layer follows the one before, so depth >= `depth`), back edges that close cycles, some
 * catch-all lists, a few root neurons that vote directly, and a few ineligible neurons.
 */
import { type FollowGraph, MAX_FOLLOWEES, Topic, Vote } from '../../agents/governance/nns.js';

/** mulberry32: a small seeded PRNG, so a failing graph can be rebuilt from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type RandomGraph = {
  graph: Map<number, Map<Topic, number[]>>;
  /** Direct votes of the roots. */
  ballots: Map<number, Vote>;
  eligible: (neuron: number) => boolean;
  roots: number[];
};

export function randomFollowGraph({
  seed,
  neurons,
  roots,
  depth = 8,
  maxFollowees = 7,
  ineligible = 0.01,
}: {
  seed: number;
  neurons: number;
  roots: number;
  depth?: number;
  maxFollowees?: number;
  ineligible?: number;
}): RandomGraph {
  const random = prng(seed);
  const pick = (from: number, to: number) => from + Math.floor(random() * (to - from + 1));
  // Layers of ids: layer 0 are the roots; neuron ids are shuffled so layers do not match id order.
  const ids = Array.from({ length: neurons }, (_, i) => i + 1);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const layers: number[][] = [ids.slice(0, roots)];
  const perLayer = Math.ceil((neurons - roots) / depth);
  for (let start = roots; start < neurons; start += perLayer) layers.push(ids.slice(start, start + perLayer));
  const graph = new Map<number, Map<Topic, number[]>>();
  for (const id of ids) graph.set(id, new Map());
  for (let l = 1; l < layers.length; l++) {
    for (const id of layers[l]!) {
      // Mostly short lists (as most NNS neurons follow one or a few), sometimes long ones.
      const count = Math.min(MAX_FOLLOWEES, random() < 0.8 ? pick(1, 3) : pick(4, maxFollowees));
      const followees = new Set<number>();
      // Mostly the layer above (chains), sometimes any earlier layer, sometimes a later one (cycles).
      while (followees.size < count) {
        const r = random();
        const layer = r < 0.85 ? l - 1 : r < 0.95 ? pick(0, l - 1) : pick(l, layers.length - 1);
        const candidate = layers[layer]![pick(0, layers[layer]!.length - 1)]!;
        if (candidate !== id) followees.add(candidate);
      }
      const r2 = random();
      const topic = r2 < 0.3 ? Topic.CatchAll : r2 < 0.4 ? Topic.Governance : Topic.General;
      graph.get(id)!.set(topic, [...followees]);
    }
  }
  // Pure cycles no root reaches: they must stay undecided.
  for (let i = 0; i + 2 < Math.min(9, layers.at(-1)!.length); i += 3) {
    const [a, b, c] = layers.at(-1)!.slice(i, i + 3) as [number, number, number];
    graph.set(a, new Map([[Topic.CatchAll, [b]]]));
    graph.set(b, new Map([[Topic.CatchAll, [c]]]));
    graph.set(c, new Map([[Topic.CatchAll, [a]]]));
  }
  const ballots = new Map<number, Vote>();
  for (const root of layers[0]!) ballots.set(root, random() < 0.7 ? Vote.Yes : Vote.No);
  const excluded = new Set(ids.filter((id) => !ballots.has(id) && random() < ineligible));
  return { graph, ballots, eligible: (n) => !excluded.has(n), roots: layers[0]! };
}

/** The follow graph as `setFollowing` calls: (neuron, topic, followees). */
export function followingCalls(graph: FollowGraph): { neuron: number; topic: Topic; followees: number[] }[] {
  const calls: { neuron: number; topic: Topic; followees: number[] }[] = [];
  for (const [neuron, lists] of graph) {
    for (const [topic, followees] of lists) calls.push({ neuron, topic, followees: [...followees] });
  }
  return calls.sort((a, b) => a.neuron - b.neuron || a.topic - b.topic);
}
