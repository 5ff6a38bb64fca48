/**
 * Transaction sender for one key. Each action has an idempotency record in Redis (its nonce, the
 * hashes of every signed version, the outcome), so a job retried after a crash resumes the same
 * transaction instead of sending a second one. Nonces come from a Redis allocator that survives
 * restarts and never goes below the chain's pending nonce. Every action is simulated before it is
 * signed; a revert is classified by the role: "already done" by someone else is a success logged
 * as a warning. A transaction that is not mined within `stuck_after_ms` is replaced with the same
 * nonce and higher fees.
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
type Record = {
  status?: 'pending' | 'mined' | 'already_done';
  nonce?: string;
  hashes?: string;
  raw?: Hex;
  gas?: string;
  max_fee?: string;
  priority_fee?: string;
  to?: Address;
  data?: Hex;
  value?: string;
  cancel?: '1';
  hash?: Hash;
  block_number?: string;
  reason?: string;
};

/** Allocates the action's nonce once: the recorded one, else max(next stored, chain pending). */
const allocateScript = `
local recorded = redis.call('HGET', KEYS[2], 'nonce')
if recorded then return recorded end
local nonce = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if floor > nonce then nonce = floor end
redis.call('SET', KEYS[1], nonce + 1)
redis.call('HSET', KEYS[2], 'status', 'pending', 'nonce', nonce)
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

  async function withLock<T>(id: string, work: () => Promise<T>): Promise<T> {
    const lockKey = `${base}:lock:${id}`;
    const token = `${process.pid}-${Math.random()}`;
    const deadline = Date.now() + config.action_lock_ms * 3;
    while ((await redis.set(lockKey, token, 'PX', config.action_lock_ms, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new RetryableError(`action ${id} is busy in another worker`);
      await sleep(100);
    }
    const renew = setInterval(
      () => void redis.eval(renewScript, 1, lockKey, token, config.action_lock_ms).catch(() => {}),
      config.action_lock_ms / 3,
    );
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await redis.eval(releaseScript, 1, lockKey, token);
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

  async function sign(
    record: Required<Pick<Record, 'nonce' | 'gas' | 'max_fee' | 'priority_fee' | 'to' | 'data'>> & Record,
  ) {
    const raw = await account.signTransaction({
      chainId: chain.id,
      type: 'eip1559',
      to: record.to,
      data: record.data,
      value: BigInt(record.value ?? '0'),
      nonce: Number(record.nonce),
      gas: BigInt(record.gas),
      maxFeePerGas: BigInt(record.max_fee),
      maxPriorityFeePerGas: BigInt(record.priority_fee),
    });
    return { raw, hash: keccak256(raw) };
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

  function classify(action: Action, revert: Revert): RevertClass {
    return action.classifyRevert?.(revert) ?? 'fatal';
  }

  async function finish(recordKey: string, fields: Record) {
    await redis.multi().hset(recordKey, fields).expire(recordKey, config.record_ttl_s).exec();
  }

  async function alreadyDone(recordKey: string, revert: Revert, log: Logger): Promise<ActionResult> {
    const reason = revert.error_name ?? revert.message;
    await finish(recordKey, { status: 'already_done', reason });
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

  /** Waits for one of the record's transactions; bumps fees when stuck. */
  async function track(
    action: Action,
    recordKey: string,
    record: Record,
    log: Logger,
  ): Promise<ActionResult> {
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
          await finish(recordKey, {
            status: 'mined',
            hash: receipt.transactionHash,
            block_number: receipt.blockNumber.toString(),
          });
          metrics.txs.inc({ outcome: 'mined' });
          log.info(
            { tx_hash: receipt.transactionHash, block_number: receipt.blockNumber.toString() },
            'action mined',
          );
          return { status: 'mined', hash: receipt.transactionHash, block_number: receipt.blockNumber };
        }
        const outcome = await simulate(action);
        if ('revert' in outcome && classify(action, outcome.revert) === 'already_done') {
          return alreadyDone(recordKey, outcome.revert, log);
        }
        if (record.cancel === '1') throw new NonceConsumed();
        metrics.txs.inc({ outcome: 'reverted' });
        await redis.hdel(recordKey, 'nonce', 'hashes', 'raw');
        const message = `transaction ${receipt.transactionHash} reverted on chain`;
        const verdict = 'revert' in outcome ? classify(action, outcome.revert) : 'retry';
        throw verdict === 'fatal' ? new UnrecoverableError(message) : new RetryableError(message);
      }
      const mined = await chain.client.getTransactionCount({ address: account.address, blockTag: 'latest' });
      if (mined > Number(record.nonce)) {
        if (await receiptOf(hashes)) continue;
        throw new NonceConsumed();
      }
      if (Date.now() - lastSent >= config.stuck_after_ms) {
        record = await bump(recordKey, record, log);
        lastSent = Date.now();
      }
      await sleep(config.poll_interval_ms);
    }
  }

  async function bump(recordKey: string, record: Record, log: Logger): Promise<Record> {
    const current = await currentFees();
    const raise = (old: string, now: bigint) => {
      const bumped = (BigInt(old) * BigInt(100 + config.fee_bump_percent) + 99n) / 100n;
      return (bumped > now ? bumped : now).toString();
    };
    const next = {
      ...record,
      max_fee: raise(record.max_fee!, current.maxFeePerGas),
      priority_fee: raise(record.priority_fee!, current.maxPriorityFeePerGas),
    } as Parameters<typeof sign>[0];
    const { raw, hash } = await sign(next);
    const hashes = [...(JSON.parse(record.hashes ?? '[]') as Hash[]), hash];
    const updated = { ...next, raw, hashes: JSON.stringify(hashes) };
    await redis.hset(recordKey, {
      raw,
      hashes: updated.hashes,
      max_fee: next.max_fee,
      priority_fee: next.priority_fee,
    });
    await broadcast(raw).catch((error) =>
      log.warn({ err_message: shortMessage(error) }, 'replacement not accepted'),
    );
    metrics.txs.inc({ outcome: 'replaced' });
    log.warn(
      { tx_hash: hash, nonce: Number(record.nonce), max_fee_per_gas: next.max_fee },
      'transaction stuck; replaced with higher fees',
    );
    return updated;
  }

  async function run(action: Action, recordKey: string, log: Logger): Promise<ActionResult> {
    for (;;) {
      const record = (await redis.hgetall(recordKey)) as Record;
      if (record.status === 'mined') {
        return { status: 'mined', hash: record.hash!, block_number: BigInt(record.block_number!) };
      }
      if (record.status === 'already_done') return { status: 'already_done', reason: record.reason ?? '' };
      try {
        if (record.hashes) {
          if ((await broadcast(record.raw!)) === 'sent') metrics.txs.inc({ outcome: 'rebroadcast' });
          log.info({ nonce: Number(record.nonce) }, 'resuming a transaction sent before');
          return await track(action, recordKey, record, log);
        }
        const simulated = await simulate(action);
        const data = encodeFunctionData({
          abi: action.abi,
          functionName: action.functionName,
          args: action.args,
        } as Parameters<typeof encodeFunctionData>[0]);
        let fields: Pick<Record, 'to' | 'data' | 'gas' | 'cancel'>;
        if ('revert' in simulated) {
          const verdict = classify(action, simulated.revert);
          if (verdict === 'already_done') {
            if (record.nonce === undefined) return await alreadyDone(recordKey, simulated.revert, log);
            // A nonce was allocated for this action but never sent: fill it with a no-op transfer.
            fields = { to: account.address, data: '0x', gas: '21000', cancel: '1' };
          } else if (verdict === 'retry') {
            throw new RetryableError(
              `simulation reverted: ${simulated.revert.error_name ?? simulated.revert.message}`,
            );
          } else {
            throw new UnrecoverableError(
              `simulation reverted: ${simulated.revert.error_name ?? simulated.revert.message}`,
            );
          }
        } else {
          const gas = (simulated.gas * BigInt(100 + config.gas_margin_percent)) / 100n;
          fields = { to: action.address, data, gas: gas.toString() };
        }
        const fee = await currentFees();
        const nonce = (await redis.eval(allocateScript, 2, nonceKey, recordKey, chainFloor)) as string;
        const signable = {
          ...fields,
          nonce,
          value: fields.cancel ? '0' : (action.value ?? 0n).toString(),
          max_fee: fee.maxFeePerGas.toString(),
          priority_fee: fee.maxPriorityFeePerGas.toString(),
        } as Parameters<typeof sign>[0];
        const { raw, hash } = await sign(signable);
        const stored: Record = { ...signable, status: 'pending', raw, hashes: JSON.stringify([hash]) };
        await redis.hset(recordKey, stored as { [key: string]: string });
        if ((await broadcast(raw)) === 'nonce_used') throw new NonceConsumed();
        metrics.txs.inc({ outcome: 'sent' });
        log.debug({ tx_hash: hash, nonce: Number(nonce) }, 'transaction sent');
        return await track(action, recordKey, stored, log);
      } catch (error) {
        if (!(error instanceof NonceConsumed)) throw error;
        chainFloor = await chain.client.getTransactionCount({
          address: account.address,
          blockTag: 'pending',
        });
        log.warn(
          { nonce: record.nonce ?? null, chain_nonce: chainFloor },
          'nonce used by another transaction; sending again',
        );
        await redis.hdel(recordKey, 'nonce', 'hashes', 'raw', 'cancel');
      }
    }
  }

  return {
    address: account.address,
    start: async () => {
      chainFloor = await chain.client.getTransactionCount({ address: account.address, blockTag: 'pending' });
      logger.info({ address: account.address, chain_nonce: chainFloor }, 'sender ready');
    },
    send: (action, log = logger) => {
      const recordKey = `${base}:action:${action.id}`;
      const child = log.child({ action_id: action.id });
      return withLock(action.id, () => run(action as unknown as Action, recordKey, child));
    },
  };
}
