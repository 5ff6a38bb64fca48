import { Writable } from 'node:stream';
import {
  type Abi,
  type Address,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  maxUint256,
  parseEther,
  parseEventLogs,
  zeroAddress,
  zeroHash,
} from 'viem';
import {
  generatePrivateKey,
  mnemonicToAccount,
  type PrivateKeyAccount,
  privateKeyToAccount,
} from 'viem/accounts';
import { governanceAbi, mpcCommitteeAbi, neuronsAbi } from '../../agents/generated/abis.js';
import { prepareInput } from '../../agents/privacy/client.js';
import { type ComputationParams, encodeParams } from '../../agents/privacy/computations.js';
import {
  createMpcNodeRole,
  deriveEncryptionKey,
  encryptionPublicKey,
  type MpcNodeRoleOptions,
  mpcNodeSettings,
} from '../../agents/privacy/mpc-node/role.js';
import { type Agent, createAgent, createLogger, parseConfig } from '../../agents/runtime/index.js';
import { freePort } from '../../agents/stack/services.js';
import { neuronConfig } from '../governance/fixture.js';
import { type Clients, chainClients, deploy, rawConfig } from '../runtime/helpers.js';

const MNEMONIC = 'test test test test test test test test test test test junk';
export const DAY = 86_400;

type Voter = ReturnType<typeof mnemonicToAccount>;

function walletOf(clients: Clients, account: Voter | PrivateKeyAccount) {
  return createWalletClient({
    account,
    chain: clients.wallet.chain,
    transport: http(clients.public.transport.url!),
  });
}

export type PrivacyChain = {
  clients: Clients;
  governance: Address;
  token: Address;
  committee: Address;
  proposalId: bigint;
  /** Voter accounts (each owns one neuron) and their voting power on the proposal. */
  voters: ReturnType<typeof mnemonicToAccount>[];
  power: bigint[];
  /** The nodes' signing keys, in committee order. */
  nodeKeys: Hex[];
};

/** Deploys governance (voters with neurons, one proposal) and a committee of three fresh node keys. */
export async function setupPrivacyChain(url: string, voterCount = 3): Promise<PrivacyChain> {
  const clients = chainClients(url);
  const c = clients.public;
  const owner = clients.wallet.account.address;
  const send = async (
    to: Address,
    data: Hex,
    from: ReturnType<typeof walletOf> | Clients['wallet'] = clients.wallet,
  ) => {
    const hash = await from.sendTransaction({
      to,
      data,
      account: from.account!,
      chain: from.chain,
      gas: 1_000_000n,
    });
    const receipt = await c.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== 'success') throw new Error(`setup transaction ${hash} reverted`);
    return receipt;
  };
  const token = await deploy(clients, 'TestToken.sol', 'TestToken');
  const registry = await deploy(clients, 'TestIdentityRegistry.sol', 'TestIdentityRegistry');
  const gov = await deploy(clients, 'Governance.sol', 'Governance', [
    token.address,
    registry.address,
    neuronConfig,
    { votingPeriod: 4 * DAY, waitForQuiet: 2 * DAY },
    {
      delayBonusBps: 10_000,
      ageBonusBps: 2_500,
      maxOpenProposals: 5,
      executionDelay: DAY,
      rejectFee: 1n,
      executionWindow: 7 * DAY,
    },
  ]);
  const neurons = await c.readContract({ address: gov.address, abi: governanceAbi, functionName: 'neurons' });
  const voters = Array.from({ length: voterCount }, (_, i) =>
    mnemonicToAccount(MNEMONIC, { addressIndex: 3 + i }),
  );
  const call = (abi: Abi, functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
  for (const who of [owner, ...voters.map((v) => v.address)]) {
    if (who !== owner) await clients.test.setBalance({ address: who, value: parseEther('10') });
    await send(registry.address, call(registry.abi, 'setVerified', [who, true]));
    await send(token.address, call(token.abi, 'mint', [who, parseEther('1')]));
  }
  // The owner's neuron proposes; each voter stakes 100 * (i + 1) base units.
  await send(token.address, call(token.abi, 'approve', [neurons, maxUint256]));
  await send(token.address, call(token.abi, 'approve', [gov.address, maxUint256]));
  await send(neurons, call(neuronsAbi, 'stake', [1000n, neuronConfig.maxDelay]));
  for (const [i, voter] of voters.entries()) {
    const wallet = walletOf(clients, voter);
    await send(token.address, call(token.abi, 'approve', [neurons, maxUint256]), wallet);
    await send(neurons, call(neuronsAbi, 'stake', [100n * BigInt(i + 1), neuronConfig.maxDelay]), wallet);
  }
  const receipt = await send(
    gov.address,
    call(governanceAbi, 'propose', [1, [], 'ipfs://secret-ballot', zeroHash]),
  );
  const [created] = parseEventLogs({ abi: governanceAbi, eventName: 'ProposalCreated', logs: receipt.logs });
  const proposalId = created!.args.proposalId;
  const power = await Promise.all(
    voters.map((_, i) =>
      c.readContract({
        address: gov.address,
        abi: governanceAbi,
        functionName: 'votingPowerAt',
        args: [proposalId, i + 2],
      }),
    ),
  );

  const { committee, nodeKeys } = await deployCommittee(clients);
  return {
    clients,
    governance: gov.address,
    token: token.address,
    committee,
    proposalId,
    voters,
    power,
    nodeKeys,
  };
}

