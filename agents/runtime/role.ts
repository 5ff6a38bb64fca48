/**
 * Roles: what an agent does with its events. A role is plain data plus functions, declared with
 * `defineRole`; the runtime owns everything else (ingestion, queues, sending, process). Other
 * layers add a role by defining it in their folder and listing it in `agents/cli/roles.ts`.
 */
import type { Redis } from 'ioredis';
import type { Abi, Address, DecodeEventLogReturnType, Hash } from 'viem';
import type { z } from 'zod';
import type { Chain } from './chain.js';
import type { BaseConfig } from './config.js';
import type { EventReader } from './events.js';
import type { Logger } from './log.js';
import type { RoleMetrics } from './metrics.js';
import type { Task } from './queue.js';
import type { TxSender } from './sender.js';

/** A decoded event of the role's ABI with where it came from. */
export type RoleEvent<TAbi extends Abi = Abi> = DecodeEventLogReturnType<TAbi> & {
  /** Name of the contract in `contracts` of the config. */
  contract: string;
  address: Address;
  block_number: bigint;
  block_hash: Hash;
  log_index: number;
  tx_hash: Hash;
  job_id: string;
};

/** What a role's functions receive; `logger` is a child logger of the role (and job). */
export type RoleContext<TConfig = unknown> = {
  role: string;
  /** The role's own settings (`role` in the config file). */
  config: TConfig;
  settings: BaseConfig;
  chain: Chain;
  /** Addresses of the configured contracts, by name. */
  contracts: Record<string, Address>;
  logger: Logger;
  /** Sends one idempotent action through the role's transaction sender (roles with `sender: true`). */
  send: TxSender['send'];
  /** Enqueues a task for this role (deduplicated by id; `at` delays it to a deadline). */
  enqueue: (task: Task) => Promise<void>;
  /** Address of the agent's signing key (roles with `sender: true`; otherwise undefined). */
  account: Address | undefined;
  /** The agent's Redis connection, for a role's own idempotent state (keys under `key`). */
  redis: Redis;
  /** Key prefix of this agent's state in Redis (`<redis.prefix>:<chain id>`). */
  key: string;
  /** Newest block at the confirmation depth: read chain state there, never at the unconfirmed head. */
  safeBlock: () => Promise<bigint>;
  /**
   * Past events of any contract, from the contract's `start_block` (or `fromBlock`) to the safe
   * head, in the ingestor's adaptive ranges, checked against reorgs: the only way a role reads
   * history (never a raw `getContractEvents` or `getLogs`).
   */
  events: EventReader;
  /**
   * The process's Prometheus registry (served on `/metrics`, every series labelled `role`):
   * `ctx.metrics.counter({ name, help, labelNames }).inc(...)` gets or creates a metric.
   */
  metrics: RoleMetrics;
  signal: AbortSignal;
};

/** An event a reorg removed from the chain after it was enqueued. */
export type UndoneEvent = {
  job_id: string;
  block_number: bigint;
  block_hash: Hash;
  log_index: number;
  /** The handler had already started (or finished); otherwise its job was removed unrun. */
  started: boolean;
};

export type RoleTask = { name: string; id: string; data: unknown };

export type RoleDefinition<TAbi extends Abi, TSchema extends z.ZodType> = {
  name: string;
  description: string;
  /** zod schema of the role's own settings (`role` in the config file). */
  config: TSchema;
  /** Events of this ABI, emitted by the contracts below, become jobs. */
  abi: TAbi;
  /** Event names of the ABI to follow; default: every event in it. */
  events?: readonly string[];
  /** Names of the contracts (keys of `contracts` in the config) the role follows. */
  contracts: readonly string[];
  /** Whether the role sends transactions (needs a key). */
  sender?: boolean;
  handle: (event: RoleEvent<TAbi>, ctx: RoleContext<z.infer<TSchema>>) => Promise<void>;
  /**
   * The data schema of each task name the role enqueues. A task job whose name is not listed, or
   * whose data does not parse, fails at once (UnrecoverableError), before `task` sees it; `task`
   * receives the parsed data. Required with `task`.
   */
  tasks?: Record<string, z.ZodType>;
  task?: (task: RoleTask, ctx: RoleContext<z.infer<TSchema>>) => Promise<void>;
  /** Periodic backstop (cron `sweep.cron`): re-derive pending work from chain state, enqueue tasks. */
  sweep?: (ctx: RoleContext<z.infer<TSchema>>) => Promise<void>;
  /** Told which enqueued events a reorg removed. */
  undo?: (events: UndoneEvent[], ctx: RoleContext<z.infer<TSchema>>) => Promise<void>;
};

/** A role with its types erased, as the registry and the runtime hold it. */
export type Role = RoleDefinition<Abi, z.ZodType>;

export function defineRole<const TAbi extends Abi, TSchema extends z.ZodType>(
  definition: RoleDefinition<TAbi, TSchema>,
): Role {
  return definition as unknown as Role;
}
