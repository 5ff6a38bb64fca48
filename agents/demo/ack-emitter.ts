/**
 * Demo role proving the runtime on the test contract `test/runtime/Emitter.sol`: every `Pinged`
 * event is acknowledged with exactly one `ack(id)` transaction. The sweep re-derives the pings
 * still unacknowledged at the confirmation depth and enqueues them as tasks (the backstop). Metric:
 * `stoa_demo_acks_total{result}` (acks this process did).
 */
import type { Hex } from 'viem';
import { z } from 'zod';
import { emitterAbi } from '../generated/abis.js';
import { defineRole, type RoleContext, schemas } from '../runtime/index.js';

const settings = z.strictObject({
  /** Ids read per `unacked` call in a sweep. */
  sweep_batch: z.number().int().min(1).max(10_000).default(500),
});
type Settings = z.infer<typeof settings>;

async function ack(id: Hex, ctx: RoleContext<Settings>) {
  const address = ctx.contracts.emitter!;
  const result = await ctx.send({
    id: `ack-${address}-${id}`,
    address,
    abi: emitterAbi,
    functionName: 'ack',
    args: [id],
    classifyRevert: (revert) => (revert.error_name === 'AlreadyAcked' ? 'already_done' : 'fatal'),
  });
  ctx.metrics
    .counter({
      name: 'stoa_demo_acks_total',
      help: 'Pings acknowledged by this process, by result (mined, already_done)',
      labelNames: ['result'] as const,
    })
    .inc({ result: result.status });
}

export const ackEmitter = defineRole({
  name: 'ack-emitter',
  description: 'demo: acknowledges every Pinged event of the test Emitter with one ack transaction',
  config: settings,
  abi: emitterAbi,
  events: ['Pinged'],
  contracts: ['emitter'],
  sender: true,
  handle: async (event, ctx) => {
    if (event.eventName === 'Pinged') await ack(event.args.id, ctx);
  },
  tasks: { ack: schemas.bytes32 },
  task: async (task, ctx) => {
    await ack(task.data as Hex, ctx);
  },
  sweep: async (ctx) => {
    const blockNumber = await ctx.safeBlock();
    const batch = BigInt(ctx.config.sweep_batch);
    for (let from = 0n; ; ) {
      const ids = await ctx.chain.client.readContract({
        address: ctx.contracts.emitter!,
        abi: emitterAbi,
        functionName: 'unacked',
        args: [from, batch],
        blockNumber,
      });
      for (const id of ids) await ctx.enqueue({ name: 'ack', id, data: id });
      if (ids.length > 0)
        ctx.logger.info({ pending: ids.length, from_seq: from.toString() }, 'sweep found unacked pings');
      if (BigInt(ids.length) < batch) return;
      from = BigInt(ids.at(-1)!) + 1n;
    }
  },
});
