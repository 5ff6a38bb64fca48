/**
 * Chain ingestion: follows the configured contracts' events from a start block, a confirmation
 * depth behind the head, with getLogs in bounded, adaptive ranges. Every step checks that the
 * blocks it read link to the persisted cursor by hash; when they do not (a reorg deeper than the
 * confirmation depth), it rewinds to the newest stored block that is still canonical and tells
 * the caller which events were undone. The cursor (block number + hash) and the hashes of recent
 * ingested blocks live in Redis; the cursor moves only after `enqueue` resolved.
 */
import type { Redis } from 'ioredis';
import { type AbiEvent, type Address, type Hash, type Hex, numberToHex, toEventSelector } from 'viem';
import type { Chain } from './chain.js';
import type { BaseConfig } from './config.js';
import { FatalError, RetryableError, retryAfterMs, shortMessage } from './errors.js';
import { createBlockRange } from './events.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { backoffMs, sleep } from './time.js';

/** A raw log as it travels in a job (JSON-safe). */
export type ChainLog = {
  address: Address;
  topics: Hex[];
  data: Hex;
  block_number: string;
  block_hash: Hash;
  log_index: number;
  tx_hash: Hash;
};

export type Cursor = { number: bigint; hash: Hash };

/** An ingested block that a reorg removed, with the log indexes that were enqueued from it. */
export type UndoneBlock = { number: bigint; hash: Hash; log_indexes: number[] };

export type IngestorArgs = {
  chain: Chain;
  redis: Redis;
  /** Redis key prefix of this follower, e.g. `stoa:31337:my-role`. */
  key: string;
  sources: { address: Address; start_block: number }[];
  events: readonly AbiEvent[];
  config: BaseConfig['ingest'];
  logger: Logger;
  metrics: Metrics;
  /** Must resolve only once the logs are durably enqueued; the cursor moves after it. */
  enqueue: (logs: ChainLog[]) => Promise<void>;
  /** Called on a reorg below the cursor, before the cursor rewinds. */
  undo: (blocks: UndoneBlock[]) => Promise<void>;
};

export type Ingestor = {
  /** Follows the chain until `signal` aborts; rejects only with a FatalError. */
  run: (signal: AbortSignal) => Promise<void>;
  cursor: () => Cursor | undefined;
  /** Message of the last failed step, until a step succeeds again. */
  lastError: () => string | undefined;
  /** Newest block at the confirmation depth (reads the head). */
  safeBlock: () => Promise<bigint>;
};

type RawLog = {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hash;
  logIndex: Hex;
  transactionHash: Hash;
};
type RawHeader = { number: Hex; hash: Hash; parentHash: Hash };
type Stored = { hash: Hash; logs: number[] };

