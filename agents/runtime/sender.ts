/**
 * Transaction sender for one key. Each action has an idempotency record in Redis (its nonce, the
 * hashes of every signed version, the outcome), so a job retried after a crash resumes the same
 * transaction instead of sending a second one. Nonces come from a Redis allocator that survives
 * restarts and never goes below the chain's pending nonce. Every action is simulated before it is
 * signed; a revert is classified by the role: "already done" by someone else is a success logged
 * as a warning. A transaction that is not mined within `stuck_after_ms` is replaced with the same
 * nonce and higher fees. Nonces left unsent by a crash are sent from their records at start (and
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
type Record = {
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
type Signable = Required<Pick<Record, 'nonce' | 'to' | 'data' | 'gas' | 'value'>> & Record;

/**
 * Allocates the action's nonce once (the recorded one, else max(next stored, chain pending)),
 * records what will be signed and indexes the action by nonce, atomically.
 */
const allocateScript = `
local nonce = redis.call('HGET', KEYS[2], 'nonce')
if not nonce then
  nonce = tonumber(redis.call('GET', KEYS[1]) or '0')
  local floor = tonumber(ARGV[1])
  if floor > nonce then nonce = floor end
  redis.call('SET', KEYS[1], nonce + 1)
  redis.call('ZADD', KEYS[3], nonce, ARGV[2])
end
redis.call('HSET', KEYS[2], 'status', 'pending', 'nonce', nonce, 'to', ARGV[3], 'data', ARGV[4], 'gas', ARGV[5], 'value', ARGV[6], 'cancel', ARGV[7])
return tostring(nonce)`;
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
  const chainNonce = (blockTag: 'latest' | 'pending') =>
    chain.client.getTransactionCount({ address: account.address, blockTag });

  /** Holds the action's lock while `work` runs; `wait: false` gives up at once when it is held. */
  async function withLock<T>(id: string, wait: boolean, work: () => Promise<T>): Promise<T | undefined> {
    const lock = lockKey(id);
    const token = `${process.pid}-${Math.random()}`;
    const deadline = Date.now() + config.action_lock_ms * 3;
    while ((await redis.set(lock, token, 'PX', config.action_lock_ms, 'NX')) !== 'OK') {
      if (!wait) return undefined;
      if (Date.now() > deadline) throw new RetryableError(`action ${id} is busy in another worker`);
      await sleep(100);
    }
    const renew = setInterval(
      () => void redis.eval(renewScript, 1, lock, token, config.action_lock_ms).catch(() => {}),
      config.action_lock_ms / 3,
    );
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await redis.eval(releaseScript, 1, lock, token);
    }
  }

  async function simulate(action: Action): Promise<{ gas: bigint } | { revert: Revert }> {
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
      if (!(reverted instanceof ContractFunctionRevertedError)) throw error;
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

  /** Signs the record's transaction with `fee`, records the new hash, then broadcasts it. */
  async function dispatch(id: string, record: Signable, fee: Fees): Promise<Signable> {
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
    const fields = {
      raw,
      hashes,
      max_fee: fee.maxFeePerGas.toString(),
      priority_fee: fee.maxPriorityFeePerGas.toString(),
    };
    await redis.hset(recordKey(id), fields);
    if ((await broadcast(raw)) === 'nonce_used') throw new NonceConsumed();
    return { ...record, ...fields };
  }

  function classify(action: Action, revert: Revert): RevertClass {
    return action.classifyRevert?.(revert) ?? 'fatal';
  }

  async function finish(id: string, fields: Record) {
    await redis
      .multi()
      .hset(recordKey(id), fields)
      .expire(recordKey(id), config.record_ttl_s)
      .zrem(pendingKey, id)
      .exec();
  }

  async function forget(id: string) {
    await redis.multi().hdel(recordKey(id), 'nonce', 'hashes', 'raw', 'cancel').zrem(pendingKey, id).exec();
  }

  async function alreadyDone(id: string, revert: Revert, log: Logger): Promise<ActionResult> {
    const reason = revert.error_name ?? revert.message;
    await finish(id, { status: 'already_done', reason });
    metrics.txs.inc({ outcome: 'already_done' });
    log.warn({ revert_error: reason }, 'action already done by someone else; treating as success');
    return { status: 'already_done', reason };
  }

  async function receiptOf(hashes: Hash[]) {
    for (const hash of hashes) {
      const receipt = await chain.client.getTransactionReceipt({ hash }).catch(() => undefined);
      if (receipt) return receipt;
    }
    return undefined;
  }

  /**
   * Sends the recorded transactions of nonces `from..to` that are not in the node's pool: after a
   * crash (start) or when a later transaction is stuck behind them. Actions locked by a live
   * worker are left to it; a nonce without any record is filled with a no-op transfer.
   */
  async function repair(from: number, to: number, log: Logger) {
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
      await withLock(id, false, async () => {
        const record = (await redis.hgetall(recordKey(id))) as Record;
        if (record.nonce !== String(nonce)) return;
        if (record.raw) await broadcast(record.raw);
        else await dispatch(id, record as Signable, await currentFees());
        metrics.txs.inc({ outcome: 'rebroadcast' });
        log.warn({ action_id: id, nonce }, 'sent a transaction left unsent or dropped');
      }).catch((error) =>
        log.warn({ action_id: id, nonce, err_message: shortMessage(error) }, 'repair failed'),
      );
    }
  }

  /** Waits for one of the record's transactions; bumps fees (or repairs nonces below) when stuck. */
  async function track(action: Action, id: string, record: Signable, log: Logger): Promise<ActionResult> {
    let lastSent = Date.now();
    for (;;) {
      const hashes = JSON.parse(record.hashes ?? '[]') as Hash[];
      const receipt = await receiptOf([...hashes].reverse());
      if (receipt) {
        while (
          (await chain.client.getBlockNumber({ cacheTime: config.poll_interval_ms })) -
            receipt.blockNumber +
            1n <
          BigInt(config.confirmations)
        ) {
          await sleep(config.poll_interval_ms);
        }
        if (!(await receiptOf([receipt.transactionHash]))) continue;
        if (receipt.status === 'success' && record.cancel !== '1') {
          const block_number = receipt.blockNumber.toString();
          await finish(id, { status: 'mined', hash: receipt.transactionHash, block_number });
          metrics.txs.inc({ outcome: 'mined' });
          log.info({ tx_hash: receipt.transactionHash, block_number }, 'action mined');
          return { status: 'mined', hash: receipt.transactionHash, block_number: receipt.blockNumber };
        }
        const outcome = await simulate(action);
        if ('revert' in outcome && classify(action, outcome.revert) === 'already_done') {
          return alreadyDone(id, outcome.revert, log);
        }
        if (record.cancel === '1') throw new NonceConsumed();
        metrics.txs.inc({ outcome: 'reverted' });
        await forget(id);
        const message = `transaction ${receipt.transactionHash} reverted on chain`;
        const verdict = 'revert' in outcome ? classify(action, outcome.revert) : 'retry';
        throw verdict === 'fatal' ? new UnrecoverableError(message) : new RetryableError(message);
      }
      const mined = await chainNonce('latest');
      if (mined > Number(record.nonce)) {
        if (await receiptOf(hashes)) continue;
        throw new NonceConsumed();
      }
      if (Date.now() - lastSent >= config.stuck_after_ms) {
        if (mined < Number(record.nonce)) await repair(mined, Number(record.nonce) - 1, log);
        else record = await bump(id, record, log);
        lastSent = Date.now();
      }
      await sleep(config.poll_interval_ms);
    }
  }

  async function bump(id: string, record: Signable, log: Logger): Promise<Signable> {
    const current = await currentFees();
    const raise = (old: string | undefined, now: bigint) => {
      const bumped = (BigInt(old ?? '0') * BigInt(100 + config.fee_bump_percent) + 99n) / 100n;
      return bumped > now ? bumped : now;
    };
    const fee = {
      maxFeePerGas: raise(record.max_fee, current.maxFeePerGas),
      maxPriorityFeePerGas: raise(record.priority_fee, current.maxPriorityFeePerGas),
    };
    const next = await dispatch(id, record, fee).catch((error) => {
      if (error instanceof NonceConsumed) throw error;
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

  async function run(action: Action, id: string, log: Logger): Promise<ActionResult> {
    for (;;) {
      const record = (await redis.hgetall(recordKey(id))) as Record;
      if (record.status === 'mined') {
        return { status: 'mined', hash: record.hash!, block_number: BigInt(record.block_number!) };
      }
      if (record.status === 'already_done') return { status: 'already_done', reason: record.reason ?? '' };
      try {
        if (record.hashes) {
          if ((await broadcast(record.raw!)) === 'sent') metrics.txs.inc({ outcome: 'rebroadcast' });
          log.info({ nonce: Number(record.nonce) }, 'resuming a transaction sent before');
          return await track(action, id, record as Signable, log);
        }
        const simulated = await simulate(action);
        let fields: Pick<Signable, 'to' | 'data' | 'gas' | 'value' | 'cancel'>;
        if ('revert' in simulated) {
          const verdict = classify(action, simulated.revert);
          const message = `simulation reverted: ${simulated.revert.error_name ?? simulated.revert.message}`;
          if (verdict === 'retry') throw new RetryableError(message);
          if (verdict === 'fatal') throw new UnrecoverableError(message);
          if (record.nonce === undefined) return await alreadyDone(id, simulated.revert, log);
          // A nonce was allocated for this action but never sent: fill it with a no-op transfer.
          fields = { to: account.address, data: '0x', gas: '21000', value: '0', cancel: '1' };
        } else {
          const data = encodeFunctionData({
            abi: action.abi,
            functionName: action.functionName,
            args: action.args,
          } as Parameters<typeof encodeFunctionData>[0]);
          const gas = (simulated.gas * BigInt(100 + config.gas_margin_percent)) / 100n;
          fields = {
            to: action.address,
            data,
            gas: gas.toString(),
            value: (action.value ?? 0n).toString(),
            cancel: '0',
          };
        }
        const fee = await currentFees();
        const nonce = (await redis.eval(
          allocateScript,
          3,
          nonceKey,
          recordKey(id),
          pendingKey,
          chainFloor,
          id,
          fields.to,
          fields.data,
          fields.gas,
          fields.value,
          fields.cancel!,
        )) as string;
        const sent = await dispatch(id, { ...fields, nonce }, fee);
        metrics.txs.inc({ outcome: 'sent' });
        log.debug({ nonce: Number(nonce) }, 'transaction sent');
        return await track(action, id, sent, log);
      } catch (error) {
        if (!(error instanceof NonceConsumed)) throw error;
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
      ]);
      chainFloor = pending;
      const next = Number(stored ?? 0);
      if (next > latest) await repair(latest, next - 1, logger);
      logger.info(
        { address: account.address, chain_nonce: latest, next_nonce: Math.max(next, pending) },
        'sender ready',
      );
    },
    send: async (action, log = logger) => {
      const child = log.child({ action_id: action.id });
      const result = await withLock(action.id, true, () =>
        run(action as unknown as Action, action.id, child),
      );
      return result!;
    },
  };
}
