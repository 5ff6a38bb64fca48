/**
 * Fixtures of the CLI tests: the real `bin/stoa` run as a subprocess against a real anvil (its own
 * chain id per test file, so deployment files never collide), anvil's well-known accounts, and time
 * travel for windows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type Service, startAnvil } from '../../agents/stack/services.js';

export const root = join(import.meta.dirname, '..', '..');

/** anvil's dev keys: 0 deployer (all roles), 1 KYC provider, 2 Alice, 3 Bob, 4 Carol (never attested). */
export const keys = {
  deployer: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  provider: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  alice: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  bob: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  carol: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
} as const satisfies Record<string, Hex>;
export type Who = keyof typeof keys;
export const address = (who: Who) => privateKeyToAccount(keys[who]).address;

const STOA_TIMEOUT_MS = 120_000;

export type Run = { code: number | null; stdout: string; stderr: string };

/** Runs `bin/stoa args` with `env` added (STOA_PRIVATE_KEY from `as`, unless given). */
export function stoa(args: string[], options: { env?: NodeJS.ProcessEnv; as?: Who } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, STOA_PRIVATE_KEY: '', ...options.env };
  if (options.as) env.STOA_PRIVATE_KEY = keys[options.as];
  return new Promise((resolve) => {
    const child = spawn(join(root, 'bin', 'stoa'), args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    // A command that hangs fails its test with what it printed, not a hook timeout.
    const timer = setTimeout(() => {
      stderr += `\n(stoa ${args.join(' ')} killed after ${STOA_TIMEOUT_MS / 1000} s)`;
      child.kill('SIGKILL');
    }, STOA_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The JSON document a `--json` run printed; throws with its stderr if it failed. */
export function json<T = Record<string, unknown>>(run: Run): T {
  if (run.code !== 0) throw new Error(`stoa exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** The single stderr line of a failed run. */
export function errorLine(run: Run): string {
  const lines = run.stderr.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one stderr line, got:\n${run.stderr}`);
  return lines[0]!;
}

export type CliChain = {
  anvil: Service;
  /** `--rpc` and `--deployment` for every command. */
  args: string[];
  deploymentFile: string;
  travel: (seconds: number) => Promise<void>;
};

/** A private anvil with chain id `chainId` and a deployment file path in a temporary folder. */
export async function startChain(chainId: number): Promise<CliChain> {
  const anvil = await startAnvil({ chainId });
  const deploymentFile = join(mkdtempSync(join(tmpdir(), 'stoa-cli-')), `${chainId}.json`);
  const test = createTestClient({ transport: http(anvil.url), mode: 'anvil' });
  return {
    anvil,
    args: ['--rpc', anvil.url, '--deployment', deploymentFile],
    deploymentFile,
    async travel(seconds) {
      await test.increaseTime({ seconds });
      await test.mine({ blocks: 1 });
    },
  };
}

/** `stoa kyc attest` of `who` (investor `client-<who>`, Switzerland) by the provider; its JSON output. */
export async function attest<T = Record<string, unknown>>(chain: CliChain, who: Who): Promise<T> {
  return json<T>(
    await stoa(
      [
        'kyc',
        'attest',
        address(who),
        '--investor',
        `client-${who}`,
        '--country',
        'CH',
        ...chain.args,
        '--json',
      ],
      { as: 'provider' },
    ),
  );
}
