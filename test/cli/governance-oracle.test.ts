/**
 * `stoa neuron stake|follow|vote|show`, `proposal create|show` and `question create|report|show`
 * through the real `bin/stoa` against a real anvil with the forge-script deployment. The setup
 * (deployment, KYC, issuance) is done in-process; every step under test is a CLI subprocess.
 */
import { createPublicClient, createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityRegistryAbi, securityTokenAbi } from '../../agents/generated/abis.js';
import { ExitCode } from '../../agents/runtime/errors.js';
import { deploy } from '../../agents/stack/deploy.js';
import { COUNTRY, investorKey, signAttestation } from '../../agents/token/kyc.js';
import { address, type CliChain, errorLine, json, keys, startChain, stoa, type Who } from './helpers.js';

const CHAIN_ID = 313372;

describe('stoa neuron, proposal and question', () => {
  let chain: CliChain;
  let token: `0x${string}`;
  beforeAll(async () => {
    chain = await startChain(CHAIN_ID);
    const deployment = await deploy({
      rpcUrl: chain.anvil.url,
      chainId: CHAIN_ID,
      privateKey: keys.deployer,
      env: { STOA_KYC_PROVIDER: address('provider') },
    });
    // The forge script writes deployments/<chainId>.json; the commands read it by default.
    chain.args = ['--rpc', chain.anvil.url];
    token = deployment.securityToken!;
    const registry = deployment.identityRegistry!;
    const chainDef = {
      id: CHAIN_ID,
      name: 'anvil',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [chain.anvil.url] } },
    } as const;
    const client = createPublicClient({ chain: chainDef, transport: http(chain.anvil.url), cacheTime: 0 });
    const send = async (
      who: Who,
      request: Parameters<ReturnType<typeof createWalletClient>['writeContract']>[0],
    ) => {
      const wallet = createWalletClient({
        chain: chainDef,
        transport: http(chain.anvil.url),
        account: privateKeyToAccount(keys[who]),
      });
      // biome-ignore lint/suspicious/noExplicitAny: a plain write of a generated ABI
      const hash = await wallet.writeContract(request as any);
      expect((await client.waitForTransactionReceipt({ hash, pollingInterval: 50 })).status).toBe('success');
    };
    const issuedAt = Number((await client.getBlock()).timestamp);
    for (const who of ['alice', 'bob'] as const) {
      const attestation = {
        identity: investorKey(who),
        wallet: address(who),
        country: COUNTRY.CH,
        category: 0,
        amlFlagged: false,
        issuedAt,
        expiresAt: issuedAt + 365 * 86_400,
      };
      const signature = await signAttestation({
        provider: privateKeyToAccount(keys.provider),
        registry,
        chainId: CHAIN_ID,
        attestation,
      });
      await send(who, {
        address: registry,
        abi: identityRegistryAbi,
        functionName: 'attest',
        args: [attestation, signature],
      } as never);
      await send('deployer', {
        address: token,
        abi: securityTokenAbi,
        functionName: 'mint',
        args: [address(who), 1_000n],
      } as never);
    }
  });
  afterAll(async () => {
    await chain?.anvil.stop();
  });

  async function governanceFlow() {
    const [alice, bob] = await Promise.all(
      (['alice', 'bob'] as const).map(async (who, i) =>
        json<{ neuron: number; votingPower: string }>(
          await stoa(['neuron', 'stake', String(300 + i * 100), '--delay', '1y', ...chain.args, '--json'], {
            as: who,
          }),
        ),
      ),
    );
    expect(new Set([alice!.neuron, bob!.neuron])).toEqual(new Set([1, 2]));
    expect(BigInt(alice!.votingPower)).toBeGreaterThan(300n);

    const followed = await stoa(
      [
        'neuron',
        'follow',
        String(bob!.neuron),
        String(alice!.neuron),
        '--topic',
        'TokenCompliance',
        ...chain.args,
      ],
      { as: 'bob' },
    );
    expect(followed.stdout).toBe(
      `neuron ${bob!.neuron} follows ${alice!.neuron} on TokenCompliance${followed.stdout.slice(followed.stdout.indexOf(' (tx'))}`,
    );

    const created = json<{ proposal: string; actions: unknown[] }>(
      await stoa(
        [
          'proposal',
          'create',
          '--neuron',
          String(alice!.neuron),
          '--summary',
          'ipfs://stoa-test/raise-holder-limit.md',
          '--action',
          `${token}:setLimits(uint32,uint128):[250,1000000]`,
          ...chain.args,
          '--json',
        ],
        { as: 'alice' },
      ),
    );
    expect(created.proposal).toBe('1');

    const voted = json<{ tally: { yes: string; no: string; totalPower: string } }>(
      await stoa(['neuron', 'vote', '1', String(bob!.neuron), 'no', ...chain.args, '--json'], { as: 'bob' }),
    );
    expect(BigInt(voted.tally.no)).toBe(BigInt(bob!.votingPower));
    expect(BigInt(voted.tally.yes)).toBe(BigInt(alice!.votingPower));

    const [shown, again, stranger, neuron] = await Promise.all([
      stoa(['proposal', 'show', '1', ...chain.args, '--json']),
      stoa(['neuron', 'vote', '1', String(bob!.neuron), 'yes', ...chain.args], { as: 'bob' }),
      stoa(['neuron', 'vote', '1', String(alice!.neuron), 'yes', ...chain.args], { as: 'carol' }),
      stoa(['neuron', 'show', String(bob!.neuron), ...chain.args, '--json']),
    ]);
    const p = json<{
      topic: string;
      status: string;
      summary: string;
      actions: { target: string; data: string }[];
    }>(shown);
    expect(p).toMatchObject({
      topic: 'TokenCompliance',
      status: 'Open',
      summary: 'ipfs://stoa-test/raise-holder-limit.md',
    });
    expect(p.actions).toHaveLength(1);
    expect(p.actions[0]!.target).toBe(token);
    expect(again.code).toBe(ExitCode.fatal);
    expect(errorLine(again)).toBe(`stoa neuron vote: refused: GovernanceAlreadyVoted(1, ${bob!.neuron})`);
    expect(errorLine(stranger)).toBe(
      `stoa neuron vote: refused: GovernanceNotNeuronController(${alice!.neuron}, ${address('carol')})`,
    );
    expect(json<{ followees: Record<string, number[]> }>(neuron).followees.TokenCompliance).toEqual([
      alice!.neuron,
    ]);
  }

  async function oracleFlow() {
    const created = json<{ question: string }>(
      await stoa(
        [
          'question',
          'create',
          '--kind',
          'scalar',
          '--text',
          'stoa://nav/STOA/2026-11-23',
          '--reporter',
          address('deployer'),
          '--min',
          '0',
          '--max',
          '1000',
          '--tick',
          '0.01',
          '--tolerance',
          '2',
          '--end',
          '30',
          ...chain.args,
          '--json',
        ],
        { as: 'deployer' },
      ),
    );
    expect(created.question).toBe('1');
    const early = await stoa(['question', 'report', '1', '102.35', ...chain.args], { as: 'deployer' });
    expect(errorLine(early)).toMatch(/^stoa question report: refused: \w+\(1/);
    await chain.travel(60);
    const [offGrid, reported] = [
      await stoa(['question', 'report', '1', '102.355', ...chain.args], { as: 'deployer' }),
      await stoa(
        ['question', 'report', '1', '102.35', '--evidence', 'NAV statement', ...chain.args, '--json'],
        {
          as: 'deployer',
        },
      ),
    ];
    expect(offGrid.code).toBe(ExitCode.usage);
    expect(errorLine(offGrid)).toMatch(/^stoa question report: answer: 102\.355 /);
    expect(json(reported)).toMatchObject({ question: '1', outcome: 10236 });
    const shown = json<{ status: string; value: string; rounds: { outcome: number }[] }>(
      await stoa(['question', 'show', '1', ...chain.args, '--json']),
    );
    expect(shown).toMatchObject({ status: 'Reported', value: '102.35', kind: 'scalar' });
    expect(shown.rounds).toEqual([{ outcome: 10236, stake: expect.any(String) }]);
  }

  it('stakes, follows, proposes, votes; creates, reports and shows a question', {
    timeout: 400_000,
  }, async () => {
    await Promise.all([governanceFlow(), oracleFlow()]);
  });
});
