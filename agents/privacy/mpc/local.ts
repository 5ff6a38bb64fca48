/**
 * A local committee: three `mpc-node` processes on loopback with fresh keys, driven over IPC.
 * Used by tests, benchmarks and the local stack (`npm start`); production nodes run the same
 * entry with their own config on their own machines.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { MpcNodeConfigInput } from './config.js';
import type { Job, PlainJob } from './jobs.js';
import { splitJob } from './jobs.js';
import { MpcAbortError, MpcError, MpcTimeoutError } from './link.js';
import type { JobResult } from './node.js';

const entry = join(import.meta.dirname, '..', 'mpc-node', 'index.ts');

export type LocalCommitteeOptions = {
  /** Three free loopback ports. */
  ports: readonly [number, number, number];
  mode: 'semi-honest' | 'malicious';
  /** Merged into every node's config (e.g. roundTimeoutMs, logLevel). */
  config?: Partial<MpcNodeConfigInput>;
  /** Where the nodes' stdout/stderr go (default: inherited). */
  stdio?: 'inherit' | 'pipe';
};

type Reply =
  | { type: 'ready'; port: number; publicKey: string }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; id: string; name: string; message: string };

export interface LocalCommittee {
  readonly processes: ChildProcess[];
  /** Shares the inputs, runs the job on the three nodes, returns their three results. */
  run(job: PlainJob): Promise<JobResult[]>;
  /** Runs already-split jobs (one per node); rejects with the first node's error once all finished. */
  runSplit(jobs: readonly [Job, Job, Job]): Promise<JobResult[]>;
  /** Kills node i (SIGKILL), e.g. to simulate a crash. */
  kill(i: number): void;
  /** Starts node i again after a kill. */
  restart(i: number): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalCommittee(options: LocalCommitteeOptions): Promise<LocalCommittee> {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-mpc-'));
  const keys = [0, 1, 2].map(() => secp256k1.utils.randomSecretKey());
  const publicKeys = keys.map((k) => bytesToHex(secp256k1.getPublicKey(k, true)));
  const paths = [0, 1, 2].map((id) => {
    const config: MpcNodeConfigInput = {
      id: id as 0 | 1 | 2,
      secretKey: bytesToHex(keys[id]!),
      listen: { host: '127.0.0.1', port: options.ports[id]! },
      peers: [0, 1, 2]
        .filter((p) => p !== id)
        .map((p) => ({
          id: p as 0 | 1 | 2,
          host: '127.0.0.1',
          port: options.ports[p]!,
          publicKey: publicKeys[p]!,
        })),
      mode: options.mode,
      ...options.config,
    };
    const path = join(dir, `node-${id}.json`);
    writeFileSync(path, JSON.stringify(config));
    chmodSync(path, 0o600);
    return path;
  });
  const processes: ChildProcess[] = [];
  const pending = new Map<string, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();

  function spawnNode(i: number): Promise<void> {
    const child = fork(entry, [paths[i]!], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe', 'ipc'] : 'inherit',
    });
    processes[i] = child;
    const key = (id: string) => `${i}:${id}`;
    child.on('message', (reply: Reply) => {
      if (reply.type === 'result') pending.get(key(reply.result.id))?.resolve(reply.result);
      if (reply.type === 'error') {
        const ErrorClass =
          reply.name === 'MpcAbortError'
            ? MpcAbortError
            : reply.name === 'MpcTimeoutError'
              ? MpcTimeoutError
              : MpcError;
        pending.get(key(reply.id))?.reject(new ErrorClass(`node ${i}: ${reply.message}`));
      }
    });
    child.on('exit', () => {
      for (const [k, p] of pending)
        if (k.startsWith(`${i}:`)) p.reject(new MpcTimeoutError(`node ${i} exited`));
    });
    return new Promise((resolve, reject) => {
      child.once('message', (reply: Reply) =>
        reply.type === 'ready' ? resolve() : reject(new Error('unexpected reply')),
      );
      child.once('exit', (code) => reject(new Error(`node ${i} exited with ${code} before ready`)));
    });
  }

  function runOn(i: number, job: Job): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      const k = `${i}:${job.id}`;
      pending.set(k, {
        resolve: (r) => {
          pending.delete(k);
          resolve(r);
        },
        reject: (e) => {
          pending.delete(k);
          reject(e);
        },
      });
      processes[i]!.send({ type: 'job', job });
    });
  }

  await Promise.all([0, 1, 2].map(spawnNode));

  const committee: LocalCommittee = {
    processes,
    // Waits for all three nodes (so that a retry never overlaps a node still on the old attempt).
    async runSplit(jobs) {
      const settled = await Promise.allSettled(jobs.map((job, i) => runOn(i, job)));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.map((s) => (s as PromiseFulfilledResult<JobResult>).value);
    },
    run: (job) => committee.runSplit(splitJob(job)),
    kill(i) {
      processes[i]!.kill('SIGKILL');
    },
    restart: (i) => spawnNode(i),
    async close() {
      await Promise.all(
        processes.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return committee;
}
