/**
 * One agent process for one role: startup checks, the ingestor feeding the role's queue, the
 * worker running the role's handlers, the sweep schedule, the sender, health and metrics, and a
 * graceful stop.
 */
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import cron, { type ScheduledTask } from 'node-cron';
import { type AbiEvent, type Address, decodeEventLog, type Hex, toEventSelector } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type Chain, createChain, verifyChain } from './chain.js';
import { type AgentConfig, loadPrivateKey } from './config.js';
import { ConfigError, FatalError, RetryableError, redactError, redactUrl, shortMessage } from './errors.js';
import { createEventReader, type EventReader } from './events.js';
import { type HttpServer, startHttpServer } from './http.js';
import { type ChainLog, createIngestor, type Ingestor, type UndoneBlock } from './ingest.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import {
  createRoleQueue,
  eventJobId,
  type JobData,
  type RedisSettings,
  type RoleQueue,
  redisConnection,
  redisPrefix,
} from './queue.js';
import type { Role, RoleContext, RoleEvent } from './role.js';
import { createTxSender, type TxSender } from './sender.js';
import { backoffMs, STOP_STEP_MS, settlesWithin, sleep } from './time.js';

export type CreateAgentArgs = {
  role: Role;
  config: AgentConfig;
  /** Signing key; default: from `sender.key_file` or the env variable `sender.key_env`. */
  privateKey?: Hex;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
};

export type Agent = {
  /** Runs the startup checks and starts every part; rejects with a StoaError when a check fails. */
  start: () => Promise<void>;
  /** Graceful stop: no new work, active jobs finish (or are released after the grace period). */
  stop: () => Promise<void>;
  /** Settles when the agent stopped: resolves after `stop()`, rejects on a fatal runtime error. */
  done: Promise<void>;
  /** Port of the health/metrics server (after `start`). */
  httpPort: () => number | undefined;
  metrics: Metrics;
  queue: () => RoleQueue;
  ingestor: () => Ingestor;
};

async function connectRedis(
  settings: RedisSettings,
  attempts: number,
  logger: Logger,
  signal: AbortSignal,
): Promise<Redis> {
  const url = settings.redis_cluster
    ? `redis-cluster://${settings.redis_cluster.nodes.join(',')}`
    : settings.redis.url;
  for (let attempt = 0; ; attempt++) {
    const probe = redisConnection(settings, { probe: true });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch (error) {
      probe.disconnect();
      if (attempt + 1 >= attempts || signal.aborted) {
        throw new RetryableError(`redis unreachable at ${redactUrl(url)}: ${shortMessage(error)}`);
      }
      logger.warn(
        { redis_url: redactUrl(url), attempt, err_message: shortMessage(error) },
        'redis not reachable yet',
      );
      await sleep(backoffMs({ attempt, baseMs: 250, maxMs: 5_000 }), signal);
    }
  }
  const redis = redisConnection(settings);
  redis.on('error', (error) => logger.warn({ err_message: shortMessage(error) }, 'redis connection error'));
  return redis;
}

