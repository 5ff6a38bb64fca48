/**
 * One BullMQ queue per role. Every chain event becomes a job whose id is derived from
 * (chain id, block hash, log index), so enqueueing a replayed range adds nothing; tasks (sweep
 * results, deadlines) carry ids chosen by the role. Failed jobs retry with exponential backoff;
 * an UnrecoverableError fails a job at once; jobs that exhaust their attempts stay in the failed
 * set and are reported (log line, metric, health).
 */
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import type { BaseConfig } from './config.js';
import { shortMessage } from './errors.js';
import type { ChainLog } from './ingest.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { STOP_STEP_MS, settlesWithin } from './time.js';

export { UnrecoverableError } from 'bullmq';

export type EventJob = { kind: 'event'; log: ChainLog };
export type TaskJob = { kind: 'task'; name: string; id: string; data: unknown };
export type JobData = EventJob | TaskJob;

/** A unit of work a role asks for: run `name` with `data` (now, or at a deadline). */
export type Task = {
  name: string;
  /** Stable id: the same id is enqueued at most once while its job is kept. */
  id: string;
  data?: unknown;
  /** Run at (not before) this time: a deadline. */
  at?: Date;
};

export type RoleQueue = {
  queue: Queue<JobData>;
  enqueueLogs: (logs: ChainLog[]) => Promise<void>;
  enqueueTask: (task: Task) => Promise<void>;
  /** Removes the jobs of undone events that did not start yet; returns the ids already started. */
  removeEvents: (jobIds: string[]) => Promise<string[]>;
  startWorker: (process: (job: Job<JobData>) => Promise<void>) => void;
  failedCount: () => Promise<number>;
  /** Stops taking jobs; waits `graceMs` for active ones, then releases them (they stall and rerun). */
  close: (graceMs: number) => Promise<void>;
};

/** The deterministic job id of a chain event. */
export function eventJobId(chainId: number, blockHash: string, logIndex: number): string {
  return `${chainId}-${blockHash}-${logIndex}`;
}

export function taskJobId(task: Pick<Task, 'name' | 'id'>): string {
  return `task-${task.name}-${task.id}`;
}

export type CreateRoleQueueArgs = {
  name: string;
  chainId: number;
  redis: RedisSettings;
  config: BaseConfig['queue'];
  logger: Logger;
  metrics: Metrics;
};

/** Where Redis is: one server (`redis.url`) or a cluster (`redis_cluster`). */
export type RedisSettings = Pick<BaseConfig, 'redis'> & Partial<Pick<BaseConfig, 'redis_cluster'>>;

/**
 * A connection to the configured Redis: a client of `redis.url`, or of the cluster when
 * `redis_cluster` is set. A cluster client has the commands of a single-server one (ioredis), so
 * it is typed as one; every multi-key command and script of the runtime keeps its keys under
 * `redisPrefix` (one hash slot). `probe`: no retries (a startup check).
 */
