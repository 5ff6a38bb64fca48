/**
 * Secrets stay secret: `stoa deploy` through a provider URL with its key in the path never puts
 * that URL on a command line (forge's included, visible to every user in `ps`); key files that
 * others may read are refused by the CLI and the agents; an agent's key variable is dropped from
 * the environment once read (children inherit it, Node's diagnostic report prints it).
 */
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseConfigSchema, loadPrivateKey } from '../../agents/runtime/index.js';
import { startRpcProxy } from '../basket/helpers.js';
import { address, type CliChain, errorLine, json, keys, startChain, stoa } from './helpers.js';

const SECRET = 'SECRET-PROVIDER-KEY';

/** Command lines of every process now running that contain `text`. */
function commandLinesWith(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (line.includes(text)) found.push(line);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('secrets', () => {
  let chain: CliChain;
  let proxy: Awaited<ReturnType<typeof startRpcProxy>>;
  beforeAll(async () => {
    chain = await startChain(313_373);
    proxy = await startRpcProxy(chain.anvil.url, `/v2/${SECRET}`);
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await chain?.anvil.stop();
  });

  it('deploys through a keyed provider URL without putting it on any command line', {
    timeout: 240_000,
  }, async () => {
    const seen: string[] = [];
    const watch = setInterval(() => seen.push(...commandLinesWith(SECRET)), 20);
    // The URL goes to the CLI by its environment too (STOA_RPC_URL), as an operator should pass it.
    const run = await stoa(
      ['deploy', '--deployment', chain.deploymentFile, '--kyc-provider', address('provider'), '--json'],
      { as: 'deployer', env: { STOA_RPC_URL: proxy.url } },
    ).finally(() => clearInterval(watch));
    expect(json(run)).toHaveProperty('chainId', 313_373);
    expect(seen).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('refuses a key file that others may read, in the CLI and in the agents', async () => {
    const file = `${chain.deploymentFile}.key`;
    writeFileSync(file, keys.alice);
    chmodSync(file, 0o644);
    const refused = await stoa(['token', 'transfer', address('bob'), '1', ...chain.args, '--key-file', file]);
    expect(refused.code).toBe(2);
    expect(errorLine(refused)).toMatch(
      /--key-file .*: the key file's mode 644 lets others read or write it: chmod 600 it/,
    );
    const sender = baseConfigSchema.shape.sender.parse({ key_file: file });
    expect(() => loadPrivateKey({ sender })).toThrow(/mode 644 lets others read or write it: chmod 600 it/);
    chmodSync(file, 0o600);
    expect(loadPrivateKey({ sender })).toBe(keys.alice);
  });

  it("drops an agent's key variable from the environment once read", () => {
    const env: NodeJS.ProcessEnv = { STOA_TEST_SECRET_KEY: keys.bob, OTHER: 'x' };
    const sender = baseConfigSchema.shape.sender.parse({ key_env: 'STOA_TEST_SECRET_KEY' });
    expect(loadPrivateKey({ sender, env })).toBe(keys.bob);
    expect(env).toEqual({ OTHER: 'x' });
  });
});
