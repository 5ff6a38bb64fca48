/** Public API of the agent runtime (see README.md). Depends on no protocol layer. */
export { type Agent, type CreateAgentArgs, createAgent } from './agent.js';
export { type Chain, createChain, verifyChain } from './chain.js';
export {
  type AgentConfig,
  type BaseConfig,
  baseConfigSchema,
  envPrefix,
  loadConfig,
  loadPrivateKey,
  parseConfig,
} from './config.js';
export {
  ConfigError,
  ExitCode,
  exitCodeOf,
  FatalError,
  RetryableError,
  redactError,
  redactText,
  redactUrl,
  StoaError,
  shortMessage,
} from './errors.js';
export {
  type BlockRange,
  createBlockRange,
  createEventReader,
  defaultRange,
  type EventReader,
  type EventsParameters,
  type EventsReturnType,
  isRangeError,
} from './events.js';
export {
  type ChainLog,
  type Cursor,
  createIngestor,
  type Ingestor,
  type UndoneBlock,
} from './ingest.js';
export { type LockOptions, type LockResult, whileLocked, withLock } from './lock.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
export {
  createMetrics,
  createRoleMetrics,
  type MetricSpec,
  type Metrics,
  type RoleMetrics,
} from './metrics.js';
export { type RunAgentArgs, runAgent } from './process.js';
export {
  createRoleQueue,
  eventJobId,
  type RoleQueue,
  type Task,
  taskJobId,
  UnrecoverableError,
} from './queue.js';
export {
  defineRole,
  type Role,
  type RoleContext,
  type RoleEvent,
  type RoleTask,
  type UndoneEvent,
} from './role.js';
export * as schemas from './schemas.js';
export {
  type Action,
  type ActionResult,
  createTxSender,
  type Revert,
  type RevertClass,
  type TxSender,
  withGasMargin,
} from './sender.js';
