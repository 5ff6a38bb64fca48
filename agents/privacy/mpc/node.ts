/**
 * An MPC node: the authenticated mesh to its two peers plus a job runner. The caller (the chain
 * watcher in production; tests and benchmarks here) hands the same job to all three nodes; each
 * node returns the public result, which the caller signs and posts. A job that times out (a peer
 * crashed or is too slow) or aborts (a check failed) returns no result; the caller may run it
 * again with the next `attempt` number, which starts a fresh session.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Logger } from 'pino';
import type { MpcNodeConfig } from './config.js';
import { type Job, type JobOutput, runJob } from './jobs.js';
import { MpcAbortError, MpcError } from './link.js';
import { createParty } from './party.js';
import { createTcpMesh, type Session } from './tcp.js';

export type JobResult = { id: string; attempt: number; output: JobOutput };

export interface MpcNode {
  readonly id: number;
  readonly port: number;
  /** This node's public key (compressed), for the peers' configs or the committee contract. */
  readonly publicKey: Uint8Array;
  ready(): Promise<void>;
  run(job: Job): Promise<JobResult>;
  close(): Promise<void>;
}

export async function createMpcNode({
  config,
  logger,
}: {
  config: MpcNodeConfig;
  logger: Logger;
}): Promise<MpcNode> {
  const log = logger.child({ role: 'mpc-node', node: config.id });
  const mesh = await createTcpMesh({
    id: config.id,
    secretKey: config.secretKey,
    listen: config.listen,
    peers: config.peers,
    committee: config.committee,
    maxFrameBytes: config.maxFrameBytes,
    logger: log,
  });
  let queue: Promise<unknown> = Promise.resolve();

  async function execute(job: Job): Promise<JobResult> {
    const attempt = job.attempt ?? 0;
    const jobLog = log.child({ job_id: job.id, attempt, kind: job.kind });
    await mesh.ready(config.connectTimeoutMs);
    const started = performance.now();
    jobLog.info({ mode: config.mode }, 'mpc job started');
    let session: Session | undefined;
    try {
      session = await mesh.session(`${job.id}#${attempt}`, config.roundTimeoutMs);
      const party = createParty({ link: session, mode: config.mode });
      const output = await runJob(party, job);
      jobLog.info(
        {
          elapsed_ms: Math.round(performance.now() - started),
          rounds: party.stats.rounds,
          words_sent: party.stats.words,
        },
        'mpc job done',
      );
      return { id: job.id, attempt, output };
    } catch (error) {
      session?.giveUp(error instanceof MpcAbortError ? 'abort' : 'timeout');
      const known = error instanceof MpcError;
      jobLog.warn(
        { error_name: known ? error.name : 'Error', error: known ? error.message : String(error) },
        'mpc job failed',
      );
      throw error;
    } finally {
      session?.close();
    }
  }

  return {
    id: config.id,
    port: mesh.port,
    publicKey: secp256k1.getPublicKey(config.secretKey, true),
    ready: () => mesh.ready(config.connectTimeoutMs),
    // Jobs run one after the other: the three nodes then process them in the same order.
    run(job) {
      const result = queue.then(() => execute(job));
      queue = result.catch(() => undefined);
      return result;
    },
    close: () => mesh.close(),
  };
}
