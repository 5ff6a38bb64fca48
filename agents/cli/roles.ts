/**
 * The role registry of `stoa agent <role>`. A layer adds its roles by defining them with
 * `defineRole` in its own folder and listing them here.
 */
import { ackEmitter } from '../demo/ack-emitter.js';
import { cascadeKeeper } from '../governance/cascade-keeper.js';
import { governanceKeeper } from '../governance/governance-keeper.js';
import { neuronClient } from '../governance/neuron-client.js';
import type { Role } from '../runtime/index.js';

export const roles: readonly Role[] = [ackEmitter, cascadeKeeper, governanceKeeper, neuronClient];
