/**
 * `stoa basket create|issue|redeem|rebalance|seal|fill|show`, `token system-holder|mint --token` and
 * `mpc submit|status`, each through the real `bin/stoa` against a real anvil with the forge-script
 * deployment (its demo basket of three share tokens and an MPC committee of three nodes).
 */
import { readFileSync } from 'node:fs';
import { type Address, createPublicClient, createWalletClient, hexToBytes, http, zeroHash } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basketAbi, mpcCommitteeAbi } from '../../agents/generated/abis.js';
import {
  BallotChoice,
  ComputationKind,
  encodeOutput,
  encodeParams,
} from '../../agents/privacy/computations.js';
import { decryptInput } from '../../agents/privacy/inputs.js';
import { deriveEncryptionKey } from '../../agents/privacy/mpc-node/role.js';
import { ExitCode } from '../../agents/runtime/errors.js';
import { devKey, type Person } from '../../agents/stack/scenario/context.js';
import { privacyDeployEnv } from '../../agents/stack/scenario/privacy.js';
import {
  address,
  attest,
  type CliChain,
  errorLine,
  json,
  keys,
  startChain,
  stoa,
  type Who,
} from './helpers.js';

type Amounts = { amounts: string[] };

describe('stoa basket and mpc', () => {
  let chain: CliChain;
  let deployment: Record<string, Address>;
  let components: Address[];
  const balanceOf = async (who: Who, token: Address) =>
    BigInt(
      json<{ balance: string }>(
        await stoa(['token', 'balance', address(who), '--token', token, ...chain.args, '--json']),
      ).balance,
    );
  const balances = (who: Who) => Promise.all(components.map((token) => balanceOf(who, token)));

  beforeAll(async () => {
    chain = await startChain(313373);
    json(
      await stoa(['deploy', ...chain.args, '--kyc-provider', address('provider'), '--json'], {
        as: 'deployer',
        env: privacyDeployEnv(),
      }),
    );
    deployment = JSON.parse(readFileSync(chain.deploymentFile, 'utf8'));
    for (const who of ['alice', 'bob'] as const) await attest(chain, who);
    const client = createPublicClient({ transport: http(chain.anvil.url) });
    const list = await client.readContract({
      address: deployment.basket!,
      abi: basketAbi,
      functionName: 'components',
    });
    components = list.map((c) => c.token);
  }, 300_000);
  afterAll(async () => {
    await chain?.anvil.stop();
  });

  it('issues and redeems the demo basket, refusing an ineligible receiver', {
    timeout: 300_000,
  }, async () => {
    expect(components).toHaveLength(3);
    for (const token of components)
      json(
        await stoa(['token', 'mint', address('alice'), '1000', '--token', token, ...chain.args, '--json'], {
          as: 'deployer',
        }),
      );
    const before = await balances('alice');

    const issued = json<Amounts>(
      await stoa(['basket', 'issue', deployment.basket!, '2', ...chain.args, '--json'], { as: 'alice' }),
    );
    const paid = issued.amounts.map(BigInt);
    expect(paid.every((amount) => amount > 0n)).toBe(true);
    expect(await balances('alice')).toEqual(before.map((b, i) => b - paid[i]!));

    // Carol has no identity: the basket token is restricted like its components.
    const refused = await stoa(
      ['basket', 'issue', deployment.basket!, '1', '--to', address('carol'), ...chain.args],
      {
        as: 'alice',
      },
    );
    expect(refused.code).toBe(ExitCode.fatal);
    expect(errorLine(refused)).toMatch(/^stoa basket issue: refused: \w+\(/);

    const redeemed = json<Amounts>(
      await stoa(
        ['basket', 'redeem', deployment.basket!, '1', '--to', address('bob'), ...chain.args, '--json'],
        {
          as: 'alice',
        },
      ),
    );
    const returned = redeemed.amounts.map(BigInt);
    // Half of what two tokens cost, never more (rounding favours the basket).
    for (const [i, amount] of returned.entries()) {
      expect(amount).toBeLessThanOrEqual(paid[i]! / 2n);
      expect(amount).toBeGreaterThanOrEqual(paid[i]! / 2n - 1n);
    }
    expect(await balances('bob')).toEqual(returned);
  });

  it('creates a basket, registers it with its components, issues and rebalances it', {
    timeout: 300_000,
  }, async () => {
    const [stoaToken, bond] = [components[0]!, components[1]!];
    const created = json<{ basket: Address }>(
      await stoa(
        [
          'basket',
          'create',
          '--name',
          'Pair',
          '--symbol',
          'PAIR',
          '--component',
          `${stoaToken}:1`,
          '--component',
          `${bond}:4`,
          '--natural-unit',
          '1000000000000000000',
          ...chain.args,
          '--json',
        ],
        { as: 'deployer' },
      ),
    );
    // Without registration the basket cannot hold the restricted components.
    const unregistered = await stoa(['basket', 'issue', created.basket, '1', ...chain.args], { as: 'alice' });
    expect(unregistered.code).toBe(ExitCode.fatal);
    expect(errorLine(unregistered)).toMatch(/^stoa basket issue: refused: /);
    for (const token of [stoaToken, bond])
      expect(
        json<{ registered: boolean }>(
          await stoa(['token', 'system-holder', created.basket, '--token', token, ...chain.args, '--json'], {
            as: 'deployer',
          }),
        ).registered,
      ).toBe(true);
    expect(
      json<Amounts>(
        await stoa(['basket', 'issue', created.basket, '3', ...chain.args, '--json'], { as: 'alice' }),
      ).amounts,
    ).toEqual(['3', '12']);

    // The manager (the deployer) moves to 2 STOA per token, paying with the bond (the quote).
    const started = json<{ units: string[] }>(
      await stoa(
        [
          'basket',
          'rebalance',
          created.basket,
          '--quote',
          '1',
          '--target',
          '2:3000000000000000000:5000000000000000000',
          '--target',
          '4:1:1',
          '--duration',
          '1h',
          ...chain.args,
          '--json',
        ],
        { as: 'deployer' },
      ),
    );
    expect(started.units).toEqual(['1', '4']);
    const locked = await stoa(['basket', 'issue', created.basket, '1', ...chain.args], { as: 'alice' });
    expect(errorLine(locked)).toMatch(/^stoa basket issue: refused: \w*Rebalanc\w*\(/);
    const notManager = await stoa(['basket', 'rebalance', created.basket, '--end', ...chain.args], {
      as: 'alice',
    });
    expect(notManager.code).toBe(ExitCode.fatal);

    await chain.travel(3601);
    expect(
      json<{ ended: boolean }>(
        await stoa(['basket', 'rebalance', created.basket, '--end', ...chain.args, '--json'], {
          as: 'deployer',
        }),
      ).ended,
    ).toBe(true);
    json(await stoa(['basket', 'issue', created.basket, '1', ...chain.args, '--json'], { as: 'alice' }));
  });

  it('submits ballot shares the nodes can open and reads the committee', { timeout: 180_000 }, async () => {
    const committee = json<{ epoch: string; nodes: Address[]; threshold: string }>(
      await stoa(['mpc', 'status', ...chain.args, '--json']),
    );
    expect(committee).toMatchObject({ epoch: '1', threshold: '2' });
    expect(committee.nodes).toHaveLength(3);

    // The committee's admin (the deployer) requests a ballot on proposal 1 of the governance.
    const client = createPublicClient({ transport: http(chain.anvil.url) });
    const wallet = createWalletClient({
      account: privateKeyToAccount(keys.deployer),
      transport: http(chain.anvil.url),
    });
    const hash = await wallet.writeContract({
      chain: null,
      address: deployment.mpcCommittee!,
      abi: mpcCommitteeAbi,
      functionName: 'requestComputation',
      args: [
        ComputationKind.SecretBallot,
        encodeParams({
          kind: ComputationKind.SecretBallot,
          governance: deployment.governance!,
          proposalId: 1n,
          choices: 3,
        }),
        (await client.getBlock()).timestamp + 3600n,
      ],
    });
    expect(hash).toMatch(/^0x/);

    const submitted = json<{ computation: string; index: string; commitment: string }>(
      await stoa(['mpc', 'submit', '1', String(BallotChoice.No), ...chain.args, '--json'], { as: 'alice' }),
    );
    expect(submitted).toMatchObject({ computation: '1', index: '0' });
    const tooMany = await stoa(['mpc', 'submit', '1', '0', '1', ...chain.args], { as: 'bob' });
    expect(tooMany.code).toBe(ExitCode.usage);
    expect(errorLine(tooMany)).toBe('stoa mpc submit: computation 1 (SecretBallot) takes one choice, got 2');
    const badChoice = await stoa(['mpc', 'submit', '1', '3', ...chain.args], { as: 'bob' });
    expect(badChoice.code).toBe(ExitCode.usage);
    expect(errorLine(badChoice)).toBe(
      'stoa mpc submit: computation 1: choice 3 is not one of 0..2 (0 yes, 1 no, 2 abstain)',
    );

    const status = json<{ kind: string; status: string; inputs: number; output: unknown }>(
      await stoa(['mpc', 'status', '1', ...chain.args, '--json']),
    );
    expect(status).toMatchObject({ kind: 'SecretBallot', status: 'Collecting', inputs: 1, output: null });
    // What the chain recorded is the ciphertexts, never the choice.
    const [input] = await client.getContractEvents({
      address: deployment.mpcCommittee!,
      abi: mpcCommitteeAbi,
      eventName: 'InputSubmitted',
      fromBlock: 0n,
      strict: true,
    });
    expect(input?.args.commitment).toBe(submitted.commitment);
    // Two nodes open their payloads (the demo's node keys): together they hold the three XOR share
    // vectors of the choice's bits, which give back "no" (1 = bits 1, 0).
    const held = [0, 1].flatMap((nodeIndex) =>
      decryptInput({
        privateKey: hexToBytes(deriveEncryptionKey(devKey(`mpcNode${nodeIndex + 1}` as Person))),
        nodeIndex,
        ciphertext: input!.args.ciphertexts[nodeIndex]!,
        commitment: input!.args.commitment,
        context: {
          chainId: 313373,
          committee: deployment.mpcCommittee!,
          computationId: 1n,
          submitter: address('alice'),
        },
      }),
    );
    const byIndex = new Map(held.map((share) => [share.index, share.values]));
    const bits = byIndex.get(0)!.map((bit, j) => bit ^ byIndex.get(1)![j]! ^ byIndex.get(2)![j]!);
    expect(bits).toEqual([1n, 0n]);
  });

  it('seals a sell auction to the committee, takes bids through mpc submit and fills it as the winner', {
    timeout: 300_000,
  }, async () => {
    const [stoaToken, bond] = [components[0]!, components[1]!];
    const { basket } = json<{ basket: Address }>(
      await stoa(
        [
          'basket',
          'create',
          '--name',
          'Sealed',
          '--symbol',
          'SEAL',
          '--component',
          `${stoaToken}:2`,
          '--component',
          `${bond}:4`,
          '--natural-unit',
          '1e18',
          ...chain.args,
          '--json',
        ],
        { as: 'deployer' },
      ),
    );
    for (const token of [stoaToken, bond])
      json(
        await stoa(['token', 'system-holder', basket, '--token', token, ...chain.args, '--json'], {
          as: 'deployer',
        }),
      );
    json(await stoa(['basket', 'issue', basket, '2', ...chain.args, '--json'], { as: 'alice' }));
    // The manager sells 2 STOA (2 -> 1 per token) for the bond, price 1.2 falling to 0.9 (the reserve).
    json(
      await stoa(
        [
          'basket',
          'rebalance',
          basket,
          '--quote',
          '1',
          '--target',
          '1:1200000000000000000:900000000000000000',
          '--target',
          '4:1:1',
          ...chain.args,
          '--json',
        ],
        { as: 'deployer' },
      ),
    );
    const sealedBy = json<{ computation: string; priceExponent: string; lot: string; reserve: string }>(
      await stoa(['basket', 'seal', basket, '0', '--bid-window', '10m', ...chain.args, '--json'], {
        as: 'deployer',
      }),
    );
    // The auction's price (1.2e18) keeps 9 digits: a bid of 110000000 is 1.1 bond per share.
    expect(sealedBy.priceExponent).toBe('10');
    expect(sealedBy.reserve).toBe('900000000000000000');
    const id = sealedBy.computation;
    const shown = json<{ status: string; auctions: { index: string; remaining: string; sealed: unknown }[] }>(
      await stoa(['basket', 'show', basket, ...chain.args, '--json']),
    );
    expect(shown).toMatchObject({ status: 'Rebalancing' });
    expect(shown.auctions).toEqual([
      {
        index: '0',
        sell: true,
        target: '1',
        price: expect.any(String),
        remaining: '2',
        sealed: {
          committee: deployment.mpcCommittee!,
          computation: id,
          priceExponent: '10',
          reserve: '900000000000000000',
        },
      },
    ]);
    const dutch = await stoa(['basket', 'fill', basket, '1', ...chain.args], { as: 'bob' });
    expect(dutch.code).toBe(ExitCode.usage);
    expect(errorLine(dutch)).toBe(`stoa basket fill: component 1 of ${basket} has no running sealed auction`);
    json(await stoa(['mpc', 'submit', id, '110000000', ...chain.args, '--json'], { as: 'bob' }));
    json(await stoa(['mpc', 'submit', id, '100000000', ...chain.args, '--json'], { as: 'alice' }));
    const early = await stoa(['basket', 'fill', basket, '0', ...chain.args], { as: 'bob' });
    expect(errorLine(early)).toBe(
      `stoa basket fill: computation ${id} has no result yet: the committee posts it after the bids close`,
    );

    // The committee's result, signed with two of the demo node keys as the nodes would after the MPC.
    await chain.travel(601);
    const client = createPublicClient({ transport: http(chain.anvil.url) });
    const committee = { address: deployment.mpcCommittee!, abi: mpcCommitteeAbi } as const;
    const computation = await client.readContract({
      ...committee,
      functionName: 'computation',
      args: [BigInt(id)],
    });
    const output = encodeOutput({
      kind: ComputationKind.SealedBidAuction,
      winner: address('bob'),
      price: 110_000_000n,
    });
    const digest = await client.readContract({
      ...committee,
      functionName: 'resultDigest',
      args: [BigInt(id), computation.epoch, computation.inputsCommitment, zeroHash, output],
    });
    const signatures = await Promise.all(
      (['mpcNode1', 'mpcNode2'] as const).map((node) =>
        privateKeyToAccount(devKey(node)).sign({ hash: digest }),
      ),
    );
    const wallet = createWalletClient({
      account: privateKeyToAccount(keys.deployer),
      transport: http(chain.anvil.url),
    });
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        chain: null,
        ...committee,
        functionName: 'postResult',
        args: [BigInt(id), zeroHash, output, signatures],
      }),
    });

    const loser = await stoa(['basket', 'fill', basket, '0', ...chain.args], { as: 'alice' });
    expect(loser.code).toBe(ExitCode.usage);
    expect(errorLine(loser)).toBe(
      `stoa basket fill: the winner is ${address('bob')}, not ${address('alice')}`,
    );
    const before = await balanceOf('bob', stoaToken);
    const bought = json<{ amount: string; quoteAmount: string; price: string }>(
      await stoa(['basket', 'fill', basket, '0', ...chain.args, '--json'], { as: 'bob' }),
    );
    // 2 shares at 1.1: 3 bond (2.2 rounded up, in the basket's favour).
    expect(bought).toMatchObject({ amount: '2', quoteAmount: '3', price: '1100000000000000000' });
    expect(await balanceOf('bob', stoaToken)).toBe(before + 2n);
    const after = await stoa(['basket', 'show', basket, ...chain.args]);
    expect(after.stdout).toContain(': Active, supply 2000000000000000000');
    expect(after.stdout).not.toContain('auction');
  });
});
