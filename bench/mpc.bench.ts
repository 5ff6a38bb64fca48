/**
 * MPC benchmarks: three `mpc-node` processes on loopback (authenticated, encrypted TCP).
 * - mpc-mul / mpc-mul-malicious: multiplications/s over Z_2^64, batches of 10^6.
 * - mpc-cmp / mpc-cmp-malicious: exact signed 64-bit comparisons/s, batches of 10^5.
 * - mpc-ballot-10k: seconds to tally a 10,000-vote weighted secret ballot (3 options), from
 *   client-side sharing to the opened totals, malicious mode; no chain.
 * Throughput runs repeat batches until at least 5 s of protocol time; the time is the slowest
 * node's, measured inside the nodes (IPC of job descriptions excluded; inputs are random shared
 * values drawn by the nodes). The reference is JIFF (3 parties) as measured for the issue:
 * ~86 multiplications/s and ~4 comparisons/s; malicious results also carry the semi-honest
 * figure of the same run and the overhead factor.
 */
import { startLocalCommittee } from '../agents/privacy/mpc/local.js';
import type { Mode } from '../agents/privacy/mpc/party.js';
import { freePort } from '../agents/stack/services.js';
import type { Benchmark, BenchResult } from './result.js';

const JIFF = { mul: 86, cmp: 4 } as const;
const BATCH = { mul: 1_000_000, cmp: 100_000 } as const;
const MIN_SECONDS = 5;

async function committee(mode: Mode) {
  const ports = [await freePort(), await freePort(), await freePort()] as const;
  return startLocalCommittee({ ports, mode, config: { logLevel: 'warn', roundTimeoutMs: 300_000 } });
}

/** ops/s of `op` in `mode`, over at least MIN_SECONDS of protocol time. */
async function throughput(op: 'mul' | 'cmp', mode: Mode) {
  const c = await committee(mode);
  try {
    let ops = 0;
    let ms = 0;
    let words = 0;
    for (let i = 0; ms < MIN_SECONDS * 1000; i++) {
      const results = await c.run({ id: `bench-${op}-${i}`, kind: 'bench', op, n: BATCH[op], reps: 1 });
      const outputs = results.map((r) => r.output as Extract<typeof r.output, { kind: 'bench' }>);
      ops += outputs[0]!.ops;
      ms += Math.max(...outputs.map((o) => o.elapsedMs));
      words += outputs[0]!.words;
    }
    return { opsPerSecond: (ops * 1000) / ms, seconds: ms / 1000, bytesPerOp: (4 * words) / ops };
  } finally {
    await c.close();
  }
}

function throughputBench(op: 'mul' | 'cmp', mode: Mode): Benchmark {
  const name = `mpc-${op}${mode === 'malicious' ? '-malicious' : ''}`;
  return {
    name,
    async run(): Promise<BenchResult> {
      const measured = await throughput(op, mode);
      const semi = mode === 'malicious' ? await throughput(op, 'semi-honest') : undefined;
      return {
        name,
        unit: 'ops/s',
        value: measured.opsPerSecond,
        reference: JIFF[op],
        ratio: measured.opsPerSecond / JIFF[op],
        ...(semi && { semi_honest: semi.opsPerSecond, overhead: semi.opsPerSecond / measured.opsPerSecond }),
        params: {
          mode,
          batch: BATCH[op],
          nodes: 3,
          transport: 'tcp loopback, secp256k1-authenticated, AES-256-GCM',
          protocol_seconds: measured.seconds,
          bytes_sent_per_op_per_node: measured.bytesPerOp,
          reference: 'JIFF (npm jiff-mpc), 3 parties, figure from the issue',
        },
      };
    },
  };
}

const ballot: Benchmark = {
  name: 'mpc-ballot-10k',
  async run(): Promise<BenchResult> {
    const voters = 10_000;
    const choices = Array.from({ length: voters }, (_, v) => BigInt(v % 3));
    const weights = Array.from({ length: voters }, (_, v) => BigInt(1 + (v % 1000)) * 10n ** 18n);
    const seconds: Record<Mode, number> = { 'semi-honest': 0, malicious: 0 };
    for (const mode of ['semi-honest', 'malicious'] as const) {
      const c = await committee(mode);
      try {
        // Nodes are long-running: warm them up (JIT) with a small ballot first.
        const few = { choices: choices.slice(0, 100), weights: { public: weights.slice(0, 100) } };
        await c.run({ id: `warm-${mode}`, kind: 'ballot', options: 3, ...few });
        const start = performance.now();
        await c.run({
          id: `ballot-${mode}`,
          kind: 'ballot',
          options: 3,
          choices,
          weights: { public: weights },
        });
        seconds[mode] = (performance.now() - start) / 1000;
      } finally {
        await c.close();
      }
    }
    return {
      name: 'mpc-ballot-10k',
      unit: 's',
      value: seconds.malicious,
      semi_honest_s: seconds['semi-honest'],
      params: {
        voters,
        options: 3,
        weights: 'public',
        mode: 'malicious',
        nodes: 3,
        excludes: 'chain time',
        warm_up: '100-vote ballot first',
      },
    };
  },
};

export default [
  throughputBench('mul', 'semi-honest'),
  throughputBench('mul', 'malicious'),
  throughputBench('cmp', 'semi-honest'),
  throughputBench('cmp', 'malicious'),
  ballot,
] satisfies Benchmark[];
