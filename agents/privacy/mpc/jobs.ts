/**
 * Computations a node runs: each job carries this node's shares of the secret inputs and the
 * public parameters; all three nodes receive the same job id, kind and parameters. A result is
 * public (it is what gets signed and posted on chain).
 */
import {
  ballotChoiceBits,
  ballotTally,
  holderCapCheck,
  sealedBidAuction,
  thresholdCheck,
  totalAtLeast,
  type Weights,
} from './gadgets.js';
import type { Party, Share } from './party.js';
import { bool, ring } from './ring.js';
import { shareBits, shareValues } from './share.js';

export type Job = { id: string; attempt?: number } & (
  | { kind: 'ballot'; options: number; voters: number; choices: Share; weights: Weights }
  | { kind: 'holder-cap'; balances: Share; cap: bigint }
  | { kind: 'threshold'; balances: Share; thresholds: bigint[] }
  | { kind: 'total-threshold'; balances: Share; threshold: bigint }
  | { kind: 'auction'; bids: Share; pricing: 'first' | 'second' }
  | { kind: 'bench'; op: 'mul' | 'cmp'; n: number; reps: number }
);

export type JobOutput =
  | { kind: 'ballot'; totals: bigint[] }
  | { kind: 'holder-cap'; withinCap: boolean }
  | { kind: 'threshold'; meets: boolean[] }
  | { kind: 'total-threshold'; atLeast: boolean }
  | { kind: 'auction'; winner: number; price: bigint }
  | { kind: 'bench'; ops: number; elapsedMs: number; words: number; rounds: number; triples: number };

/** Share vectors a job brings in, checked for consistency first in malicious mode. */
function inputsOf(job: Job): Share[] {
  switch (job.kind) {
    case 'ballot':
      return 'secret' in job.weights ? [job.choices, job.weights.secret] : [job.choices];
    case 'holder-cap':
    case 'threshold':
    case 'total-threshold':
      return [job.balances];
    case 'auction':
      return [job.bids];
    case 'bench':
      return [];
  }
}

export async function runJob(party: Party, job: Job): Promise<JobOutput> {
  await party.checkInputs(inputsOf(job));
  switch (job.kind) {
    case 'ballot':
      return { kind: 'ballot', totals: await ballotTally(party, job) };
    case 'holder-cap':
      return { kind: 'holder-cap', withinCap: await holderCapCheck(party, job) };
    case 'threshold':
      return { kind: 'threshold', meets: await thresholdCheck(party, job) };
    case 'total-threshold':
      return { kind: 'total-threshold', atLeast: await totalAtLeast(party, job) };
    case 'auction':
      return { kind: 'auction', ...(await sealedBidAuction(party, job)) };
    case 'bench':
      return benchJob(party, job);
  }
}

/**
 * Throughput run on random shared inputs (free with replicated sharing): `reps` batches of n
 * multiplications or comparisons, then (malicious mode) the verification, then one opening.
 */
async function benchJob(
  party: Party,
  { op, n, reps }: { op: 'mul' | 'cmp'; n: number; reps: number },
): Promise<JobOutput> {
  const x = party.random(ring, n);
  const y = party.random(ring, n);
  const start = performance.now();
  let last: Share = x;
  let lastKernel = ring;
  for (let r = 0; r < reps; r++) {
    if (op === 'mul') [last] = (await party.mul(ring, [[x, y]])) as [Share];
    else {
      last = await party.lt(x, y, n);
      lastKernel = bool;
    }
  }
  await party.open(lastKernel, {
    a: last.a.subarray(0, lastKernel.width),
    b: last.b.subarray(0, lastKernel.width),
  });
  const elapsedMs = performance.now() - start;
  return { kind: 'bench', ops: n * reps, elapsedMs, ...party.stats };
}

/** A job with plaintext inputs, as a test, benchmark or trusted dealer would state it. */
export type PlainJob = { id: string; attempt?: number } & (
  | {
      kind: 'ballot';
      options: number;
      choices: bigint[];
      weights: { public: bigint[] } | { secret: bigint[] };
    }
  | { kind: 'holder-cap'; balances: bigint[]; cap: bigint }
  | { kind: 'threshold'; balances: bigint[]; thresholds: bigint[] }
  | { kind: 'total-threshold'; balances: bigint[]; threshold: bigint }
  | { kind: 'auction'; bids: bigint[]; pricing: 'first' | 'second' }
  | { kind: 'bench'; op: 'mul' | 'cmp'; n: number; reps: number }
);

/** The three nodes' jobs for a plaintext job: every secret input replaced by that node's shares. */
export function splitJob(plain: PlainJob): [Job, Job, Job] {
  const per = (f: (i: number) => Job): [Job, Job, Job] => [f(0), f(1), f(2)];
  switch (plain.kind) {
    case 'ballot': {
      const choices = shareBits(plain.choices, ballotChoiceBits(plain.options));
      const w = plain.weights;
      const secret = 'secret' in w ? shareValues(w.secret) : undefined;
      return per((i) => ({
        ...plain,
        voters: plain.choices.length,
        choices: choices[i]!,
        weights: secret ? { secret: secret[i]! } : { public: (w as { public: bigint[] }).public },
      }));
    }
    case 'holder-cap':
    case 'threshold':
    case 'total-threshold': {
      const balances = shareValues(plain.balances);
      return per((i) => ({ ...plain, balances: balances[i]! }));
    }
    case 'auction': {
      const bids = shareValues(plain.bids);
      return per((i) => ({ ...plain, bids: bids[i]! }));
    }
    case 'bench':
      return per(() => plain);
  }
}