/** The part of a chain the committee helpers need: clients, the committee and its nodes' keys. */
export type CommitteeChain = Pick<PrivacyChain, 'clients' | 'committee' | 'nodeKeys'>;

/**
 * Deploys an AccessManager (the deployer its admin, so it may request computations) and an
 * ETH-bonded MpcCommittee of three fresh node keys, threshold 2, the nodes funded for gas.
 */
export async function deployCommittee(clients: Clients): Promise<{ committee: Address; nodeKeys: Hex[] }> {
  const owner = clients.wallet.account.address;
  const manager = await deploy(clients, 'AccessManager.sol', 'AccessManager', [owner]);
  const committee = await deploy(clients, 'MpcCommittee.sol', 'MpcCommittee', [
    manager.address,
    zeroAddress,
    0n,
    3600n,
    owner,
    1000,
  ]);
  const nodeKeys = [0, 1, 2].map(() => generatePrivateKey());
  const nodes = nodeKeys.map((k) => privateKeyToAccount(k).address);
  for (const node of nodes) await clients.test.setBalance({ address: node, value: parseEther('10') });
  const hash = await clients.wallet.writeContract({
    address: committee.address,
    abi: mpcCommitteeAbi,
    functionName: 'setCommittee',
    args: [nodes, nodeKeys.map((k) => encryptionPublicKey(deriveEncryptionKey(k))), 2n],
  });
  const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') throw new Error(`setCommittee ${hash} reverted`);
  return { committee: committee.address, nodeKeys };
}

/** Requests a computation from the owner with inputs open for `seconds`; returns its id and params. */
export async function request(
  chain: CommitteeChain,
  params: ComputationParams,
  seconds = 600,
): Promise<{ id: bigint; params: Hex }> {
  const { timestamp } = await chain.clients.public.getBlock();
  const encoded = encodeParams(params);
  const hash = await chain.clients.wallet.writeContract({
    address: chain.committee,
    abi: mpcCommitteeAbi,
    functionName: 'requestComputation',
    args: [params.kind, encoded, timestamp + BigInt(seconds)],
  });
  const receipt = await chain.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  const [event] = parseEventLogs({
    abi: mpcCommitteeAbi,
    eventName: 'ComputationRequested',
    logs: receipt.logs,
  });
  return { id: event!.args.computationId, params: encoded };
}

