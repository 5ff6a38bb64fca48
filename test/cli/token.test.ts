/**
 * `stoa deploy`, `kyc attest`, `token mint|transfer|balance`, `status --json` and bad input, each
 * through the real `bin/stoa` against a real anvil with the forge-script deployment.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../agents/runtime/errors.js';
import { address, attest, type CliChain, errorLine, json, keys, startChain, stoa } from './helpers.js';

describe('stoa deploy, kyc, token and status', () => {
  let chain: CliChain;
  beforeAll(async () => {
    chain = await startChain(313371);
  });
  afterAll(async () => {
    await chain?.anvil.stop();
  });

  it('deploys, onboards, issues, transfers and refuses with the decoded reason', {
    timeout: 300_000,
  }, async () => {
    const deployed = json<{ chainId: number; file: string; contracts: Record<string, string> }>(
      await stoa(['deploy', ...chain.args, '--kyc-provider', address('provider'), '--json'], {
        as: 'deployer',
      }),
    );
    expect(deployed.chainId).toBe(313371);
    expect(deployed.file).toBe(chain.deploymentFile);
    const file = JSON.parse(readFileSync(chain.deploymentFile, 'utf8')) as Record<string, string>;
    expect(file.securityToken).toBe(deployed.contracts.securityToken);
    expect(Object.keys(file)).toEqual(expect.arrayContaining(['identityRegistry', 'governance', 'oracle']));

    // The provider signs and submits both attestations; Carol is never attested.
    const attested: { identity: number; digest: string }[] = [];
    for (const who of ['alice', 'bob'] as const) attested.push(await attest(chain, who));
    expect(new Set(attested.map((a) => a.identity))).toEqual(new Set([1, 2]));

    const minted = json<{ balance: string }>(
      await stoa(['token', 'mint', address('alice'), '500', ...chain.args, '--json'], { as: 'deployer' }),
    );
    expect(minted.balance).toBe('500');

    // Alice signs with a key file this time: the key is never printed.
    const keyFile = join(chain.deploymentFile, '..', 'alice.key');
    writeFileSync(keyFile, `${keys.alice}\n`, { mode: 0o600 }); // a key file others may read is refused
    const sent = await stoa([
      'token',
      'transfer',
      address('bob'),
      '120',
      ...chain.args,
      '--key-file',
      keyFile,
    ]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(new RegExp(`^transferred 120 from ${address('alice')} to ${address('bob')}`));
    expect(sent.stdout + sent.stderr).not.toContain(keys.alice.slice(2));

    const refused = await stoa(['token', 'transfer', address('carol'), '10', ...chain.args], { as: 'alice' });
    expect(refused.code).toBe(ExitCode.fatal);
    expect(errorLine(refused)).toBe(
      `stoa token transfer: refused: ReceiverNotRegistered(${address('carol')})`,
    );

    const [bob, status, doc] = await Promise.all([
      stoa(['token', 'balance', address('bob'), ...chain.args, '--json']),
      stoa(['status', ...chain.args, '--json']),
      stoa(['token', 'doc', 'prospectus', 'ipfs://stoa-test/prospectus.pdf', ...chain.args, '--json'], {
        as: 'deployer',
      }),
    ]);
    expect(json(doc)).toMatchObject({
      name: 'prospectus',
      history: [{ uri: 'ipfs://stoa-test/prospectus.pdf', hash: expect.stringMatching(/^0x[0-9a-f]{64}$/) }],
    });
    expect(json(bob)).toMatchObject({ balance: '120', verified: true, frozen: false });
    const s = json<{
      chain: { id: number };
      deployment: { file: string; contracts: Record<string, string> };
      token: { totalSupply: string; holders: number; symbol: string };
      proposals: { count: string };
      questions: { count: string };
    }>(status);
    expect(s.chain.id).toBe(313371);
    expect(s.deployment.contracts.securityToken).toBe(deployed.contracts.securityToken);
    expect(s.token).toMatchObject({ totalSupply: '500', holders: 2, symbol: 'STOA' });
    expect(s.proposals.count).toBe('0');
    expect(s.questions.count).toBe('0');
  });

  it('rejects bad input with one line and the right exit code', { timeout: 180_000 }, async () => {
    // A deployment without the basket and privacy layers (as before their deploy steps existed).
    const partial = join(chain.deploymentFile, '..', 'partial.json');
    const {
      basketFactory: _b,
      mpcCommittee: _m,
      ...layers
    } = JSON.parse(readFileSync(chain.deploymentFile, 'utf8'));
    writeFileSync(partial, JSON.stringify(layers));
    const partialArgs = ['--rpc', chain.anvil.url, '--deployment', partial];
    const [noBaskets, noCommittee] = await Promise.all([
      stoa(['basket', 'issue', address('bob'), '1', ...partialArgs], { as: 'alice' }),
      stoa(['mpc', 'status', ...partialArgs]),
    ]);
    expect(noBaskets.code).toBe(ExitCode.fatal);
    expect(errorLine(noBaskets)).toBe(
      `stoa basket issue: deployment ${partial} has no basketFactory (deployed by the basket layer of script/Deploy.s.sol, not in this deployment yet)`,
    );
    expect(errorLine(noCommittee)).toMatch(/^stoa mpc status: deployment .* has no mpcCommittee /);

    const [badAddress, badAmount, noKey, noDeployment, unreachable, unknownOption, help] = await Promise.all([
      stoa(['token', 'mint', '0x1234', '5', ...chain.args], { as: 'deployer' }),
      stoa(['token', 'mint', address('alice'), '1.5', ...chain.args], { as: 'deployer' }),
      stoa(['token', 'transfer', address('bob'), '1', ...chain.args]),
      stoa(
        [
          'token',
          'transfer',
          address('bob'),
          '1',
          '--rpc',
          chain.anvil.url,
          '--deployment',
          '/nonexistent/x.json',
        ],
        {
          as: 'alice',
        },
      ),
      stoa(['status', '--rpc', 'http://user:secret@127.0.0.1:9']),
      stoa(['token', 'mint', '--bogus']),
      stoa(['token', 'transfer', '--help']),
    ]);
    expect(badAddress.code).toBe(ExitCode.usage);
    expect(errorLine(badAddress)).toBe('stoa token mint: to: not an address: 0x1234');
    expect(badAmount.code).toBe(ExitCode.usage);
    expect(errorLine(badAmount)).toMatch(/^stoa token mint: amount: 1\.5 has more than 0 decimals/);
    expect(noKey.code).toBe(ExitCode.usage);
    expect(errorLine(noKey)).toBe(
      'stoa token transfer: no signing key: set STOA_PRIVATE_KEY or pass --key-file <file>',
    );
    expect(noDeployment.code).toBe(ExitCode.fatal);
    expect(errorLine(noDeployment)).toMatch(
      /^stoa token transfer: no deployment file \/nonexistent\/x\.json \(chain 313371\)/,
    );
    expect(unreachable.code).toBe(ExitCode.retryable);
    expect(errorLine(unreachable)).toMatch(/^stoa status: rpc unreachable at http:\/\/127\.0\.0\.1:9/);
    expect(unreachable.stderr).not.toContain('secret');
    expect(unknownOption.code).toBe(ExitCode.usage);
    expect(unknownOption.stderr).toContain("unknown option '--bogus'");
    expect(unknownOption.stderr.trim().split('\n')).toHaveLength(1);
    expect(help.code).toBe(ExitCode.ok);
    expect(help.stdout).toContain('--key-file <file>');
    expect(help.stdout).toContain('Examples:');
    expect(existsSync('/nonexistent/x.json')).toBe(false);
  });
});
