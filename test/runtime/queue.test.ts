import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ackEmitter } from '../../agents/demo/ack-emitter.js';
import { emitterAbi } from '../../agents/generated/abis.js';
import { createAgent, defineRole, RetryableError, UnrecoverableError } from '../../agents/runtime/index.js';
import { agentConfig, agentKey, emitterView, ping, type Stack, startStack, waitFor } from './helpers.js';

describe('queues, tasks and sweeps', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs delayed tasks at their deadline, retries, and keeps failed jobs', async () => {
    const ran: { id: string; at: number; attempt: number }[] = [];
    const role = defineRole({
      name: 'tasks',
      description: 'test: tasks that succeed, fail once, or fail for good',
      config: z.object({}),
      abi: emitterAbi,
      contracts: ['emitter'],
      handle: async () => {},
      tasks: { deadline: z.null(), flaky: z.null(), broken: z.null() },
      task: async (task) => {
        ran.push({ id: task.id, at: Date.now(), attempt: ran.filter((r) => r.id === task.id).length + 1 });
        if (task.name === 'flaky' && ran.filter((r) => r.id === task.id).length === 1) {
          throw new RetryableError('first attempt fails');
        }
        if (task.name === 'broken') throw new UnrecoverableError('cannot ever work');
      },
    });
    const config = agentConfig({
      rpcUrl: stack.anvil.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra: { queue: { attempts: 3, backoff_ms: 50 } },
    });
    const agent = createAgent({ role, config });
    await agent.start();
    const queue = agent.queue();
    const deadline = new Date(Date.now() + 1_500);
    await queue.enqueueTask({ name: 'deadline', id: 'd1', at: deadline });
    await queue.enqueueTask({ name: 'deadline', id: 'd1', at: deadline });
    expect(await queue.queue.getJobState('task-deadline-d1')).toBe('delayed');
    await queue.enqueueTask({ name: 'flaky', id: 'f1' });
    await queue.enqueueTask({ name: 'broken', id: 'b1' });

    await waitFor(async () => ran.some((r) => r.id === 'd1'), { what: 'the deadline task' });
    await waitFor(async () => (await queue.failedCount()) === 1, { what: 'the failed job' });
    await waitFor(async () => ran.filter((r) => r.id === 'f1').length === 2, { what: 'the retry' });
    expect(ran.filter((r) => r.id === 'd1')).toHaveLength(1);
    expect(ran.find((r) => r.id === 'd1')!.at).toBeGreaterThanOrEqual(deadline.getTime());
    expect(ran.filter((r) => r.id === 'b1')).toHaveLength(1);
    expect(await queue.queue.getJobState('task-broken-b1')).toBe('failed');
    const health = await (await fetch(`http://127.0.0.1:${agent.httpPort()}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, failed_jobs: 1 });
    await agent.stop();
  });

  it('sweeps re-derive work whose events were never ingested (the backstop)', async () => {
    await ping(stack.clients, stack.emitter, 25);
    const head = await stack.clients.public.getBlockNumber({ cacheTime: 0 });
    const config = agentConfig(
      {
        rpcUrl: stack.anvil.url,
        redisUrl: stack.redis.url,
        emitter: stack.emitter,
        extra: {
          redis: { url: stack.redis.url, prefix: 'sweep' },
          contracts: { emitter: { address: stack.emitter, start_block: Number(head) + 1 } },
          sweep: { enabled: true, cron: '* * * * * *' },
        },
      },
      ackEmitter.config,
    );
    const agent = createAgent({ role: ackEmitter, config, privateKey: agentKey });
    await agent.start();
    await stack.clients.test.mine({ blocks: 2 });
    await waitFor(async () => (await emitterView(stack.clients, stack.emitter, 'ackCount')) === 25n, {
      what: 'acks from sweep tasks',
    });
    expect(await agent.metrics.eventsEnqueued.get()).toMatchObject({ values: [{ value: 0 }] });
    await agent.stop();
  });
});
