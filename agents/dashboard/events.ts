/**
 * Contract events for the pages: each contract's logs are fetched in `getLogs` ranges of at most
 * `maxBlockRange` blocks. Logs older than the last `unconfirmedBlocks` blocks are kept, so later
 * requests fetch only the blocks since; the recent tail is fetched afresh on every request, so a
 * reorg within that depth never leaves orphaned events on a page. A head below what was kept (a
 * restarted dev chain) starts over. Decoding uses the generated ABIs.
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
  unconfirmedBlocks: number;
}): EventIndex {
  const cache = new Map<string, Cached>();
  let head = 0n;

  /** Reads `from..to` in bounded ranges, handing each range's logs to `take`. */
  async function read(
    address: Address,
    from: bigint,
    to: bigint,
    take: (logs: Log[], until: bigint) => void,
  ) {
    const step = BigInt(args.maxBlockRange);
    for (let start = from; start <= to; start += step) {
      const until = start + step - 1n < to ? start + step - 1n : to;
      take(await args.client.getLogs({ address, fromBlock: start, toBlock: until }), until);
    }
  }

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
        current.pending = read(address, current.to + 1n, settled, (logs, until) => {
          current.logs.push(...logs);
          current.to = until;
        }).finally(() => {
          current.pending = undefined;
        });
        await current.pending;
      }
      const recent: Log[] = [];
      await read(address, entry.to + 1n, now, (logs) => recent.push(...logs));
      return parseEventLogs({ abi, logs: [...entry.logs, ...recent] });
    },
  };
}
