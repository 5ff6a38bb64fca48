/**
 * Transaction sender for one key. Each action has an idempotency record in Redis (its nonce, the
 * hashes of every signed version, the outcome), so a job retried after a crash resumes the same
 * transaction instead of sending a second one. Nonces come from a Redis allocator that survives
 * restarts and never goes below the chain's pending nonce. Every action is simulated before it is
 * signed; a revert is classified by the role: "already done" by someone else is a success logged
 * as a warning. A transaction that is not mined within `stuck_after_ms` is replaced with the same
 * nonce and higher fees, never above `max_fee_per_gas` / `max_priority_fee_per_gas`; a replacement
 * is what a resume rebroadcasts only once the node accepted it. Nonces left unsent by a crash are sent from their records at start (and
 * whenever a later transaction is stuck behind them), so one lost job never blocks the key.
 */

import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type Abi,
  type Address,
  BaseError,
  type ContractFunctionArgs,
  type ContractFunctionName,
  ContractFunctionRevertedError,
  encodeFunctionData,
  type Hash,
  type Hex,
  keccak256,
  type PrivateKeyAccount,
  TransactionReceiptNotFoundError,
} from 'viem';
import type { Chain } from './chain.js';
import type { BaseConfig } from './config.js';
import { RetryableError, shortMessage } from './errors.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { sleep } from './time.js';

/** A decoded revert, as the role sees it when classifying. */
export type Revert = {
  error_name: string | undefined;
  args: readonly unknown[] | undefined;
  message: string;
};
/** `already_done`: success (someone else did it); `retry`: try the job again later; `fatal`: fail the job. */
export type RevertClass = 'already_done' | 'retry' | 'fatal';

export type Action<
  TAbi extends Abi = Abi,
  TName extends ContractFunctionName<TAbi, 'nonpayable' | 'payable'> = ContractFunctionName<
    TAbi,
    'nonpayable' | 'payable'
  >,
> = {
  /** Idempotency key: one action id is executed on chain at most once. */
  id: string;
  address: Address;
  abi: TAbi;
  functionName: TName;
  args: ContractFunctionArgs<TAbi, 'nonpayable' | 'payable', TName>;
  value?: bigint;
  /** Gas margin over the estimate for this action, in percent (default `sender.gas_margin_percent`). */
  gasMarginPercent?: number;
  /** Gas floor: sign with at least this gas limit (a path dearer than the estimate saw). */
  minGas?: bigint;
  /** Default: every revert is fatal. */
  classifyRevert?: (revert: Revert) => RevertClass;
};

export type ActionResult =
  | { status: 'mined'; hash: Hash; block_number: bigint }
  | { status: 'already_done'; reason: string };

export type TxSender = {
  address: Address;
  /** Reads the chain's pending nonce; call once before `send`. */
  start: () => Promise<void>;
  send: <TAbi extends Abi, TName extends ContractFunctionName<TAbi, 'nonpayable' | 'payable'>>(
    action: Action<TAbi, TName>,
    logger?: Logger,
  ) => Promise<ActionResult>;
};

export type CreateTxSenderArgs = {
  chain: Chain;
  account: PrivateKeyAccount;
  redis: Redis;
  /** Redis key prefix, e.g. `stoa:31337`. */
  key: string;
  config: BaseConfig['sender'];
  logger: Logger;
  metrics: Metrics;
};

type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
/** The idempotency record of one action (a Redis hash). */
type ActionRecord = {
  status?: 'pending' | 'mined' | 'already_done';
  nonce?: string;
  to?: Address;
  data?: Hex;
  gas?: string;
  value?: string;
  /** '1': a no-op self-transfer filling a nonce whose action turned out to be done already. */
  cancel?: '0' | '1';
  max_fee?: string;
  priority_fee?: string;
  raw?: Hex;
  hashes?: string;
  hash?: Hash;
  block_number?: string;
  reason?: string;
};
type Signable = Required<Pick<ActionRecord, 'nonce' | 'to' | 'data' | 'gas' | 'value'>> & ActionRecord;

