import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createAgent } from '../../agents/runtime/index.js';
import { type HostileRpc, startHostileRpc } from '../support/hostile-rpc.js';
import {
  agentConfig,
  hostileTestProfile,
  ping,
  recordingRole,
  rpcPaths,
  type Stack,
  startStack,
  waitFor,
} from './helpers.js';

describe.each(rpcPaths)('reorgs ($path)', ({ hostile }) => {
  let stack: Stack;
  let recorder: ReturnType<typeof recordingRole>;
  let agent: Agent;
  let rpc: HostileRpc | undefined;
  beforeAll(async () => {
    stack = await startStack();
    recorder = recordingRole(stack.redis.url);
    if (hostile) rpc = await startHostileRpc({ target: stack.anvil.url, ...hostileTestProfile });
    const config = agentConfig({
      rpcUrl: rpc?.url ?? stack.anvil.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra: { ingest: { confirmations: 3, poll_interval_ms: 20 } },
    });
    agent = createAgent({ role: recorder.role, config });
    await agent.start();
  });
  afterAll(async () => {
    await agent?.stop();
    await recorder?.close();
    await rpc?.close();
    await stack?.stop();
  });

  /** Every handled event still sits in a canonical block. */
  async function allCanonical() {
    const blocks = Object.values(await recorder.blocks()).map((v) => v.split(':'));
    const hashes = await Promise.all(
      blocks.map(
        async ([number]) => (await stack.clients.public.getBlock({ blockNumber: BigInt(number!) })).hash,
      ),
    );
    return blocks.every(([, hash], i) => hash === hashes[i]);
  }
  const handledCount = async () => Object.keys(await recorder.handled()).length;
  const caughtUp = async () => {
    const head = await stack.clients.public.getBlockNumber();
    return (agent.ingestor().cursor()?.number ?? 0n) >= head - 3n;
  };

  it('never acts on events of blocks dropped before the confirmation depth', async () => {
    const snapshot = await stack.clients.test.snapshot();
    await ping(stack.clients, stack.emitter, 5);
    await stack.clients.test.mine({ blocks: 2 });
    // The cursor reaches head - 3, the block before the events: they are seen but not confirmed.
    const head = await stack.clients.public.getBlockNumber();
    await waitFor(async () => agent.ingestor().cursor()?.number === head - 3n, {
      what: 'cursor at the depth',
    });
    expect(await handledCount()).toBe(0);

    await stack.clients.test.revert({ id: snapshot });
    await ping(stack.clients, stack.emitter, 7);
    await stack.clients.test.mine({ blocks: 5 });
    await waitFor(async () => (await handledCount()) === 7, { what: '7 canonical events handled' });
    await waitFor(caughtUp);
    expect(await handledCount()).toBe(7);
    expect(await allCanonical()).toBe(true);
    expect(recorder.undone).toHaveLength(0);
  });

  it('rewinds to the common ancestor after a reorg deeper than the confirmation depth', async () => {
    const before = await handledCount();
    const snapshot = await stack.clients.test.snapshot();
    await ping(stack.clients, stack.emitter, 4);
    await stack.clients.test.mine({ blocks: 5 });
    await waitFor(async () => (await handledCount()) === before + 4, { what: 'events before the reorg' });
    const orphaned = Object.keys(await recorder.handled());

    await stack.clients.test.revert({ id: snapshot });
    await stack.clients.test.mine({ blocks: 2 });
    await ping(stack.clients, stack.emitter, 3);
    await stack.clients.test.mine({ blocks: 8 });
    await waitFor(async () => recorder.undone.length === 4, { what: 'the undo report' });
    await waitFor(async () => (await handledCount()) === before + 4 + 3, { what: 'events after the reorg' });
    await waitFor(caughtUp);

    const undone = new Set(recorder.undone.map((e) => e.job_id));
    expect(recorder.undone.every((e) => e.started)).toBe(true);
    expect(orphaned.filter((id) => undone.has(id))).toHaveLength(4);
    const cursor = agent.ingestor().cursor()!;
    expect((await stack.clients.public.getBlock({ blockNumber: cursor.number })).hash).toBe(cursor.hash);
    const blocks = await recorder.blocks();
    for (const id of undone) delete blocks[id];
    const canonical = await Promise.all(
      Object.values(blocks).map(async (v) => {
        const [number, hash] = v.split(':');
        return (await stack.clients.public.getBlock({ blockNumber: BigInt(number!) })).hash === hash;
      }),
    );
    expect(canonical.every(Boolean)).toBe(true);
    await expect(agent.metrics.reorgs.get()).resolves.toMatchObject({ values: [{ value: 1 }] });
  });
});
