/**
 * Deploys the platform with the forge script `script/Deploy.s.sol` and reads back the addresses
 * it wrote to `deployments/<chainId>.json`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Address, getAddress, type Hex } from 'viem';
import { redactText } from '../runtime/errors.js';
import { foundryBin } from './services.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

export type Deployment = Record<string, Address>;

export type DeployArgs = {
  rpcUrl: string;
  chainId: number;
  privateKey: Hex;
  /** Extra environment for the script (e.g. TOKEN_NAME). */
  env?: Record<string, string>;
  /** Called with each line forge prints (compilation progress, etc.). */
  onLine?: (line: string) => void;
};

export function deploymentPath(chainId: number): string {
  return join(repoRoot, 'deployments', `${chainId}.json`);
}

export async function deploy(args: DeployArgs): Promise<Deployment> {
  // --slow: each transaction after the previous one's receipt. Sent all at once, anvil's automine can
  // leave one pending that no later transaction mines, and forge then waits for its receipt forever.
  const forgeArgs = ['script', 'script/Deploy.s.sol:Deploy', '--broadcast', '--slow'];
  // The key and the RPC URL (which may carry a provider key) reach forge through the environment
  // (FOUNDRY_ETH_RPC_URL: the eth_rpc_url setting, used when --rpc-url is not given), never the command line (visible in `ps`).
  const env = { ...process.env, ...args.env, PRIVATE_KEY: args.privateKey, FOUNDRY_ETH_RPC_URL: args.rpcUrl };
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(foundryBin('forge'), forgeArgs, { cwd: repoRoot, env });
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        args.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    const tail = output.filter((l) => /error|revert|fail/i.test(l)).slice(-3);
    throw new Error(
      redactText(
        `forge script failed (exit ${code}): ${(tail.length ? tail : output.slice(-3)).join(' | ')}`,
      ),
    );
  }
  return readDeployment(args.chainId);
}

export function readDeployment(chainId: number): Deployment {
  const path = deploymentPath(chainId);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`no deployment for chain ${chainId} at ${path}: run the deploy first`);
  }
  return Object.fromEntries(
    Object.entries(raw)
      .filter(([, v]) => typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v))
      .map(([k, v]) => [k, getAddress(v as string)]),
  );
}