/**
 * Allocates the nonces of a batch of actions at once (KEYS[3..]: their records), each once: the
 * recorded one, else the next of max(next stored, chain pending). Records what will be signed and
 * indexes each action by nonce, atomically. Returns the nonces in the batch's order.
 */
const allocateScript = `
local nextNonce = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if floor > nextNonce then nextNonce = floor end
local out = {}
for i = 3, #KEYS do
  local a = 2 + (i - 3) * 6
  local nonce = redis.call('HGET', KEYS[i], 'nonce')
  if not nonce then
    nonce = nextNonce
    nextNonce = nextNonce + 1
    redis.call('ZADD', KEYS[2], nonce, ARGV[a])
  end
  redis.call('HSET', KEYS[i], 'status', 'pending', 'nonce', nonce, 'to', ARGV[a + 1], 'data', ARGV[a + 2], 'gas', ARGV[a + 3], 'value', ARGV[a + 4], 'cancel', ARGV[a + 5])
  out[#out + 1] = tostring(nonce)
end
redis.call('SET', KEYS[1], nextNonce)
return out`;
/** Takes the action's lock (KEYS[1]) and, when taken, returns its record (KEYS[2]) in the same trip. */
const acquireScript = `
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
return redis.call('HGETALL', KEYS[2])`;
/** Records the outcome (KEYS[1]), unindexes the nonce (KEYS[2]) and releases the lock (KEYS[3]). */
const finishScript = `
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('GET', KEYS[3]) == ARGV[3] then redis.call('DEL', KEYS[3]) end
return 1`;
const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const renewScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

class NonceConsumed extends Error {}

