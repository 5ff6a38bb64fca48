/**
 * `mpc-node` process: `tsx agents/privacy/mpc-node/index.ts <config.json>` (or MPC_NODE_CONFIG).
 * Connects to its two peers and runs jobs. When started with an IPC channel (child_process.fork
 * with `serialization: 'advanced'`), it takes `{ type: 'job', job }` messages and answers
 * `{ type: 'result', result }` or `{ type: 'error', id, name, message }`, after `{ type: 'ready',
 * port, publicKey }`. Used by `startLocalCommittee` (library tests and benchmarks); the chain-driven
 * node is the `mpc-node` agent role (`role.ts`, README.md).
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { parseMpcNodeConfig } from '../mpc/config.js';
import type { Job } from '../mpc/jobs.js';
import { createMpcNode } from '../mpc/node.js';

const path = process.argv[2] ?? process.env.MPC_NODE_CONFIG;
if (!path) {
  console.error('usage: mpc-node <config.json> (or MPC_NODE_CONFIG=<config.json>)');
  process.exit(2);
}
const config = parseMpcNodeConfig(JSON.parse(readFileSync(path, 'utf8')));
const logger = pino({ level: config.logLevel, base: { service: 'stoa' } });
const node = await createMpcNode({ config, logger });

type Message = { type: 'job'; job: Job };

if (process.send) {
  process.on('message', (message: Message) => {
    if (message?.type !== 'job') return;
    node.run(message.job).then(
      (result) => process.send?.({ type: 'result', result }),
      (error: Error) =>
        process.send?.({ type: 'error', id: message.job.id, name: error.name, message: error.message }),
    );
  });
  process.send({ type: 'ready', port: node.port, publicKey: Buffer.from(node.publicKey).toString('hex') });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    logger.info({ signal }, 'mpc node stopping');
    node.close().then(() => process.exit(0));
  });
}
process.on('disconnect', () => node.close().then(() => process.exit(0)));