export function createIngestor(args: IngestorArgs): Ingestor {
  const { chain, redis, key, config, logger, metrics } = args;
  const cursorKey = `${key}:cursor`;
  const blocksKey = `${key}:blocks`;
  const addresses = [...new Set(args.sources.map((s) => s.address.toLowerCase() as Address))];
  const startOf = new Map(args.sources.map((s) => [s.address.toLowerCase(), BigInt(s.start_block)]));
  const startBlock = args.sources.reduce(
    (min, s) => (BigInt(s.start_block) < min ? BigInt(s.start_block) : min),
    2n ** 64n,
  );
  const topics = [args.events.map((event) => toEventSelector(event))];
  const history = new Map<bigint, Stored>();
  let cursor: Cursor | undefined;
  const range = createBlockRange(config);
  let wake: (() => void) | undefined;
  /** A new head arrived while a step was running: the next wait returns at once. */
  let woken = false;
  let lastError: string | undefined;

  const request = async <T>(op: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      metrics.rpcErrors.inc({ op });
      throw error;
    }
  };
  const header = (number: bigint) =>
    request('eth_getBlockByNumber', () =>
      chain.client.request({ method: 'eth_getBlockByNumber', params: [numberToHex(number), false] }),
    ) as Promise<RawHeader | null>;
  const headers = async (numbers: bigint[]) => {
    const found = await Promise.all(numbers.map(header));
    const byNumber = new Map<bigint, RawHeader>();
    for (const [i, h] of found.entries()) {
      if (!h) throw new RetryableError(`block ${numbers[i]} not found (node behind or reorging)`);
      byNumber.set(BigInt(h.number), h);
    }
    return byNumber;
  };
  const head = async () => {
    const latest = await request('eth_blockNumber', () => chain.client.getBlockNumber({ cacheTime: 0 }));
    metrics.headBlock.set(Number(latest));
    return latest;
  };

  async function load() {
    const [saved, blocks] = await Promise.all([redis.get(cursorKey), redis.hgetall(blocksKey)]);
    if (saved) {
      const parsed = JSON.parse(saved) as { number: string; hash: Hash };
      cursor = { number: BigInt(parsed.number), hash: parsed.hash };
      metrics.cursorBlock.set(Number(cursor.number));
    }
    for (const [number, value] of Object.entries(blocks))
      history.set(BigInt(number), JSON.parse(value) as Stored);
    logger.info(
      { cursor_block: cursor?.number.toString() ?? null, start_block: startBlock.toString() },
      cursor ? 'resuming from persisted cursor' : 'starting from the start block',
    );
  }

  async function persist(next: Cursor, added: Map<bigint, Stored>, removed: bigint[]) {
    const multi = redis.multi();
    if (added.size > 0) {
      multi.hset(
        blocksKey,
        ...[...added].flatMap(([number, stored]) => [number.toString(), JSON.stringify(stored)]),
      );
    }
    if (removed.length > 0) multi.hdel(blocksKey, ...removed.map(String));
    multi.set(cursorKey, JSON.stringify({ number: next.number.toString(), hash: next.hash }));
    await multi.exec();
    for (const [number, stored] of added) history.set(number, stored);
    for (const number of removed) history.delete(number);
    cursor = next;
    metrics.cursorBlock.set(Number(next.number));
  }

  const getLogs = (from: bigint, to: bigint) =>
    request('eth_getLogs', () =>
      chain.client.request(
        {
          method: 'eth_getLogs',
          params: [{ address: addresses, topics, fromBlock: numberToHex(from), toBlock: numberToHex(to) }],
        },
        { retryCount: 0 },
      ),
    ) as Promise<RawLog[]>;
  /**
   * The next range's logs, requested while this step enqueues (a backlog is read and enqueued in
   * parallel). Used only by a step reading exactly that range; its blocks are checked as usual.
   */
  let prefetched: { from: bigint; to: bigint; logs: Promise<RawLog[]> } | undefined;

  /** One bounded range; returns false when there is nothing confirmed to read yet. */
  async function step(): Promise<boolean> {
    const safe = (await head()) - BigInt(config.confirmations);
    const from = cursor ? cursor.number + 1n : startBlock;
    if (safe < from) return false;
    const span = BigInt(range.size());
    const to = from + span - 1n < safe ? from + span - 1n : safe;
    const ready = prefetched?.from === from && prefetched.to === to ? prefetched.logs : undefined;
    prefetched = undefined;
    let logs: RawLog[];
    try {
      logs = await (ready ?? getLogs(from, to));
    } catch (error) {
      if (!range.refused(error)) throw error;
      metrics.blockRange.set(range.size());
      logger.info(
        { block_range: range.size(), err_message: shortMessage(error) },
        'provider refused the range; shrinking',
      );
      return true;
    }
    const wanted = new Set<bigint>([from, to]);
    for (const log of logs) wanted.add(BigInt(log.blockNumber));
    const canonical = await headers([...wanted]);
    if (cursor && canonical.get(from)!.parentHash !== cursor.hash) {
      await rewind();
      return true;
    }
    const added = new Map<bigint, Stored>();
    const kept: ChainLog[] = [];
    for (const log of logs) {
      const number = BigInt(log.blockNumber);
      if (canonical.get(number)!.hash !== log.blockHash) {
        throw new RetryableError(`block ${number} changed while reading logs`);
      }
      if (number < (startOf.get(log.address.toLowerCase()) ?? 0n)) continue;
      const stored = added.get(number) ?? { hash: log.blockHash, logs: [] };
      stored.logs.push(Number(log.logIndex));
      added.set(number, stored);
      kept.push({
        address: log.address,
        topics: log.topics,
        data: log.data,
        block_number: number.toString(),
        block_hash: log.blockHash,
        log_index: Number(log.logIndex),
        tx_hash: log.transactionHash,
      });
    }
    range.observed(logs.length);
    metrics.blockRange.set(range.size());
    if (to < safe) {
      const next = to + BigInt(range.size()) < safe ? to + BigInt(range.size()) : safe;
      prefetched = { from: to + 1n, to: next, logs: getLogs(to + 1n, next) };
      prefetched.logs.catch(() => {});
    }
    if (kept.length > 0) {
      await args.enqueue(kept);
      metrics.eventsEnqueued.inc(kept.length);
    }
    const last = canonical.get(to)!;
    if (!added.has(to)) added.set(to, { hash: last.hash, logs: [] });
    const floor = to - BigInt(config.reorg_window);
    const removed = [...history.keys()].filter((n) => n <= floor && n !== to);
    await persist({ number: to, hash: last.hash }, added, removed);
    logger.debug(
      { from_block: from.toString(), to_block: to.toString(), events: kept.length },
      'range ingested',
    );
    return to < safe;
  }

  async function rewind() {
    const stored = [...history.entries()].sort(([a], [b]) => (a > b ? -1 : 1));
    const canonical = await Promise.all(stored.map(([number]) => header(number)));
    const undone: UndoneBlock[] = [];
    let ancestor: Cursor | undefined;
    for (const [i, [number, entry]] of stored.entries()) {
      if (canonical[i]?.hash === entry.hash) {
        ancestor = { number, hash: entry.hash };
        break;
      }
      if (entry.logs.length > 0) undone.push({ number, hash: entry.hash, log_indexes: entry.logs });
    }
    if (!ancestor) {
      throw new FatalError(
        `reorg deeper than ingest.reorg_window (${config.reorg_window} blocks): no stored block is canonical`,
      );
    }
    const depth = cursor!.number - ancestor.number;
    logger.warn(
      {
        from_block: cursor!.number.toString(),
        ancestor_block: ancestor.number.toString(),
        depth: Number(depth),
        undone_events: undone.reduce((n, b) => n + b.log_indexes.length, 0),
      },
      'reorg below the cursor; rewinding to the common ancestor',
    );
    metrics.reorgs.inc();
    if (undone.length > 0) await args.undo(undone);
    const removed = stored.filter(([number]) => number > ancestor.number).map(([number]) => number);
    await persist(ancestor, new Map(), removed);
  }

  async function waitForHead(signal: AbortSignal) {
    if (!woken && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, config.poll_interval_ms);
        signal.addEventListener('abort', done, { once: true });
        wake = done;
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        }
      });
    }
    woken = false;
  }

  return {
    cursor: () => cursor,
    lastError: () => lastError,
    safeBlock: async () => (await head()) - BigInt(config.confirmations),
    run: async (signal) => {
      await load();
      metrics.blockRange.set(range.size());
      const unwatch = chain.ws?.watchBlockNumber({
        emitOnBegin: false,
        onBlockNumber: () => {
          woken = true;
          wake?.();
        },
        onError: (error) => logger.warn({ err_message: shortMessage(error) }, 'websocket new-heads error'),
      });
      let failures = 0;
      try {
        while (!signal.aborted) {
          try {
            const more = await step();
            failures = 0;
            lastError = undefined;
            if (!more) await waitForHead(signal);
          } catch (error) {
            if (error instanceof FatalError) throw error;
            metrics.loopErrors.inc();
            lastError = shortMessage(error);
            const wait = Math.max(
              backoffMs({ attempt: failures++, baseMs: 200, maxMs: config.backoff_max_ms }),
              Math.min(retryAfterMs(error), config.backoff_max_ms),
            );
            logger.warn(
              { err_message: shortMessage(error), attempt: failures, retry_in_ms: wait },
              'ingest step failed',
            );
            await sleep(wait, signal);
          }
        }
      } finally {
        unwatch?.();
      }
    },
  };
}
