/**
 * The role registry of `stoa agent <role>`. A layer adds its roles by defining them with
 * `defineRole` in its own folder and listing them here.
 */
import { basketKeeper } from '../basket/keeper.js';
import { ackEmitter } from '../demo/ack-emitter.js';
import { cascadeKeeper } from '../governance/cascade-keeper.js';
import { governanceKeeper } from '../governance/governance-keeper.js';
import { neuronClient } from '../governance/neuron-client.js';
import { oracleKeeper } from '../oracle/keeper.js';
import { oracleReporter } from '../oracle/reporter.js';
import { disputeWatcher } from '../oracle/watcher.js';
import { mpcNode } from '../privacy/mpc-node/role.js';
import type { Role } from '../runtime/index.js';
import { complianceMonitor } from '../token/compliance-monitor.js';

export const roles: readonly Role[] = [
  complianceMonitor,
  neuronClient,
  cascadeKeeper,
  governanceKeeper,
  oracleReporter,
  disputeWatcher,
  oracleKeeper,
  basketKeeper,
  ackEmitter,
  mpcNode,
];
