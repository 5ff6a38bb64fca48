/**
 * Contract events for the pages, read with the runtime's event reader (adaptive `getLogs` ranges
 * of at most `maxBlockRange` blocks, checked against the canonical block hashes). Logs older than the last `unconfirmedBlocks` blocks are kept, so later
 * requests fetch only the blocks since; the recent tail is fetched afresh on every request, so a
 * reorg within that depth never leaves orphaned events on a page. A head below what was kept (a
 * restarted dev chain) starts over. Decoding uses the generated ABIs.
 */
import type { Abi, Address, Log, PublicClient, parseEventLogs } from 'viem';
import { createEventReader } from '../runtime/events.js';

export type EventIndex = {
  /** The decoded events of `address` up to the current head, oldest first. */
  events: <const abi extends Abi>(
    abi: abi,
    address: Address,
  ) => Promise<ReturnType<typeof parseEventLogs<abi>>>;
  /** The block the last read went to. */
  head: () => bigint;
};

type Cached = { from: bigint; to: bigint; logs: Log[]; pending?: Promise<void> };

export function createEventIndex(args: {
  client: PublicClient;
  fromBlock: bigint;
  maxBlockRange: number;
  unconfirmedBlocks: number;
}): EventIndex {
  const cache = new Map<string, Cached>();
  let head = 0n;

  const reader = createEventReader({
    client: args.client,
    confirmations: 0,
    range: { max_block_range: args.maxBlockRange, min_block_range: 1, max_logs_per_step: 5_000 },
  });
  const read = (abi: Abi, address: Address, fromBlock: bigint, toBlock: bigint) =>
    fromBlock > toBlock
      ? Promise.resolve([] as Log[])
      : (reader({ abi, address, fromBlock, toBlock }) as unknown as Promise<Log[]>);

  return {
    head: () => head,
    async events(abi, address) {
      const now = await args.client.getBlockNumber({ cacheTime: 0 });
      head = now;
      const settled = now - BigInt(args.unconfirmedBlocks);
      const key = address.toLowerCase();
      let entry = cache.get(key);
      if (!entry || now < entry.to) {
        entry = { from: args.fromBlock, to: args.fromBlock - 1n, logs: [] };
        cache.set(key, entry);
      }
      // One reader per contract at a time; concurrent requests wait for it and then read the rest.
      while (entry.pending) await entry.pending;
      if (entry.to < settled) {
        const current = entry;
        current.pending = read(abi, address, current.to + 1n, settled)
          .then((logs) => {
            current.logs.push(...logs);
            current.to = settled;
          })
          .finally(() => {
            current.pending = undefined;
          });
        await current.pending;
      }
      const recent = await read(abi, address, entry.to + 1n, now);
      return [...entry.logs, ...recent] as unknown as ReturnType<typeof parseEventLogs<typeof abi>>;
    },
  };
}