/** Encrypts `values` for the committee and submits them from `who`. */
export async function submit(
  chain: CommitteeChain,
  computation: { id: bigint; params: Hex },
  who: Voter | PrivateKeyAccount | 'owner',
  values: readonly bigint[],
): Promise<void> {
  const wallet = who === 'owner' ? chain.clients.wallet : walletOf(chain.clients, who);
  const args = await prepareInput({
    client: chain.clients.public,
    committee: chain.committee,
    computationId: computation.id,
    submitter: wallet.account!.address,
    values,
    params: computation.params,
  });
  const hash = await wallet.writeContract({
    address: chain.committee,
    abi: mpcCommitteeAbi,
    functionName: 'submitInput',
    args,
    account: wallet.account!,
    chain: wallet.chain,
  });
  const receipt = await chain.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') throw new Error('submitInput reverted');
}

/** Moves the chain past the input deadline (the nodes' sweep then finds the computation). */
export async function closeInputs(chain: CommitteeChain, seconds = 601): Promise<void> {
  await chain.clients.test.increaseTime({ seconds });
  await chain.clients.test.mine({ blocks: 2 });
}

export type Nodes = {
  agents: Agent[];
  logs: string[][];
  /** Stops node i (its peers lose it) and, after `whileDown`, starts it again on the same state. */
  restart: (i: number, whileDown: () => Promise<void>) => Promise<void>;
  stop: () => Promise<void>;
};

/** Starts the three nodes as in-process agents (own Redis prefix each) on real loopback TCP. */
export async function startNodes(
  chain: CommitteeChain,
  redisUrl: string,
  options: {
    mode?: 'semi-honest' | 'malicious';
    tamper?: Record<number, MpcNodeRoleOptions['tamper']>;
    misbehave?: Record<number, MpcNodeRoleOptions['misbehave']>;
    prefix: string;
  },
): Promise<Nodes> {
  const ports = await Promise.all([0, 1, 2].map(() => freePort()));
  const addresses = chain.nodeKeys.map((k) => privateKeyToAccount(k).address);
  const logs: string[][] = [[], [], []];
  const create = (i: number) => {
    const raw = rawConfig({
      rpcUrl: chain.clients.public.transport.url!,
      redisUrl,
      emitter: chain.committee,
      extra: {
        contracts: { mpcCommittee: { address: chain.committee, start_block: 0 } },
        redis: { url: redisUrl, prefix: `${options.prefix}-node${i}` },
        sweep: { enabled: true, cron: '* * * * * *' },
        queue: { concurrency: 4, backoff_ms: 200, lock_ms: 30_000, attempts: 8 },
        log: { level: 'debug' },
        role: {
          listen: { port: ports[i] },
          peers: [0, 1, 2]
            .filter((j) => j !== i)
            .map((j) => ({
              address: addresses[j],
              public_key: privateKeyToAccount(chain.nodeKeys[j]!).publicKey,
              host: '127.0.0.1',
              port: ports[j],
            })),
          mode: options.mode ?? 'malicious',
          round_timeout_ms: 10_000,
          connect_timeout_ms: 10_000,
          max_attempts: 2,
          post_delay_ms: 500,
        },
      },
    });
    delete (raw.contracts as Record<string, unknown>).emitter;
    const config = parseConfig({ raw, roleSchema: mpcNodeSettings });
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        logs[i]!.push(...String(chunk).split('\n').filter(Boolean));
        callback();
      },
    });
    const role = createMpcNodeRole({
      signingKey: chain.nodeKeys[i]!,
      tamper: options.tamper?.[i],
      misbehave: options.misbehave?.[i],
    });
    return createAgent({
      role,
      config,
      privateKey: chain.nodeKeys[i]!,
      logger: createLogger({ level: 'debug', destination }),
    });
  };
  const agents = [0, 1, 2].map(create);
  await Promise.all(agents.map((a) => a.start()));
  return {
    agents,
    logs,
    async restart(i, whileDown) {
      await agents[i]!.stop();
      await whileDown();
      agents[i] = create(i);
      await agents[i]!.start();
    },
    stop: async () => void (await Promise.all(agents.map((a) => a.stop()))),
  };
}
