/**
 * The queues page: bull-board over every role's BullMQ queue. Queues are found in Redis (BullMQ
 * writes `<prefix>:<role>:meta` when a queue opens), so every agent's queue shows whatever its
 * prefix (the dispute watchers run under their own). Refreshed at most every `refreshMs` when the
 * page or its API is requested.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { Application, Router } from 'express';
import type { Redis } from 'ioredis';
import { redisConnection } from '../runtime/queue.js';

export type QueueRef = { prefix: string; name: string };

export type QueueBoard = {
  router: Router;
  /** Looks for new queues in Redis (throttled); returns every queue shown. */
  refresh: (force?: boolean) => Promise<QueueRef[]>;
  counts: () => Promise<(QueueRef & { counts: Record<string, number> })[]>;
  close: () => Promise<void>;
};

const META = /^([a-z0-9_-]+):([^:]+):meta$/;

export async function findQueues(redis: Redis): Promise<QueueRef[]> {
  const found: QueueRef[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', '*:meta', 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const m = META.exec(key);
      if (m) found.push({ prefix: m[1]!, name: m[2]! });
    }
  } while (cursor !== '0');
  return found.sort((a, b) => `${a.prefix}:${a.name}`.localeCompare(`${b.prefix}:${b.name}`));
}

export function createQueueBoard(args: {
  redisUrl: string;
  basePath: string;
  readOnly: boolean;
  refreshMs: number;
}): QueueBoard {
  const redis = redisConnection(args.redisUrl);
  redis.on('error', () => {});
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(args.basePath);
  const board = createBullBoard({
    queues: [],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Stoa queues' } },
  });
  // bull-board's router is an express app of its own: it would name the framework too.
  const router = serverAdapter.getRouter() as Application;
  router.disable('x-powered-by');
  const queues = new Map<string, { ref: QueueRef; queue: Queue }>();
  let checked = 0;

  async function refresh(force = false): Promise<QueueRef[]> {
    if (force || Date.now() - checked >= args.refreshMs) {
      checked = Date.now();
      for (const ref of await findQueues(redis)) {
        const key = `${ref.prefix}:${ref.name}`;
        if (queues.has(key)) continue;
        const queue = new Queue(ref.name, { connection: redis, prefix: ref.prefix, skipMetasUpdate: true });
        queue.on('error', () => {});
        queues.set(key, { ref, queue });
        board.addQueue(new BullMQAdapter(queue, { prefix: `${ref.prefix}:`, readOnlyMode: args.readOnly }));
      }
    }
    return [...queues.values()].map((q) => q.ref);
  }

  return {
    router,
    refresh,
    counts: async () => {
      await refresh();
      return Promise.all(
        [...queues.values()].map(async ({ ref, queue }) => ({
          ...ref,
          counts: await queue.getJobCounts('active', 'waiting', 'delayed', 'completed', 'failed'),
        })),
      );
    },
    close: async () => {
      await Promise.all([...queues.values()].map(({ queue }) => queue.close().catch(() => {})));
      redis.disconnect();
    },
  };
}
