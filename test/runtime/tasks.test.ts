/**
 * Task jobs are typed per role: on a real anvil and redis-server, a forged task with an unknown
 * name or with data its schema refuses fails at once (one attempt, not the eight of a retryable
 * failure), and so does a task whose handler throws a FatalError; a valid task runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emitterAbi } from '../../agents/generated/abis.js';
import { type Agent, createAgent, defineRole, FatalError, schemas } from '../../agents/runtime/index.js';
import { agentConfig, type Stack, startStack, waitFor } from './helpers.js';

let stack: Stack;
let agent: Agent;
const ran: unknown[] = [];

const role = defineRole({
  name: 'typed-tasks',
  description: 'test: tasks with schemas',
  config: z.object({}),
  abi: emitterAbi,
  contracts: ['emitter'],
  handle: async () => {},
  tasks: { count: z.strictObject({ n: schemas.uintString }), refuse: z.null() },
  task: async (task) => {
    if (task.name === 'refuse') throw new FatalError('refused for good');
    ran.push(task.data);
  },
});

beforeAll(async () => {
  stack = await startStack();
  const config = agentConfig({ rpcUrl: stack.anvil.url, redisUrl: stack.redis.url, emitter: stack.emitter });
  agent = createAgent({ role, config });
  await agent.start();
});

afterAll(async () => {
  await agent?.stop();
  await stack?.stop();
});

/** Adds a task job as a forger with Redis access would; resolves with the job once it settled. */
async function forge(name: string, data: unknown) {
  const queue = agent.queue().queue;
  const id = `task-${name}-${Math.random()}`;
  await queue.add(name, { kind: 'task', name, id, data }, { jobId: id, attempts: 8, backoff: 50 });
  return waitFor(
    async () => {
      const job = await queue.getJob(id);
      return job && (job.finishedOn ? job : undefined);
    },
    { what: `job ${id} settled` },
  );
}

describe('typed tasks', () => {
  it('runs a task whose data parses', async () => {
    const job = await forge('count', { n: '42' });
    expect(job.failedReason).toBeUndefined();
    expect(ran).toContainEqual({ n: '42' });
  });

  it('fails an unknown task name at once', async () => {
    const job = await forge('drain', { n: '1' });
    expect(job.failedReason).toMatch(/has no task named drain/);
    expect(job.attemptsMade).toBe(1);
  });

  it('fails a task whose data its schema refuses at once, before the handler sees it', async () => {
    const before = ran.length;
    const job = await forge('count', { n: '-1', basket: '0xattacker' });
    expect(job.failedReason).toMatch(/invalid data/);
    expect(job.attemptsMade).toBe(1);
    expect(ran.length).toBe(before);
  });

  it('fails a task whose handler throws a FatalError at once', async () => {
    const job = await forge('refuse', null);
    expect(job.failedReason).toMatch(/refused for good/);
    expect(job.attemptsMade).toBe(1);
  });
});
