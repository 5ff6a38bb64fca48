import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { emitterAbi } from '../../agents/generated/abis.js';
import { ExitCode } from '../../agents/runtime/index.js';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster.js';
import {
  agentAddress,
  emitterView,
  exited,
  ping,
  rawConfig,
  type Stack,
  spawnAckEmitter,
  startStack,
  waitFor,
} from './helpers.js';

type Instance = { child: ChildProcess; output: string[]; port: () => number | undefined };

/** Starts `stoa agent ack-emitter` as its own process; `port` is its /metrics port once started. */
function spawnAgent(configFile: string): Instance {
  const output: string[] = [];
  const child = spawnAckEmitter(configFile, output);
  const port = () => {
    const match = /"http_port":(\d+)[^\n]*"msg":"agent started"/.exec(output.join(''));
    return match ? Number(match[1]) : undefined;
  };
  return { child, output, port };
}

/** Sum of the values of `name` series whose labels include `labels`, from a Prometheus text. */
function series(text: string, name: string, labels: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe.each([
  { redis: 'one Redis', onCluster: false },
  { redis: 'a Redis Cluster', onCluster: true },
])('several processes of one role against $redis', ({ onCluster }) => {
  let stack: Stack;
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    stack = await startStack();
    if (onCluster) cluster = await startRedisCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
    await stack?.stop();
  });

  it('share the work: every event handled once, no action twice, both did work', {
    timeout: 240_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stoa-scale-'));
    const configFile = join(dir, 'agent.json');
    // The same file for both: one Redis prefix (shared queue, cursor, sender records), one key.
    const raw = rawConfig({
      rpcUrl: stack.anvil.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra: {
        log: { level: 'info' },
        queue: { lock_ms: 30_000 },
        ...(cluster && { redis_cluster: { nodes: cluster.nodes } }),
      },
    });
    writeFileSync(configFile, JSON.stringify(raw));
    const instances = [spawnAgent(configFile), spawnAgent(configFile)];
    onTestFailed(() => {
      for (const [i, instance] of instances.entries())
        console.log(`process ${i}:\n${instance.output.join('').slice(-10_000)}`);
    });
    await waitFor(async () => instances.every((instance) => instance.port() !== undefined), {
      what: 'both processes to start',
      timeoutMs: 120_000,
    });

    // Bursts of events while both run: each burst is more jobs than one worker takes at once.
    let sent = 0;
    while (sent < 400) {
      await ping(stack.clients, stack.emitter, 40);
      sent += 40;
      // No master is killed here: with two processes sharing one key, a failover that loses the last
      // replicated writes can make an action's record vanish and the action be sent again (issue 17, losing
      // Redis; seen: 394 of 400 acks counted as mined). exactly-once.test.ts kills a master under one process.
      await new Promise((r) => setTimeout(r, 100));
    }
    await stack.clients.test.mine({ blocks: 2 });
    const acks = async () => Number(await emitterView(stack.clients, stack.emitter, 'ackCount'));
    await waitFor(async () => (await acks()) === sent, {
      what: `all ${sent} pings acked`,
      timeoutMs: 120_000,
    });

    const scrape = () =>
      Promise.all(
        instances.map(async (instance) =>
          (await fetch(`http://127.0.0.1:${instance.port()}/metrics`)).text(),
        ),
      );
    const completedOf = (texts: string[]) =>
      texts.map((text) => series(text, 'stoa_jobs_total', 'kind="event",outcome="completed"'));
    // A job counts as completed just after its handler's ack is mined: wait for the last ones.
    let metrics: string[] = [];
    await waitFor(
      async () => {
        metrics = await scrape();
        const [a, b] = completedOf(metrics);
        return a! + b! >= sent;
      },
      { what: `${sent} jobs completed`, timeoutMs: 30_000 },
    );
    const completed = completedOf(metrics);
    const mined = metrics.map((text) => series(text, 'stoa_demo_acks_total', 'result="mined"'));
    // Each event ran once over both processes, each ack was mined once by one of them...
    expect(completed[0]! + completed[1]!).toBe(sent);
    expect(mined[0]! + mined[1]!).toBe(sent);
    // ...and both took a share.
    expect(mined[0]).toBeGreaterThan(0);
    expect(mined[1]).toBeGreaterThan(0);

    // On chain: one successful ack per ping, and the shared key never sent anything else.
    expect(await acks()).toBe(sent);
    expect(await stack.clients.public.getTransactionCount({ address: agentAddress })).toBe(sent);
    const acked = await stack.clients.public.getContractEvents({
      address: stack.emitter,
      abi: emitterAbi,
      eventName: 'Acked',
      fromBlock: 0n,
    });
    expect(new Set(acked.map((e) => e.args.id)).size).toBe(sent);

    for (const instance of instances) instance.child.kill('SIGTERM');
    expect(await Promise.all(instances.map((instance) => exited(instance.child)))).toEqual([
      ExitCode.ok,
      ExitCode.ok,
    ]);
  });
});