export function createAgent({
  role,
  config,
  privateKey,
  logger: parent,
  env = process.env,
}: CreateAgentArgs): Agent {
  const logger = (parent ?? createLogger({ level: config.log.level })).child({ role: role.name });
  const metrics = createMetrics({ role: role.name });
  const controller = new AbortController();
  const key = `${redisPrefix(config)}:${config.chain.chain_id}`;
  let redis: Redis | undefined;
  let chain: Chain | undefined;
  let queue: RoleQueue | undefined;
  let ingestor: Ingestor | undefined;
  let http: HttpServer | undefined;
  let sweepTask: ScheduledTask | undefined;
  let sender: TxSender | undefined;
  let fatal: unknown;
  let ingesting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  done.catch(() => {});

  const contracts: Record<string, Address> = {};
  const byAddress = new Map<string, string>();
  for (const name of role.contracts) {
    const contract = config.contracts[name];
    if (!contract) throw new ConfigError(`config error: contracts.${name}: required by role ${role.name}`);
    contracts[name] = contract.address as Address;
    byAddress.set(contract.address.toLowerCase(), name);
  }
  const events = role.abi.filter(
    (item): item is AbiEvent => item.type === 'event' && (role.events?.includes(item.name) ?? true),
  );
  if (events.length === 0) throw new FatalError(`role ${role.name}: no event of its abi is followed`);
  if (role.task && !role.tasks)
    throw new FatalError(`role ${role.name} has a task handler but no task schemas`);

  let readEvents: EventReader | undefined;

  /** The context handed to the role; `log` is made on first use (most jobs never log). */
  const context = (log: Logger | (() => Logger)): RoleContext => {
    let logger_ = typeof log === 'function' ? undefined : log;
    const getLogger = () => (logger_ ??= (log as () => Logger)());
    return {
      role: role.name,
      config: config.role,
      settings: config,
      chain: chain!,
      contracts,
      get logger() {
        return getLogger();
      },
      signal: controller.signal,
      send: (action) => {
        if (!sender)
          throw new FatalError(`role ${role.name} sends a transaction but is not declared with sender: true`);
        return sender.send(action, getLogger());
      },
      enqueue: (task) => queue!.enqueueTask(task),
      account: sender?.address,
      redis: redis!,
      key,
      safeBlock: () => ingestor!.safeBlock(),
      events: (query) => readEvents!(query),
      metrics: metrics.role,
    };
  };

  /** The followed events by selector: a log is decoded against its one event only. */
  const bySelector = new Map(events.map((event) => [toEventSelector(event), [event] as const]));

  function decode(log: ChainLog, jobId: string): RoleEvent {
    let decoded: { eventName: string | undefined; args: unknown };
    try {
      const abi = bySelector.get(log.topics[0]!) ?? role.abi;
      decoded = decodeEventLog({ abi, topics: log.topics as [Hex, ...Hex[]], data: log.data });
    } catch (error) {
      throw new UnrecoverableError(`cannot decode log ${jobId}: ${shortMessage(error)}`);
    }
    return {
      ...decoded,
      contract: byAddress.get(log.address.toLowerCase()) ?? log.address,
      address: log.address,
      block_number: BigInt(log.block_number),
      block_hash: log.block_hash,
      log_index: log.log_index,
      tx_hash: log.tx_hash,
      job_id: jobId,
    } as RoleEvent;
  }

  /** A task job's data parsed with the role's schema for its name. */
  function taskData(name: string, data: unknown): unknown {
    const schema = role.tasks?.[name];
    if (!role.task || !schema) throw new UnrecoverableError(`role ${role.name} has no task named ${name}`);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ');
      throw new UnrecoverableError(`task ${name} of role ${role.name} has invalid data: ${issues}`);
    }
    return parsed.data;
  }

  async function processJob(job: Job<JobData>) {
    const log = () => logger.child({ job_id: job.id, attempt: job.attemptsMade + 1 });
    const end = metrics.jobDuration.startTimer({ kind: job.data.kind });
    try {
      if (job.data.kind === 'event') await role.handle(decode(job.data.log, job.id!), context(log));
      else {
        const { name, id } = job.data;
        await role.task!({ name, id, data: taskData(name, job.data.data) }, context(log));
      }
    } catch (error) {
      // BullMQ keeps the message and stack of a failed job: no RPC key in them. Retrying cannot
      // help a fatal error (bad data, a missing contract): fail the job at once.
      const redacted = redactError(error);
      if (error instanceof FatalError) throw new UnrecoverableError(shortMessage(redacted));
      throw redacted;
    } finally {
      end();
    }
  }

  async function undo(blocks: UndoneBlock[]) {
    const undone = blocks.flatMap((block) =>
      block.log_indexes.map((log_index) => ({
        job_id: eventJobId(config.chain.chain_id, block.hash, log_index),
        block_number: block.number,
        block_hash: block.hash,
        log_index,
      })),
    );
    const started = new Set(await queue!.removeEvents(undone.map((e) => e.job_id)));
    const events = undone.map((e) => ({ ...e, started: started.has(e.job_id) }));
    logger.warn(
      { undone_events: events.length, already_started: started.size },
      'reorg undid enqueued events; jobs not started were removed',
    );
    await role.undo?.(events, context(logger));
  }

  async function sweep() {
    try {
      await role.sweep!(context(logger.child({ sweep: true })));
      metrics.sweeps.inc({ outcome: 'ok' });
    } catch (error) {
      metrics.sweeps.inc({ outcome: 'error' });
      logger.warn({ err_message: shortMessage(error) }, 'sweep failed; next run will retry');
    }
  }

  async function health() {
    const failed = await queue?.failedCount().catch(() => undefined);
    const cursor = ingestor?.cursor();
    return {
      ok: !stopping && ingestor !== undefined && ingestor.lastError() === undefined,
      role: role.name,
      chain_id: config.chain.chain_id,
      cursor_block: cursor ? Number(cursor.number) : null,
      failed_jobs: failed ?? null,
      last_error: ingestor?.lastError() ?? null,
    };
  }

  async function start() {
    const signal = controller.signal;
    logger.info(
      { chain_id: config.chain.chain_id, rpc_url: redactUrl(config.chain.rpc_url) },
      'agent starting',
    );
    redis = await connectRedis(config, config.chain.startup_attempts, logger, signal);
    chain = createChain({ config: config.chain });
    readEvents = createEventReader({
      client: chain.client,
      confirmations: config.ingest.confirmations,
      range: config.ingest,
      startBlocks: Object.fromEntries(Object.values(config.contracts).map((c) => [c.address, c.start_block])),
      logger,
    });
    await verifyChain({ chain, config, logger, signal });
    if (role.sender) {
      const account = privateKeyToAccount(privateKey ?? loadPrivateKey({ sender: config.sender, env }));
      sender = createTxSender({ chain, account, redis, key, config: config.sender, logger, metrics });
      await sender.start();
    }
    queue = createRoleQueue({
      name: role.name,
      chainId: config.chain.chain_id,
      redis: config,
      config: config.queue,
      logger,
      metrics,
    });
    ingestor = createIngestor({
      chain,
      redis,
      key: `${key}:${role.name}`,
      sources: role.contracts.map((name) => ({
        address: contracts[name]!,
        start_block: config.contracts[name]!.start_block,
      })),
      events,
      config: config.ingest,
      logger,
      metrics,
      enqueue: (logs) => queue!.enqueueLogs(logs),
      undo,
    });
    queue.startWorker(processJob);
    if (config.http.enabled) {
      http = await startHttpServer({ ...config.http, registry: metrics.registry, health });
    }
    if (role.sweep && config.sweep.enabled) {
      sweepTask = cron.schedule(config.sweep.cron, sweep, { noOverlap: true, name: `${role.name}-sweep` });
    }
    ingesting = ingestor.run(signal).then(
      () => undefined,
      (error) => {
        logger.fatal({ err_message: shortMessage(error) }, 'ingestion stopped');
        fatal = error;
        void stop();
      },
    );
    logger.info({ http_port: http?.port ?? null, contracts }, 'agent started');
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      logger.info({ grace_ms: config.shutdown_grace_ms }, 'agent stopping');
      controller.abort();
      // Every step is bounded so that a stop always ends (a library that never settles is logged
      // and left behind); the queue bounds its own steps, after the grace period for active jobs.
      const step = async (name: string, work: unknown) => {
        if (!(await settlesWithin(Promise.resolve(work), STOP_STEP_MS)))
          logger.warn({ step: name, waited_ms: STOP_STEP_MS }, 'stop step overran');
      };
      await step('ingestion', ingesting);
      await step('sweep', sweepTask?.destroy());
      await queue?.close(config.shutdown_grace_ms);
      await step('http', http?.close());
      await step('chain', chain?.close());
      redis?.disconnect();
      logger.info({}, 'agent stopped');
      if (fatal) settle!.reject(fatal);
      else settle!.resolve();
    })();
    return stopping;
  }

  return {
    start: async () => {
      try {
        await start();
      } catch (error) {
        await stop();
        throw error;
      }
    },
    stop,
    done,
    httpPort: () => http?.port,
    metrics,
    queue: () => queue!,
    ingestor: () => ingestor!,
  };
}
