/**
 * The dashboard's event index on a real anvil: bounded `getLogs` ranges (through a proxy that
 * refuses wider ones), incremental reads, and a reorg within the unconfirmed depth (anvil
 * snapshot/revert) that leaves no orphaned event behind.
 */
import { createPublicClient, http, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventIndex } from '../../agents/dashboard/events.js';
import { emitterAbi } from '../../agents/generated/abis.js';
import { type Service, startAnvil } from '../../agents/stack/services.js';
import { chainClients, deployEmitter, ping, startRpcProxy } from '../runtime/helpers.js';

let anvil: Service;
let proxy: Awaited<ReturnType<typeof startRpcProxy>>;

beforeAll(async () => {
  anvil = await startAnvil();
  proxy = await startRpcProxy({ target: anvil.url, maxLogRange: 3 });
});
afterAll(async () => {
  await proxy?.down();
  await anvil?.stop();
});

const pingSeqs = (events: { eventName: string; args: unknown }[]) =>
  events.filter((e) => e.eventName === 'Pinged').map((e) => Number((e.args as { seq: bigint }).seq));

describe('event index', () => {
  it('reads in ranges the node accepts, then only new blocks; a reorged tail leaves nothing behind', async () => {
    const clients = chainClients(anvil.url);
    const emitter = await deployEmitter(clients);
    for (let i = 0; i < 4; i++) await ping(clients, emitter, 1);
    await clients.test.mine({ blocks: 10 });
    const client = createPublicClient({ transport: http(proxy.url) }) as PublicClient;
    const index = createEventIndex({ client, fromBlock: 0n, maxBlockRange: 3, unconfirmedBlocks: 2 });
    expect(pingSeqs(await index.events(emitterAbi, emitter))).toEqual([0, 1, 2, 3]);
    expect(proxy.refused()).toBe(0);

    await ping(clients, emitter, 2);
    expect(pingSeqs(await index.events(emitterAbi, emitter))).toEqual([0, 1, 2, 3, 4, 5]);

    // A block within the unconfirmed depth is replaced: its event must disappear from the index.
    const snapshot = await clients.test.snapshot();
    await ping(clients, emitter, 1);
    expect(pingSeqs(await index.events(emitterAbi, emitter))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await clients.test.revert({ id: snapshot });
    await clients.test.mine({ blocks: 1 });
    expect(pingSeqs(await index.events(emitterAbi, emitter))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(proxy.refused()).toBe(0);
  });
});
