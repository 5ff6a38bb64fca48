/**
 * `cli-startup`: wall time of the real `bin/stoa` from spawn to exit, median and p90 over RUNS runs:
 * `stoa --help` (`cli-startup-help`: no command group loaded) and `stoa status --json`
 * (`cli-startup-status`: viem, the ABIs, an RPC round trip set and the deployment file) against a
 * real anvil with the forge-script deployment. Reference, measured in the same run: the launcher's
 * floor, node with the tsx loader running an empty module.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploy } from '../agents/stack/deploy.js';
import { startAnvil } from '../agents/stack/services.js';
import { type Benchmark, type BenchResult, percentile } from './result.js';

const RUNS = 10;
const CHAIN_ID = 313379;
const root = join(import.meta.dirname, '..');
const deployerKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

function timed(command: string, args: string[]): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(performance.now() - start)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

async function sample(command: string, args: string[]): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await timed(command, args));
  return samples;
}

async function cliStartup(): Promise<BenchResult[]> {
  const anvil = await startAnvil({ chainId: CHAIN_ID });
  try {
    await deploy({ rpcUrl: anvil.url, chainId: CHAIN_ID, privateKey: deployerKey });
    const empty = join(mkdtempSync(join(tmpdir(), 'stoa-bench-')), 'empty.ts');
    writeFileSync(empty, 'export {};\n');
    const stoa = join(root, 'bin', 'stoa');
    const reference = await sample(process.execPath, [
      '--import',
      join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs'),
      empty,
    ]);
    const help = await sample(stoa, ['--help']);
    const status = await sample(stoa, ['status', '--json', '--rpc', anvil.url]);
    const refMedian = percentile(reference, 50);
    const result = (name: string, samples: number[], what: string): BenchResult => ({
      name,
      unit: 'ms',
      value: percentile(samples, 50),
      reference: refMedian,
      ratio: percentile(samples, 50) / refMedian,
      p90_ms: percentile(samples, 90),
      params: { runs: RUNS, command: what, reference: 'node + tsx loader, empty module' },
    });
    return [
      result('cli-startup-help', help, 'stoa --help'),
      result('cli-startup-status', status, 'stoa status --json (anvil, deployed platform)'),
    ];
  } finally {
    await anvil.stop();
  }
}

export default [{ name: 'cli-startup', run: cliStartup }] satisfies Benchmark[];
