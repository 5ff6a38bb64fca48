/**
 * `npm start`: the local stack. Starts anvil and Redis, deploys every contract with the forge
 * script, starts the agents, runs the demonstration scenario step by step, then keeps everything
 * running until Ctrl-C and stops what it started.
 *
 *   npm start                      stack + scenario, then keep running
 *   npm start -- --once            exit after the scenario (0 only when every step did what it should)
 *   npm start -- --scenario none   just run the stack
 *   npm start -- --hostile-rpc     the agents, the scenario and the CLI reach anvil through a proxy
 *                                  that behaves like the worst public provider (test/support/hostile-rpc.ts)
 */
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type Dashboard, demoLabels, startDashboard } from '../dashboard/index.js';
import { stackDir } from './agents.js';
import { deploy } from './deploy.js';
import { createProgress, oneLine } from './progress.js';
import { createScenarioContext, devAccount, devKey, PEOPLE } from './scenario/context.js';
import { layers } from './scenario/index.js';
import { privacyDeployEnv } from './scenario/privacy.js';
import { freePort, type Service, startAnvil, startRedis } from './services.js';

const CHAIN_ID = 31337;

const program = new Command('npm start')
  .description('Run the Stoa platform locally: chain, Redis, contracts, agents and a demonstration')
  .option('--once', 'exit after the scenario; exit code 0 only when every step succeeded')
  .addOption(
    new Option('--scenario <name>', 'which demonstration to run').choices(['all', 'none']).default('all'),
  )
  .option(
    '--rpc-port <port>',
    'port for anvil (default 8545, or a free port if taken; 0 = any free port)',
    parsePort,
  )
  .option(
    '--hostile-rpc',
    'put anvil behind a proxy that caps getLogs, rate-limits (429), fails (5xx), drops connections, adds latency and lags',
  )
  .showHelpAfterError();
program.parse();
const opts = program.opts<{
  once?: boolean;
  scenario: 'all' | 'none';
  rpcPort?: number;
  hostileRpc?: boolean;
}>();

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('not a TCP port (0-65535)');
  return port;
}

const services: Service[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const service of services.reverse()) await service.stop().catch(() => {});
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(130));
process.on('SIGTERM', () => void stopAll(143));

async function portOr(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(freePort()));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}

const progress = createProgress();
/** What the agents, the scenario and the CLI use; anvil itself (`chainUrl`) deploys and serves the dashboard. */
let rpcUrl = '';
let chainUrl = '';
let redisUrl = '';
let deployment: Record<string, `0x${string}`> = {};
let dashboard: Dashboard | undefined;

const ready =
  (await progress.step('start the local chain (anvil)', async () => {
    const port = opts.rpcPort === undefined ? await portOr(8545) : opts.rpcPort || (await freePort());
    const anvil = await startAnvil({ port, chainId: CHAIN_ID, args: ['--accounts', String(PEOPLE.length)] });
    services.push(anvil);
    rpcUrl = anvil.url;
    chainUrl = anvil.url;
    return rpcUrl;
  })) &&
  (!opts.hostileRpc ||
    (await progress.step('start the hostile RPC proxy in front of anvil', async () => {
      const { startHostileRpc, worst } = await import('../../test/support/hostile-rpc.js');
      const proxy = await startHostileRpc({ target: chainUrl, ...worst });
      services.push({ url: proxy.url, port: Number(new URL(proxy.url).port), stop: proxy.close });
      rpcUrl = proxy.url;
      return `${rpcUrl} (agents, scenario and CLI; the deployment and the dashboard use ${chainUrl})`;
    }))) &&
  (await progress.step('start Redis', async () => {
    const redis = await startRedis();
    services.push(redis);
    redisUrl = redis.url;
    return process.env.REDIS_URL ? `${redisUrl} (REDIS_URL)` : redisUrl;
  })) &&
  (await progress.step('compile and deploy the contracts (forge script)', async () => {
    deployment = await deploy({
      rpcUrl: chainUrl,
      chainId: CHAIN_ID,
      privateKey: devKey('deployer'),
      env: { STOA_KYC_PROVIDER: devAccount('kycProvider').address, ...privacyDeployEnv() },
      onLine: (line) => {
        if (/Compiling|Solc .* finished/.test(line)) progress.info(line.trim());
      },
    });
    return `${Object.keys(deployment).length} contracts`;
  })) &&
  (await progress.step('start the agents', async () => {
    const stack = { rpcUrl, redisUrl, chainId: CHAIN_ID, deployment };
    const names: string[] = [];
    for (const layer of layers) {
      if (!layer.startAgents) continue;
      const started = await layer.startAgents(stack);
      services.push(...started.services);
      progress.info(started.summary);
      names.push(...started.services.flatMap((s) => ('name' in s ? [String(s.name)] : [])));
    }
    return `${names.length} agent processes (logs in .stoa/logs/)`;
  })) &&
  (await progress.step('start the dashboard', async () => {
    const agents = services.flatMap((s) =>
      'httpUrl' in s && 'name' in s ? [{ name: String(s.name), url: String(s.httpUrl) }] : [],
    );
    const logFile = join(stackDir, 'logs', 'dashboard.log');
    dashboard = await startDashboard({
      rpcUrl: chainUrl,
      redisUrl,
      deployment,
      agents,
      port: await portOr(8090),
      labels: demoLabels(),
      logFile,
    });
    services.push({ url: dashboard.url, port: dashboard.port, stop: dashboard.close });
    return dashboard.url;
  }));

if (ready && opts.scenario !== 'none') {
  const ctx = createScenarioContext({ rpcUrl, redisUrl, chainId: CHAIN_ID, deployment, progress });
  for (const layer of layers) {
    console.log(`\n== ${layer.title} ==`);
    for (const step of layer.steps) {
      const ok = await progress.step(step.title, () => step.run(ctx));
      if (!ok) break;
    }
  }
}

console.log(`\n${progress.summary()}`);
if (opts.once || !ready) await stopAll(progress.ok() ? 0 : 1);
if (dashboard)
  console.log(
    `\nDashboard ${dashboard.url}/\n${dashboard.links.map((l) => `  ${l.title}: ${l.url}`).join('\n')}`,
  );
console.log(`\nStack running: chain ${rpcUrl} (id ${CHAIN_ID}), Redis ${redisUrl}. Ctrl-C stops everything.`);
process.stdin.resume();
process.on('uncaughtException', (err) => {
  console.error(`error: ${oneLine(err)}`);
  void stopAll(1);
});
