/**
 * The dashboard on its own, against a running chain and Redis (the local stack's by default):
 *
 *   npx tsx agents/dashboard/main.ts [--rpc-url URL] [--redis-url URL] [--deployment FILE]
 *                                    [--agents-dir DIR] [--host H] [--port N]
 *                                    [--user NAME] [--password-file FILE]
 *
 * With a password (env STOA_DASHBOARD_PASSWORD or --password-file), every request needs HTTP Basic
 * credentials; listening beyond loopback requires one.
 * Stops on Ctrl-C. Errors are one line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createPublicClient, http } from 'viem';
import { redactUrl, shortMessage } from '../runtime/errors.js';
import { stackDir } from '../stack/agents.js';
import { deploymentPath } from '../stack/deploy.js';
import { demoLabels } from './labels.js';
import { startDashboard } from './server.js';

const int = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('not a non-negative integer');
  return n;
};

const program = new Command('dashboard')
  .description('Serve the Stoa dashboard for a running chain, Redis and agents')
  .option(
    '--rpc-url <url>',
    'JSON-RPC endpoint (env STOA_RPC_URL)',
    process.env.STOA_RPC_URL ?? 'http://127.0.0.1:8545',
  )
  .option(
    '--redis-url <url>',
    'Redis of the agents (env REDIS_URL)',
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  )
  .option('--deployment <file>', 'deployment file (default deployments/<chain id>.json)')
  .option('--agents-dir <dir>', 'agent config files to watch', join(stackDir, 'agents'))
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--port <port>', 'port (0 = any free port)', int, 8090)
  .option('--from-block <n>', 'first block whose events are read', int, 0)
  .option('--max-block-range <n>', 'most blocks per getLogs request', int, 2_000)
  .option(
    '--allowed-host <name...>',
    "host names (Host header) it answers to besides loopback and --host, e.g. a proxy's name",
  )
  .option('--writable-queues', 'let bull-board add, edit, retry and remove jobs (needs a password)')
  .option('--user <name>', 'user name of the HTTP Basic credentials', 'stoa')
  .option(
    '--password-file <file>',
    'file holding the password (env STOA_DASHBOARD_PASSWORD); required beyond loopback',
  )
  .showHelpAfterError();
program.parse();
const opts = program.opts<{
  rpcUrl: string;
  redisUrl: string;
  deployment?: string;
  agentsDir: string;
  host: string;
  port: number;
  fromBlock: number;
  maxBlockRange: number;
  user: string;
  passwordFile?: string;
  allowedHost?: string[];
  writableQueues?: boolean;
}>();

try {
  let password = process.env.STOA_DASHBOARD_PASSWORD;
  if (opts.passwordFile) {
    try {
      password = readFileSync(opts.passwordFile, 'utf8').trim();
    } catch {
      throw new Error(`cannot read the password file ${opts.passwordFile}`);
    }
  }
  let file = opts.deployment;
  if (!file) {
    const chainId = await createPublicClient({ transport: http(opts.rpcUrl) })
      .getChainId()
      .catch((error) => {
        throw new Error(`cannot reach the chain at ${redactUrl(opts.rpcUrl)}: ${shortMessage(error)}`);
      });
    file = deploymentPath(chainId);
  }
  let deployment: Record<string, string>;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    deployment = Object.fromEntries(
      Object.entries(raw).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && /^0x[0-9a-fA-F]{40}$/.test(e[1]),
      ),
    );
  } catch {
    throw new Error(`cannot read the deployment file ${file}: deploy first or pass --deployment`);
  }
  const dashboard = await startDashboard({
    rpcUrl: opts.rpcUrl,
    redisUrl: opts.redisUrl,
    deployment,
    agents: { configDir: opts.agentsDir },
    host: opts.host,
    port: opts.port,
    fromBlock: opts.fromBlock,
    maxBlockRange: opts.maxBlockRange,
    labels: demoLabels(),
    allowedHosts: opts.allowedHost ?? [],
    queuesReadOnly: !opts.writableQueues,
    logLevel: 'warn',
    // A password given but empty is an error (auth's own check), never a silent no-auth.
    ...(password !== undefined && { auth: { user: opts.user, password } }),
  });
  console.log(`Dashboard: ${dashboard.url}/`);
  for (const link of dashboard.links.slice(1)) console.log(`  ${link.title}: ${link.url}`);
  const stop = () => void dashboard.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`error: ${shortMessage(error)}`);
  process.exit(1);
}
