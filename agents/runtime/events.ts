/**
 * Historical event reads, the one way every role, the CLI, the dashboard and the local stack
 * read past logs: from a start block to the safe head (the confirmation depth below the head),
 * in the ingestor's adaptive block ranges (shrunk when a provider refuses a range or caps its
 * results, grown back after successes), each range checked against the canonical block hashes
 * so that a reorg while reading is retried instead of returned. Public providers cap
 * `eth_getLogs` by block span, result count and response size; one unbounded query fails there.
 */
import type {
  Abi,
  Address,
  ContractEventName,
  GetContractEventsParameters,
  GetContractEventsReturnType,
  Hash,
  PublicClient,
} from 'viem';
import { numberToHex } from 'viem';
import type { BaseConfig } from './config.js';
import { RetryableError, shortMessage } from './errors.js';
import type { Logger } from './log.js';

const rangeErrorPattern =
  /range|too many|more than|limit exceeded|response size|too large|exceed|query timeout|-32005/i;

/** Provider errors that mean "ask for fewer blocks", not "the node is down". */
export function isRangeError(error: unknown): boolean {
  const text = [
    shortMessage(error),
    (error as { details?: unknown }).details,
    (error as { code?: unknown }).code,
  ]
    .filter((x) => x !== undefined)
    .join(' ');
  // A rate limit ("Too Many Requests", 429) is not "too many results": it waits, it does not shrink.
  const rateLimited =
    (error as { status?: unknown }).status === 429 || /too many requests|rate limit/i.test(text);
  return rangeErrorPattern.test(text) && !rateLimited && !/fetch failed|ECONNREFUSED|socket/i.test(text);
}

export type RangeSettings = Pick<
  BaseConfig['ingest'],
  'max_block_range' | 'min_block_range' | 'max_logs_per_step'
>;

/**
 * The block span of the next `eth_getLogs`: halved when the provider refuses one, cut in
 * proportion when a range returned more than `max_logs_per_step` logs, doubled after three
 * ranges that went through (up to `max_block_range`).
 */
export type BlockRange = {
  size: () => number;
  /** After a failed request: true when the range was shrunk (ask again), false when it cannot be. */
  refused: (error: unknown) => boolean;
  /** After a range that returned `count` logs. */
  observed: (count: number) => void;
};

export function createBlockRange(settings: RangeSettings): BlockRange {
  let range = settings.max_block_range;
  let successes = 0;
  return {
    size: () => range,
    refused: (error) => {
      if (!isRangeError(error) || range <= settings.min_block_range) return false;
      range = Math.max(settings.min_block_range, Math.floor(range / 2));
      successes = 0;
      return true;
    },
    observed: (count) => {
      if (count > settings.max_logs_per_step) {
        range = Math.max(settings.min_block_range, Math.floor((range * settings.max_logs_per_step) / count));
        successes = 0;
      } else if (++successes >= 3 && range < settings.max_block_range) {
        range = Math.min(settings.max_block_range, range * 2);
        successes = 0;
      }
    },
  };
}

/** A query of `readEvents`: viem's `getContractEvents` parameters, bounded as described above. */
export type EventsParameters<TAbi extends Abi, TEventName extends ContractEventName<TAbi>> = Omit<
  GetContractEventsParameters<TAbi, TEventName, true>,
  'fromBlock' | 'toBlock' | 'blockHash' | 'strict' | 'address'
> & {
  address: Address | Address[];
  /** First block to read; default the reader's `startBlock` for the address, else 0. */
  fromBlock?: bigint;
  /** Last block to read; default (and at most) the safe head. */
  toBlock?: bigint;
  /** Stop once this many events were found (scanning forward); default all. */
  limit?: number;
};

export type EventsReturnType<
  TAbi extends Abi,
  TEventName extends ContractEventName<TAbi>,
> = GetContractEventsReturnType<TAbi, TEventName, true>;

export type EventReader = <const TAbi extends Abi, TEventName extends ContractEventName<TAbi>>(
  query: EventsParameters<TAbi, TEventName>,
) => Promise<EventsReturnType<TAbi, TEventName>>;

export type CreateEventReaderArgs = {
  client: PublicClient;
  /** Blocks below the head that count as final; reads never go past `head - confirmations`. */
  confirmations: number;
  range: RangeSettings;
  /** Where each contract's history starts (its deployment block), by lower-case address. */
  startBlocks?: Record<string, number>;
  logger?: Logger;
  /** Re-reads of a range whose blocks changed while it was read, before giving up (default 3). */
  reorgRetries?: number;
};

/** Defaults for readers outside an agent (CLI, dashboard, local stack): the ingest defaults. */
export const defaultRange: RangeSettings = {
  max_block_range: 2_000,
  min_block_range: 1,
  max_logs_per_step: 5_000,
};

export function createEventReader(args: CreateEventReaderArgs): EventReader {
  const { client, logger } = args;
  const range = createBlockRange(args.range);
  const starts = new Map(
    Object.entries(args.startBlocks ?? {}).map(([a, n]) => [a.toLowerCase(), BigInt(n)]),
  );
  const startOf = (address: Address | Address[]) => {
    const list = Array.isArray(address) ? address : [address];
    return list.reduce((min, a) => {
      const start = starts.get(a.toLowerCase()) ?? 0n;
      return start < min ? start : min;
    }, 2n ** 64n);
  };

  /** Hashes of the canonical blocks at `numbers`. */
  async function canonical(numbers: bigint[]): Promise<Map<bigint, Hash | undefined>> {
    const headers = await Promise.all(
      numbers.map(
        (n) =>
          client.request({ method: 'eth_getBlockByNumber', params: [numberToHex(n), false] }) as Promise<{
            hash: Hash;
          } | null>,
      ),
    );
    return new Map(numbers.map((n, i) => [n, headers[i]?.hash]));
  }

  return (async (query: EventsParameters<Abi, string>) => {
    const { limit, fromBlock, toBlock, ...filter } = query;
    const safe = (await client.getBlockNumber({ cacheTime: 0 })) - BigInt(args.confirmations);
    const last = toBlock === undefined || toBlock > safe ? safe : toBlock;
    const found: { blockNumber: bigint; blockHash: Hash }[] = [];
    let from = fromBlock ?? startOf(query.address);
    let changed = 0;
    while (from <= last && (limit === undefined || found.length < limit)) {
      const to = from + BigInt(range.size()) - 1n < last ? from + BigInt(range.size()) - 1n : last;
      let logs: { blockNumber: bigint; blockHash: Hash }[];
      try {
        logs = (await client.getContractEvents({
          ...filter,
          fromBlock: from,
          toBlock: to,
          strict: true,
        } as GetContractEventsParameters)) as unknown as typeof logs;
      } catch (error) {
        if (!range.refused(error)) throw error;
        logger?.debug(
          { block_range: range.size(), err_message: shortMessage(error) },
          'events: shrinking the range',
        );
        continue;
      }
      const hashes = await canonical([...new Set(logs.map((l) => l.blockNumber))]);
      if (logs.some((l) => hashes.get(l.blockNumber) !== l.blockHash)) {
        if (++changed > (args.reorgRetries ?? 3))
          throw new RetryableError(`blocks ${from}-${to} kept changing while reading events (reorg)`);
        continue;
      }
      range.observed(logs.length);
      found.push(...logs);
      from = to + 1n;
    }
    return limit === undefined ? found : found.slice(0, limit);
  }) as EventReader;
}
