/**
 * Contract events for the pages: each contract's logs are fetched once, in `getLogs` ranges of at
 * most `maxBlockRange` blocks, and kept; later requests fetch only the blocks since. A head below
 * what was read (a restarted dev chain) starts over. Decoding uses the generated ABIs.
 */
import { type Abi, type Address, type Log, type PublicClient, parseEventLogs } from 'viem';

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
}): EventIndex {
  const cache = new Map<string, Cached>();
  let head = 0n;

  async function refresh(address: Address, entry: Cached, to: bigint) {
    const step = BigInt(args.maxBlockRange);
    for (let from = entry.to + 1n; from <= to; from += step) {
      const until = from + step - 1n < to ? from + step - 1n : to;
      const logs = await args.client.getLogs({ address, fromBlock: from, toBlock: until });
      entry.logs.push(...logs);
      entry.to = until;
    }
  }

  return {
    head: () => head,
    async events(abi, address) {
      const now = await args.client.getBlockNumber({ cacheTime: 0 });
      head = now;
      const key = address.toLowerCase();
      let entry = cache.get(key);
      if (!entry || now < entry.to) {
        entry = { from: args.fromBlock, to: args.fromBlock - 1n, logs: [] };
        cache.set(key, entry);
      }
      // One reader per contract at a time; concurrent requests wait for it and then read the rest.
      while (entry.pending) await entry.pending;
      if (entry.to < now) {
        const current = entry;
        current.pending = refresh(address, current, now).finally(() => {
          current.pending = undefined;
        });
        await current.pending;
      }
      return parseEventLogs({ abi, logs: entry.logs.filter((l) => (l.blockNumber ?? 0n) <= now) });
    },
  };
}