export function redisConnection(settings: RedisSettings | string, { probe = false } = {}): Redis {
  const url = typeof settings === 'string' ? settings : settings.redis.url;
  const cluster = typeof settings === 'string' ? undefined : settings.redis_cluster;
  const retries = probe
    ? { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null }
    : { maxRetriesPerRequest: null, enableReadyCheck: true };
  if (!cluster) return new Redis(url, retries);
  const nodes = cluster.nodes.map((node) => {
    const [host, port] = node.split(':');
    return { host: host!, port: Number(port) };
  });
  const client = new Cluster(nodes, {
    ...(probe ? { lazyConnect: true, clusterRetryStrategy: () => null } : { enableReadyCheck: true }),
    // A failover (a master down, its replica promoted) is waited out, not reported as an error.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    maxRedirections: 64,
    // Managed clusters with TLS announce node addresses that only resolve as given.
    ...(cluster.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    redisOptions: {
      ...(probe ? { maxRetriesPerRequest: 0 } : { maxRetriesPerRequest: null }),
      username: cluster.username,
      password: cluster.password,
      tls: cluster.tls ? {} : undefined,
    },
  } satisfies ClusterOptions);
  return client as unknown as Redis;
}

/**
 * The BullMQ prefix and the root of every other key (`<prefix>:<chain id>:...`): `redis.prefix`,
 * in braces on a cluster (`{stoa}`), a hash tag that puts all of one prefix in one slot, as
 * BullMQ's scripts, the sender's scripts and the ingestor's transactions need.
 */
export function redisPrefix(settings: RedisSettings): string {
  return settings.redis_cluster ? `{${settings.redis.prefix}}` : settings.redis.prefix;
}

export function createRoleQueue({
  name,
  chainId,
  redis,
  config,
  logger,
  metrics,
}: CreateRoleQueueArgs): RoleQueue {
  const prefix = redisPrefix(redis);
  const connection = redisConnection(redis);
  const queue = new Queue<JobData>(name, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: config.attempts,
      backoff: { type: 'exponential', delay: config.backoff_ms },
      removeOnComplete: { age: config.keep_completed_s, count: config.keep_completed },
      removeOnFail: false,
    },
  });
  queue.on('error', (error) => logger.warn({ err_message: shortMessage(error) }, 'queue connection error'));
  let worker: Worker<JobData> | undefined;
  let workerConnection: Redis | undefined;

  return {
    queue,
    enqueueLogs: async (logs) => {
      await queue.addBulk(
        logs.map((log) => ({
          name: 'event',
          data: { kind: 'event', log },
          opts: { jobId: eventJobId(chainId, log.block_hash, log.log_index) },
        })),
      );
    },
    enqueueTask: async (task) => {
      const delay = task.at ? Math.max(0, task.at.getTime() - Date.now()) : 0;
      await queue.add(
        task.name,
        { kind: 'task', name: task.name, id: task.id, data: task.data ?? null },
        { jobId: taskJobId(task), delay },
      );
    },
    removeEvents: async (jobIds) => {
      const started: string[] = [];
      for (const id of jobIds) {
        const job = await queue.getJob(id);
        if (!job) continue;
        const state = await job.getState();
        if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await job.remove();
        else started.push(id);
      }
      return started;
    },
    startWorker: (process) => {
      workerConnection = redisConnection(redis);
      worker = new Worker<JobData>(name, process, {
        connection: workerConnection,
        prefix,
        concurrency: config.concurrency,
        lockDuration: config.lock_ms,
        stalledInterval: config.lock_ms,
        maxStalledCount: config.max_stalled,
        autorun: true,
      });
      worker.on('completed', (job) => metrics.jobs.inc({ kind: job.data.kind, outcome: 'completed' }));
      worker.on('failed', (job, error) => {
        if (!job) return;
        const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
        metrics.jobs.inc({ kind: job.data.kind, outcome: final ? 'failed' : 'retried' });
        const fields = { job_id: job.id, attempts_made: job.attemptsMade, err_message: shortMessage(error) };
        if (final) logger.error(fields, 'job failed for good; kept in the failed set');
        else logger.warn(fields, 'job failed; will retry');
      });
      worker.on('error', (error) => logger.warn({ err_message: shortMessage(error) }, 'worker error'));
    },
    failedCount: async () => {
      const count = await queue.getFailedCount();
      metrics.failedJobsKept.set(count);
      return count;
    },
    close: async (graceMs) => {
      // Each step is bounded: BullMQ's close can wait for ever on a connection that is stuck
      // reconnecting after a Redis restart. The connections are dropped at the end whatever happened.
      if (worker) {
        if (!(await settlesWithin(worker.close(), graceMs))) {
          logger.warn({ grace_ms: graceMs }, 'active jobs did not finish in time; releasing them');
          if (!(await settlesWithin(worker.close(true), STOP_STEP_MS)))
            logger.warn({ waited_ms: STOP_STEP_MS }, 'worker did not close; dropping its connection');
        }
      }
      if (!(await settlesWithin(queue.close(), STOP_STEP_MS)))
        logger.warn({ waited_ms: STOP_STEP_MS }, 'queue did not close; dropping its connection');
      workerConnection?.disconnect();
      connection.disconnect();
    },
  };
}
