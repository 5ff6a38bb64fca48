/**
 * Three `mpc-node` processes on loopback (malicious mode): the three applications end to end,
 * no secret in any log line, and a node crash mid-computation ending in a clean timeout and a
 * successful retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitJob } from '../../../agents/privacy/mpc/jobs.js';
import { MpcTimeoutError } from '../../../agents/privacy/mpc/link.js';
import { type LocalCommittee, startLocalCommittee } from '../../../agents/privacy/mpc/local.js';
import type { JobResult } from '../../../agents/privacy/mpc/node.js';
import { freePort } from '../../../agents/stack/services.js';
import { randomU64, signed } from './helpers.js';

let committee: LocalCommittee;
const logs: string[] = ['', '', ''];

beforeAll(async () => {
  committee = await startLocalCommittee({
    ports: [await freePort(), await freePort(), await freePort()],
    mode: 'malicious',
    config: { logLevel: 'debug', roundTimeoutMs: 5_000, connectTimeoutMs: 20_000 },
    stdio: 'pipe',
  });
  committee.processes.forEach((child, i) => {
    child.stdout?.on('data', (chunk: Buffer) => (logs[i] += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (logs[i] += chunk.toString()));
  });
});
afterAll(() => committee.close());

const outputs = (results: JobResult[]) => results.map((r) => r.output);

describe('a committee of three processes', () => {
  const balances = Array.from({ length: 40 }, (_, j) => (j % 4 === 0 ? 0n : signed(randomU64()) >> 8n));
  const bids = Array.from({ length: 16 }, () => (randomU64() >> 2n) + 1_000_000n);

  it('tallies a ballot, checks the holder cap and thresholds, and runs an auction; logs hold no secret', async () => {
    const choices = Array.from({ length: 500 }, (_, v) => BigInt(v % 3));
    const weights = Array.from({ length: 500 }, (_, v) => BigInt(1000 + v));
    const totals = [0n, 1n, 2n].map((j) => choices.reduce((s, c, v) => (c === j ? s + weights[v]! : s), 0n));
    const ballot = splitJob({
      id: 'ballot-1',
      kind: 'ballot',
      options: 3,
      choices,
      weights: { public: weights },
    });
    for (const o of outputs(await committee.runSplit(ballot))) expect(o).toEqual({ kind: 'ballot', totals });

    const positive = balances.filter((b) => b > 0n).length;
    const cap = splitJob({ id: 'cap-1', kind: 'holder-cap', balances, cap: BigInt(positive) });
    for (const o of outputs(await committee.runSplit(cap)))
      expect(o).toEqual({ kind: 'holder-cap', withinCap: true });
    const thresholds = balances.map(() => 0n);
    const threshold = splitJob({ id: 'th-1', kind: 'threshold', balances, thresholds });
    const meets = balances.map((b) => b >= 0n);
    for (const o of outputs(await committee.runSplit(threshold)))
      expect(o).toEqual({ kind: 'threshold', meets });

    const auction = splitJob({ id: 'auction-1', kind: 'auction', bids, pricing: 'second' });
    const sorted = [...bids].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    for (const o of outputs(await committee.runSplit(auction))) {
      expect(o).toEqual({ kind: 'auction', winner: bids.indexOf(sorted[0]!), price: sorted[1]! });
    }

    // No secret input and no share word appears in any node's log, in decimal or hex.
    const words = (s: { a: Uint32Array; b: Uint32Array }) => [
      ...new BigUint64Array(s.a.slice().buffer),
      ...new BigUint64Array(s.b.slice().buffer),
    ];
    const shares = [...cap, ...auction].flatMap((job) => {
      if (job.kind === 'holder-cap') return words(job.balances);
      if (job.kind === 'auction') return words(job.bids);
      return [];
    });
    const secrets = [...balances.filter((b) => b !== 0n), ...bids, ...shares];
    const all = logs.join('\n');
    expect(all).toContain('mpc job done');
    for (const s of secrets) {
      for (const text of [s.toString(), BigInt.asUintN(64, s).toString(16)]) expect(all).not.toContain(text);
    }
  });

  it('times out cleanly when a node crashes mid-computation, then succeeds on retry', async () => {
    const job = { id: 'crash-1', kind: 'bench', op: 'mul', n: 1 << 16, reps: 2_000 } as const;
    const running = committee.run(job);
    // Kill node 2 once it has started the job.
    await new Promise<void>((resolve) => {
      const child = committee.processes[2]!;
      const check = (chunk: Buffer) => {
        if (chunk.toString().includes('"job_id":"crash-1"')) {
          child.stdout?.off('data', check);
          resolve();
        }
      };
      child.stdout?.on('data', check);
    });
    committee.kill(2);
    await expect(running).rejects.toBeInstanceOf(MpcTimeoutError);
    await committee.restart(2);
    const retried = await committee.run({ ...job, reps: 2, attempt: 1 });
    for (const r of retried)
      expect(r).toMatchObject({ id: 'crash-1', attempt: 1, output: { kind: 'bench', ops: 2 * (1 << 16) } });
  });
});