export function createTxSender({
  chain,
  account,
  redis,
  key,
  config,
  logger,
  metrics,
}: CreateTxSenderArgs): TxSender {
  const base = `${key}:sender:${account.address.toLowerCase()}`;
  const nonceKey = `${base}:nonce`;
  const pendingKey = `${base}:pending`;
  const recordKey = (id: string) => `${base}:action:${id}`;
  const lockKey = (id: string) => `${base}:lock:${id}`;
  let chainFloor = 0;
  let fees: { at: number; value: Promise<Fees> } | undefined;
  type Fields = Pick<Signable, 'to' | 'data' | 'gas' | 'value' | 'cancel'>;
  type Waiting = {
    id: string;
    fields: Fields;
    resolve: (nonce: string) => void;
    reject: (e: unknown) => void;
  };
  /** Actions waiting for a nonce; one allocation (a Redis script) at a time serves all of them. */
  const waiting: Waiting[] = [];
  let allocating = false;
  /**
   * Nonces this process allocated and has not broadcast yet (or is broadcasting): nonce n goes
   * out only once n - 1 is no longer here, or in the same JSON-RPC batch just after it, so this
   * process never makes a nonce gap and never waits a round trip per transaction.
   */
  type Slot = {
    raw?: Hex;
    state: 'allocated' | 'ready' | 'sending';
    settle?: (result: Promise<'sent' | 'nonce_used'>) => void;
  };
  const slots = new Map<number, Slot>();
  const feeCap = BigInt(config.max_fee_per_gas);
  const tipCap = BigInt(config.max_priority_fee_per_gas);
  /** `fee` within the caps (a tip never above the fee). */
  const withinCaps = (fee: Fees): Fees => {
    const maxFeePerGas = fee.maxFeePerGas < feeCap ? fee.maxFeePerGas : feeCap;
    const tip = fee.maxPriorityFeePerGas < tipCap ? fee.maxPriorityFeePerGas : tipCap;
    return { maxFeePerGas, maxPriorityFeePerGas: tip < maxFeePerGas ? tip : maxFeePerGas };
  };
  /** Counts and logs an action that the caps keep from paying what the chain asks now. */
  function capped(log: Logger, wanted: Fees, fields: Record<string, unknown> = {}) {
    metrics.txs.inc({ outcome: 'fee_capped' });
    log.error(
      {
        ...fields,
        wanted_max_fee_per_gas: wanted.maxFeePerGas.toString(),
        wanted_max_priority_fee_per_gas: wanted.maxPriorityFeePerGas.toString(),
        max_fee_per_gas: config.max_fee_per_gas,
        max_priority_fee_per_gas: config.max_priority_fee_per_gas,
      },
      'fee cap reached: not paying more per gas (sender.max_fee_per_gas / max_priority_fee_per_gas)',
    );
  }

  async function allocateWaiting() {
    if (allocating || waiting.length === 0) return;
    allocating = true;
    const batch = waiting.splice(0);
    try {
      const nonces = (await redis.eval(
        allocateScript,
        2 + batch.length,
        nonceKey,
        pendingKey,
        ...batch.map((w) => recordKey(w.id)),
        chainFloor,
        ...batch.flatMap(({ id, fields: f }) => [id, f.to, f.data, f.gas, f.value, f.cancel ?? '0']),
      )) as string[];
      for (const [i, w] of batch.entries()) {
        // A nonce already here belongs to the same action run twice (its lock expired): one slot.
        if (!slots.has(Number(nonces[i]))) slots.set(Number(nonces[i]), { state: 'allocated' });
        w.resolve(nonces[i]!);
      }
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      allocating = false;
      void allocateWaiting();
    }
  }

  /** Allocates the action's nonce (batched with the other actions waiting) and records `fields`. */
  function allocate(id: string, fields: Fields): Promise<string> {
    return new Promise((resolve, reject) => {
      waiting.push({ id, fields, resolve, reject });
      void allocateWaiting();
    });
  }

  /** Broadcasts every ready slot whose predecessor is gone or goes in the same batch, in nonce order. */
  function flushSlots() {
    const batch: [number, Slot][] = [];
    const chosen = new Set<number>();
    for (const [nonce, slot] of [...slots].sort(([a], [b]) => a - b)) {
      if (slot.state !== 'ready') continue;
      if (slots.has(nonce - 1) && !chosen.has(nonce - 1)) continue;
      chosen.add(nonce);
      batch.push([nonce, slot]);
    }
    // Calls made in one tick share one JSON-RPC batch (chain.client batches), in this order.
    for (const [nonce, slot] of batch) {
      slot.state = 'sending';
      const result = broadcast(slot.raw!);
      slot.settle!(result);
      void result
        .catch(() => {})
        .finally(() => {
          slots.delete(nonce);
          flushSlots();
        });
    }
  }

  /** Broadcasts `raw` of an allocated nonce in its turn. */
  function broadcastInTurn(nonce: number, raw: Hex): Promise<'sent' | 'nonce_used'> {
    const slot = slots.get(nonce);
    // No turn to wait for, or the same nonce is already on its way (the same action run twice).
    if (slot?.state !== 'allocated') return broadcast(raw);
    return new Promise((resolve) => {
      slot.raw = raw;
      slot.state = 'ready';
      slot.settle = resolve;
      flushSlots();
    });
  }

  /** Gives up an allocated nonce's turn without broadcasting (signing or recording failed). */
  function releaseSlot(nonce: number) {
    if (slots.get(nonce)?.state === 'allocated') {
      slots.delete(nonce);
      flushSlots();
    }
  }

  const currentFees = () => {
    if (!fees || Date.now() - fees.at > 1_000) {
      const value = chain.client.estimateFeesPerGas();
      value.catch(() => {
        fees = undefined;
      });
      fees = { at: Date.now(), value };
    }
    return fees.value;
  };
  let gasLimit: { at: number; value: Promise<bigint> } | undefined;
  /** The latest block's gas limit, read at start and then at most once a minute. */
  const blockGasLimit = () => {
    if (!gasLimit || Date.now() - gasLimit.at > 60_000) {
      const value = chain.client.getBlock({ blockTag: 'latest' }).then((block) => block.gasLimit);
      value.catch(() => {
        gasLimit = undefined;
      });
      gasLimit = { at: Date.now(), value };
    }
    return gasLimit.value;
  };
  const chainNonce = (blockTag: 'latest' | 'pending') =>
    chain.client.getTransactionCount({ address: account.address, blockTag });

  /** A held action lock; `finish` releases it in the same round trip as the outcome. */
  type Lock = { key: string; token: string; released: boolean };

  /**
   * Holds the action's lock while `work` runs (given the record read with the lock, in one round
   * trip); `wait: false` gives up at once when it is held.
   */
  async function withLock<T>(
    id: string,
    wait: boolean,
    work: (record: ActionRecord, lock: Lock) => Promise<T>,
  ): Promise<T | undefined> {
    const lock: Lock = { key: lockKey(id), token: `${process.pid}-${Math.random()}`, released: false };
    const deadline = Date.now() + config.action_lock_ms * 3;
    const take = () =>
      redis.eval(acquireScript, 2, lock.key, recordKey(id), lock.token, config.action_lock_ms) as Promise<
        string[] | null
      >;
    let fields = await take();
    while (fields === null) {
      if (!wait) return undefined;
      if (Date.now() > deadline) throw new RetryableError(`action ${id} is busy in another worker`);
      await sleep(100);
      fields = await take();
    }
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
    const renew = setInterval(
      () => void redis.eval(renewScript, 1, lock.key, lock.token, config.action_lock_ms).catch(() => {}),
      config.action_lock_ms / 3,
    );
    try {
      return await work(record as ActionRecord, lock);
    } finally {
      clearInterval(renew);
      if (!lock.released) await redis.eval(releaseScript, 1, lock.key, lock.token);
    }
  }

  async function simulate(action: Action, id: string): Promise<{ gas: bigint } | { revert: Revert }> {
    try {
      const gas = await chain.client.estimateContractGas({
        account,
        address: action.address,
        abi: action.abi,
        functionName: action.functionName,
        args: action.args,
        value: action.value,
      } as Parameters<typeof chain.client.estimateContractGas>[0]);
      return { gas };
    } catch (error) {
      const reverted =
        error instanceof BaseError
          ? error.walk((e) => e instanceof ContractFunctionRevertedError)
          : undefined;
      if (!(reverted instanceof ContractFunctionRevertedError)) {
        const text = `${shortMessage(error)} ${(error as { details?: string }).details ?? ''}`;
        if (
          /gas required exceeds|exceeds block gas limit|intrinsic gas too high|gas limit reached/i.test(text)
        ) {
          throw new UnrecoverableError(
            `action ${id} needs more gas than the block gas limit (${await blockGasLimit()}): it can never be mined`,
          );
        }
        throw error;
      }
      return {
        revert: {
          error_name: reverted.data?.errorName ?? (reverted.reason ? 'Error' : undefined),
          args: reverted.data?.args ?? (reverted.reason ? [reverted.reason] : undefined),
          message: shortMessage(reverted),
        },
      };
    }
  }

  /** Broadcasts; "already known" is fine, "nonce too low" means the nonce is used (maybe by us). */
  async function broadcast(raw: Hex): Promise<'sent' | 'nonce_used'> {
    try {
      await chain.client.request({ method: 'eth_sendRawTransaction', params: [raw] });
      return 'sent';
    } catch (error) {
      const text = `${shortMessage(error)} ${(error as { details?: string }).details ?? ''}`;
      if (/already known|known transaction|already imported|already exists/i.test(text)) return 'sent';
      if (/nonce too low|nonce has already been used|nonce is too low/i.test(text)) return 'nonce_used';
      throw error;
    }
  }

  /**
   * Signs the record's transaction with `fee`, records the new hash (so that its receipt is found
   * whatever happens next), then broadcasts it (in the nonce's turn when `inTurn`). What a resume
   * rebroadcasts (`raw`, with its fees) is the first version, recorded before it goes out (a crash
   * after the broadcast must not lose it), or a replacement once the node accepted it: a version
   * the node refused (underpriced, above the balance) never replaces one it holds.
   */
  async function dispatch(id: string, record: Signable, fee: Fees, inTurn = false): Promise<Signable> {
    const raw = await account.signTransaction({
      chainId: chain.id,
      type: 'eip1559',
      to: record.to,
      data: record.data,
      value: BigInt(record.value),
      nonce: Number(record.nonce),
      gas: BigInt(record.gas),
      maxFeePerGas: fee.maxFeePerGas,
      maxPriorityFeePerGas: fee.maxPriorityFeePerGas,
    });
    const hashes = JSON.stringify([...(JSON.parse(record.hashes ?? '[]') as Hash[]), keccak256(raw)]);
    const signed = {
      raw,
      max_fee: fee.maxFeePerGas.toString(),
      priority_fee: fee.maxPriorityFeePerGas.toString(),
    };
    const first = record.raw === undefined;
    await redis.hset(recordKey(id), first ? { hashes, ...signed } : { hashes });
    const sent = inTurn ? broadcastInTurn(Number(record.nonce), raw) : broadcast(raw);
    if ((await sent) === 'nonce_used') throw new NonceConsumed();
    if (!first) await redis.hset(recordKey(id), signed);
    return { ...record, hashes, ...signed };
  }

  function classify(action: Action, revert: Revert): RevertClass {
    return action.classifyRevert?.(revert) ?? 'fatal';
  }

  /** Records the outcome and, in the same round trip, releases the action's lock. */
  async function finish(id: string, fields: ActionRecord, lock: Lock) {
    await redis.eval(
      finishScript,
      3,
      recordKey(id),
      pendingKey,
      lock.key,
      config.record_ttl_s,
      id,
      lock.token,
      ...Object.entries(fields).flat(),
    );
    lock.released = true;
  }

  async function forget(id: string) {
    await redis.multi().hdel(recordKey(id), 'nonce', 'hashes', 'raw', 'cancel').zrem(pendingKey, id).exec();
  }

  async function alreadyDone(id: string, revert: Revert, log: Logger, lock: Lock): Promise<ActionResult> {
    const reason = revert.error_name ?? revert.message;
    await finish(id, { status: 'already_done', reason }, lock);
    metrics.txs.inc({ outcome: 'already_done' });
    log.warn({ revert_error: reason }, 'action already done by someone else; treating as success');
    return { status: 'already_done', reason };
  }

  async function receiptOf(hashes: Hash[]) {
    for (const hash of hashes) {
      const receipt = await chain.client.getTransactionReceipt({ hash }).catch((error) => {
        if (error instanceof TransactionReceiptNotFoundError) return undefined;
        throw error;
      });
      if (receipt) return receipt;
    }
    return undefined;
  }

  /**
   * Sends the recorded transactions of nonces `from..to` that are not in the node's pool: after a
   * crash (start, waiting for the locks of the crashed process to expire) or when a later
   * transaction is stuck behind them (actions locked by a live worker are then left to it). A
   * nonce without any record is filled with a no-op transfer.
   */
  async function repair(from: number, to: number, log: Logger, waitForLocks: boolean) {
    await redis.zremrangebyscore(pendingKey, '-inf', `(${from}`);
    for (let nonce = from; nonce <= to; nonce++) {
      const [owner] = await redis.zrangebyscore(pendingKey, nonce, nonce);
      const id = owner ?? `filler-${nonce}`;
      if (!owner) {
        await redis
          .multi()
          .hset(recordKey(id), {
            status: 'pending',
            nonce,
            to: account.address,
            data: '0x',
            gas: 21_000,
            value: 0,
            cancel: 1,
          })
          .expire(recordKey(id), config.record_ttl_s)
          .zadd(pendingKey, nonce, id)
          .exec();
      }
      await withLock(id, waitForLocks, async (record) => {
        if (record.nonce !== String(nonce) || record.status !== 'pending') return;
        if (!record.raw) await dispatch(id, record as Signable, await firstFees(log));
        // Refused now (the base fee rose past it, the node restarted): signed again, higher.
        else if (
          !(await broadcast(record.raw).then(
            () => true,
            () => false,
          ))
        )
          await bump(id, record as Signable, log);
        metrics.txs.inc({ outcome: 'rebroadcast' });
        log.warn({ action_id: id, nonce }, 'sent a transaction left unsent or dropped');
      }).catch((error) =>
        log.warn({ action_id: id, nonce, err_message: shortMessage(error) }, 'repair failed'),
      );
    }
  }

  /** How often a pending action checks whether its nonce was used by another transaction. */
  const nonceCheckMs = Math.max(1_000, config.poll_interval_ms * 4);

  /** Waits for one of the record's transactions; bumps fees (or repairs nonces below) when stuck. */
  async function track(
    action: Action,
    id: string,
    record: Signable,
    log: Logger,
    lock: Lock,
  ): Promise<ActionResult> {
    let lastSent = Date.now();
    let lastNonceCheck = Date.now();
    let usedWithoutReceipt = 0;
    for (;;) {
      const hashes = JSON.parse(record.hashes ?? '[]') as Hash[];
      const receipt = await receiptOf([...hashes].reverse());
      if (receipt) {
        if (config.confirmations > 1) {
          const confirmedAt = receipt.blockNumber + BigInt(config.confirmations) - 1n;
          while ((await chain.client.getBlockNumber({ cacheTime: config.poll_interval_ms })) < confirmedAt) {
            await sleep(config.poll_interval_ms);
          }
          // Still there after the confirmations (not reorged out)?
          if (!(await receiptOf([receipt.transactionHash]))) continue;
        }
        if (receipt.status === 'success' && record.cancel !== '1') {
          const block_number = receipt.blockNumber.toString();
          await finish(id, { status: 'mined', hash: receipt.transactionHash, block_number }, lock);
          metrics.txs.inc({ outcome: 'mined' });
          log.info({ tx_hash: receipt.transactionHash, block_number }, 'action mined');
          return { status: 'mined', hash: receipt.transactionHash, block_number: receipt.blockNumber };
        }
        const outcome = await simulate(action, id);
        if ('revert' in outcome && classify(action, outcome.revert) === 'already_done') {
          return alreadyDone(id, outcome.revert, log, lock);
        }
        if (record.cancel === '1') {
          await forget(id);
          throw new RetryableError('the no-op filling this nonce was mined, but the action is not done');
        }
        metrics.txs.inc({ outcome: 'reverted' });
        await forget(id);
        const message = `transaction ${receipt.transactionHash} reverted on chain`;
        const verdict = 'revert' in outcome ? classify(action, outcome.revert) : 'retry';
        throw verdict === 'fatal' ? new UnrecoverableError(message) : new RetryableError(message);
      }
      // The chain's nonce is read only now and then (a receipt is the common answer): a node may
      // index receipts a moment after the nonce moves, so only a few looks in a row that find the
      // nonce used without any of our receipts mean another transaction took it.
      const stuck = Date.now() - lastSent >= config.stuck_after_ms;
      if (stuck || usedWithoutReceipt > 0 || Date.now() - lastNonceCheck >= nonceCheckMs) {
        lastNonceCheck = Date.now();
        const mined = await chainNonce('latest');
        if (mined > Number(record.nonce)) {
          if (++usedWithoutReceipt >= 3) throw new NonceConsumed();
          await sleep(config.poll_interval_ms);
          continue;
        }
        if (stuck) {
          if (mined < Number(record.nonce)) await repair(mined, Number(record.nonce) - 1, log, false);
          else record = await bump(id, record, log);
          lastSent = Date.now();
        }
      }
      await sleep(config.poll_interval_ms);
    }
  }

  /** The chain's fees now, within the caps (logged and counted when the caps bite). */
  async function firstFees(log: Logger): Promise<Fees> {
    const current = await currentFees();
    const fee = withinCaps(current);
    if (fee.maxFeePerGas < current.maxFeePerGas || fee.maxPriorityFeePerGas < current.maxPriorityFeePerGas)
      capped(log, current);
    return fee;
  }

  /**
   * Replaces a stuck transaction: both fees raised by `fee_bump_percent` (at least to the chain's
   * now), within the caps. Nodes take a replacement only if it raises both fees by 10% or more: at
   * the caps it is not sent, and the transaction waits for the fees to fall to it.
   */
  async function bump(id: string, record: Signable, log: Logger): Promise<Signable> {
    const current = await currentFees();
    const raised = (old: string | undefined, percent: number) =>
      (BigInt(old ?? '0') * BigInt(100 + percent) + 99n) / 100n;
    const raise = (old: string | undefined, now: bigint) => {
      const bumped = raised(old, config.fee_bump_percent);
      return bumped > now ? bumped : now;
    };
    const wanted = {
      maxFeePerGas: raise(record.max_fee, current.maxFeePerGas),
      maxPriorityFeePerGas: raise(record.priority_fee, current.maxPriorityFeePerGas),
    };
    const fee = withinCaps(wanted);
    if (fee.maxFeePerGas < wanted.maxFeePerGas || fee.maxPriorityFeePerGas < wanted.maxPriorityFeePerGas) {
      capped(log, wanted, { nonce: Number(record.nonce) });
      if (
        record.raw !== undefined &&
        (fee.maxFeePerGas < raised(record.max_fee, 10) ||
          fee.maxPriorityFeePerGas < raised(record.priority_fee, 10))
      )
        return record;
    }
    // "nonce too low" here means a signed version was mined meanwhile: the next look finds it.
    const next = await dispatch(id, record, fee).catch((error) => {
      if (!(error instanceof NonceConsumed))
        log.warn({ err_message: shortMessage(error) }, 'replacement not accepted');
      return record;
    });
    metrics.txs.inc({ outcome: 'replaced' });
    log.warn(
      { nonce: Number(record.nonce), max_fee_per_gas: fee.maxFeePerGas.toString() },
      'transaction stuck; replaced with higher fees',
    );
    return next;
  }

  /** The gas limit to sign with: the estimate plus the margin, at least `minGas`, at most a block. */
  async function gasFor(action: Action, id: string, estimate: bigint): Promise<bigint> {
    const limit = await blockGasLimit();
    if (estimate > limit) {
      throw new UnrecoverableError(
        `action ${id} needs ${estimate} gas, more than the block gas limit (${limit}): it can never be mined`,
      );
    }
    let gas = withGasMargin(estimate, action.gasMarginPercent ?? config.gas_margin_percent);
    if (action.minGas !== undefined && gas < action.minGas) gas = action.minGas;
    if (gas > limit) gas = limit;
    return gas;
  }

  async function run(action: Action, id: string, log: Logger, lock: Lock, first: ActionRecord) {
    for (let record = first; ; record = (await redis.hgetall(recordKey(id))) as ActionRecord) {
      if (record.status === 'mined') {
        return { status: 'mined', hash: record.hash!, block_number: BigInt(record.block_number!) } as const;
      }
      if (record.status === 'already_done')
        return { status: 'already_done', reason: record.reason ?? '' } as const;
      try {
        if (record.hashes) {
          // A version the node refuses now is replaced (signed again, higher) once it counts as
          // stuck, instead of failing every retry on the same nonce.
          const resent = await broadcast(record.raw!).catch((error) => {
            log.warn(
              { err_message: shortMessage(error) },
              'recorded transaction refused; replacing it when stuck',
            );
            return 'refused';
          });
          if (resent === 'sent') metrics.txs.inc({ outcome: 'rebroadcast' });
          log.info({ nonce: Number(record.nonce) }, 'resuming a transaction sent before');
          return await track(action, id, record as Signable, log, lock);
        }
        // The estimate is the simulation: one eth_estimateGas both checks the call and sizes it.
        const simulated = await simulate(action, id);
        let fields: Pick<Signable, 'to' | 'data' | 'gas' | 'value' | 'cancel'>;
        if ('revert' in simulated) {
          const verdict = classify(action, simulated.revert);
          const message = `simulation reverted: ${simulated.revert.error_name ?? simulated.revert.message}`;
          if (verdict === 'retry') throw new RetryableError(message);
          if (verdict === 'fatal') throw new UnrecoverableError(message);
          if (record.nonce === undefined) return await alreadyDone(id, simulated.revert, log, lock);
          // A nonce was allocated for this action but never sent: fill it with a no-op transfer.
          fields = { to: account.address, data: '0x', gas: '21000', value: '0', cancel: '1' };
        } else {
          const data = encodeFunctionData({
            abi: action.abi,
            functionName: action.functionName,
            args: action.args,
          } as Parameters<typeof encodeFunctionData>[0]);
          fields = {
            to: action.address,
            data,
            gas: (await gasFor(action, id, simulated.gas)).toString(),
            value: (action.value ?? 0n).toString(),
            cancel: '0',
          };
        }
        const fee = await firstFees(log);
        const nonce = await allocate(id, fields);
        const sent = await dispatch(id, { ...fields, nonce }, fee, true).finally(() =>
          releaseSlot(Number(nonce)),
        );
        metrics.txs.inc({ outcome: 'sent' });
        log.debug({ nonce: Number(sent.nonce) }, 'transaction sent');
        return await track(action, id, sent, log, lock);
      } catch (error) {
        if (!(error instanceof NonceConsumed)) throw error;
        const hashes = JSON.parse((await redis.hget(recordKey(id), 'hashes')) ?? '[]') as Hash[];
        if (await receiptOf(hashes)) continue;
        chainFloor = await chainNonce('pending');
        log.warn(
          { nonce: record.nonce ?? null, chain_nonce: chainFloor },
          'nonce used by another transaction; sending again',
        );
        await forget(id);
      }
    }
  }

  return {
    address: account.address,
    start: async () => {
      const [pending, latest, stored] = await Promise.all([
        chainNonce('pending'),
        chainNonce('latest'),
        redis.get(nonceKey),
        blockGasLimit(),
      ]);
      chainFloor = pending;
      const next = Number(stored ?? 0);
      // Locks still held at start belong to a crashed process (they expire) or to a live one.
      if (next > latest) await repair(latest, next - 1, logger, true);
      logger.info(
        { address: account.address, chain_nonce: latest, next_nonce: Math.max(next, pending) },
        'sender ready',
      );
    },
    send: async (action, log = logger) => {
      const child = log.child({ action_id: action.id });
      const result = await withLock(action.id, true, (record, lock) =>
        run(action as unknown as Action, action.id, child, lock, record),
      );
      return result!;
    },
  };
}

/**
 * A gas limit: `estimate` plus `percent`. Gas can change between estimate and inclusion (other
 * transactions move the state; the basket's fee accrual costs more once a second has passed since
 * the last one), so nothing here sends with a bare estimate. Direct sends (CLI, scenario, tests)
 * use 30%; the agents' sender `sender.gas_margin_percent`.
 */
export function withGasMargin(estimate: bigint, percent = 30): bigint {
  return (estimate * BigInt(100 + percent)) / 100n;
}
