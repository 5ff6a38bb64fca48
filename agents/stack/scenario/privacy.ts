/**
 * Secret contracts: three MPC nodes (mpcNode1..3, each its own process, key and Redis prefix)
 * follow the MpcCommittee. Alice proposes a governance change that opts into a secret ballot;
 * the neuron owners vote with encrypted, secret-shared choices and the committee posts only the
 * weighted totals. Then the issuer checks the holder cap and Carol proves her balance reaches a
 * threshold, both without revealing any balance. Last, governance sells STOA out of the demo basket
 * by sealed bids: Dave and the market-maker agent bid secret-shared, the committee reveals only the
 * winner and its price, and the winner buys the lot. Demo encryption keys are derived from the node
 * keys (`deriveEncryptionKey`) and registered at deployment (`privacyDeployEnv`).
 */
import { type Address, encodeFunctionData, formatUnits, type Hex, parseEventLogs, zeroHash } from 'viem';
import { quoteCost, WAD } from '../../basket/policy.js';
import { basketAbi, governanceAbi, mpcCommitteeAbi, neuronsAbi } from '../../generated/abis.js';
import { prepareInput, readOutput } from '../../privacy/client.js';
import {
  BallotChoice,
  ComputationKind,
  type ComputationOutput,
  type ComputationParams,
  encodeParams,
} from '../../privacy/computations.js';
import { deriveEncryptionKey, encryptionPublicKey } from '../../privacy/mpc-node/role.js';
import { operatorConfig, startAgentProcesses } from '../agents.js';
import { freePort } from '../services.js';
import { executeBasketProposal, movingOne, rebalanceTargets, tokenAt } from './basket.js';
import {
  devAccount,
  devKey,
  type LayerAgents,
  type Person,
  type ScenarioContext,
  type ScenarioStep,
  type StackInfo,
} from './context.js';
import { token } from './token.js';
import { check, send } from './tx.js';

const NODES = ['mpcNode1', 'mpcNode2', 'mpcNode3'] as const satisfies readonly Person[];
/** Seconds the committee takes inputs; the scenario then moves the chain past the deadline. */
const INPUT_WINDOW = 120;
const VOTERS: { who: Person; choice: number; label: string }[] = [
  { who: 'aliceNewWallet', choice: BallotChoice.Yes, label: 'yes' },
  { who: 'bob', choice: BallotChoice.No, label: 'no' },
  { who: 'carol', choice: BallotChoice.Yes, label: 'yes' },
];
const HOLDERS: Person[] = ['alice', 'aliceNewWallet', 'bob', 'carol', 'dave', 'mallory'];
const HOLDER_CAP = 4n;
/** The sealed sale: STOA for SBND (component 1, the quote), bids scaled by 10^10 (price = bid x 1e10). */
const SEALED_QUOTE = 1;
const BID_EXPONENT = 10n;
/** Seconds bids stay open after the proposal executes. */
const SEALED_WINDOW = 600;
const SEALED_SHARES = 5n;
const SEALED_SUMMARY = `Sell ${SEALED_SHARES} STOA per basket token by sealed bids (MPC committee)`;
/** Dave's sealed bid: 1.2 SBND per STOA; the market maker's is its fair price (1.0235) - 0.5%. */
const DAVE_BID = 120_000_000n;
const ACCREDITATION_THRESHOLD = 100n;

/** Environment of the deploy script: the committee's nodes and their (demo) encryption keys. */
export function privacyDeployEnv(): Record<string, string> {
  return {
    STOA_MPC_NODES: NODES.map((n) => devAccount(n).address).join(','),
    STOA_MPC_KEYS: NODES.map((n) => encryptionPublicKey(deriveEncryptionKey(devKey(n)))).join(','),
  };
}

/** The three mpc-node processes, each with its own Redis prefix, on free loopback ports. */
export async function startPrivacyAgents(stack: StackInfo): Promise<LayerAgents> {
  const ports = await Promise.all(NODES.map(() => freePort()));
  const services = await startAgentProcesses(
    stack,
    NODES.map((who, i) => ({
      name: `mpc-node-${i + 1}`,
      role: 'mpc-node',
      contracts: { mpcCommittee: stack.deployment.mpcCommittee! },
      privateKey: devKey(who),
      config: operatorConfig(stack.redisUrl, `mpc-node-${i + 1}`),
      settings: {
        listen: { host: '127.0.0.1', port: ports[i] },
        peers: NODES.flatMap((peer, j) =>
          j === i
            ? []
            : [
                {
                  address: devAccount(peer).address,
                  public_key: devAccount(peer).publicKey,
                  host: '127.0.0.1',
                  port: ports[j],
                },
              ],
        ),
        post_delay_ms: 1000,
      },
    })),
  );
  return { services, summary: `mpc-node x3 (health ${services.map((s) => s.httpUrl).join(', ')})` };
}

const committee = (ctx: ScenarioContext) => ({ abi: mpcCommitteeAbi, address: ctx.deployment.mpcCommittee! });

/**
 * Requests a computation from the deployer (the AccessManager admin) taking inputs for `window`
 * seconds; returns its id and params.
 */
async function request(
  ctx: ScenarioContext,
  params: ComputationParams,
  window = INPUT_WINDOW,
): Promise<{ id: bigint; params: Hex }> {
  const { timestamp } = await ctx.client.getBlock();
  const encoded = encodeParams(params);
  const hash = await send(ctx, 'deployer', {
    ...committee(ctx),
    functionName: 'requestComputation',
    args: [params.kind, encoded, timestamp + BigInt(window)],
  });
  const receipt = await ctx.client.getTransactionReceipt({ hash });
  const [event] = parseEventLogs({
    abi: mpcCommitteeAbi,
    eventName: 'ComputationRequested',
    logs: receipt.logs,
  });
  return { id: event!.args.computationId, params: encoded };
}

/** Encrypts `values` to the three nodes and submits them from `who`; returns the bytes posted. */
async function submit(
  ctx: ScenarioContext,
  computation: { id: bigint; params: Hex },
  who: Person,
  values: readonly bigint[],
): Promise<number> {
  const args = await prepareInput({
    client: ctx.client,
    committee: ctx.deployment.mpcCommittee! as Address,
    computationId: computation.id,
    submitter: ctx.accounts[who].address,
    values,
    params: computation.params,
  });
  await send(ctx, who, { ...committee(ctx), functionName: 'submitInput', args });
  return args[2].reduce((n, ct) => n + (ct.length - 2) / 2, 0);
}

/** Closes the inputs (anvil time past the last deadline) and waits for the committee's signed result. */
async function result(ctx: ScenarioContext, ids: bigint[]): Promise<ComputationOutput[]> {
  const [{ timestamp }, ...computations] = await Promise.all([
    ctx.client.getBlock(),
    ...ids.map((id) =>
      ctx.client.readContract({ ...committee(ctx), functionName: 'computation', args: [id] }),
    ),
  ]);
  const last = Math.max(...computations.map((c) => Number(c.inputDeadline)));
  if (last >= Number(timestamp)) await ctx.travel(last - Number(timestamp) + 1);
  await ctx.mine(1);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const outputs = await Promise.all(
      ids.map((id) => readOutput(ctx.client, ctx.deployment.mpcCommittee! as Address, id)),
    );
    if (outputs.every(Boolean)) return outputs as ComputationOutput[];
    if (Date.now() > deadline) throw new Error('the MPC committee posted no result within 120 s');
    await new Promise((r) => setTimeout(r, 250));
    await ctx.mine(1);
  }
}

async function signersOf(ctx: ScenarioContext, id: bigint): Promise<string> {
  const [posted] = await ctx.events({
    ...committee(ctx),
    eventName: 'ResultPosted',
    args: { computationId: id },
  });
  return posted!.args.signers.map((s) => ctx.nameOf(s)).join(', ');
}

let ballot: { id: bigint; params: Hex; proposalId: bigint } | undefined;

export const privacySteps: ScenarioStep[] = [
  {
    title:
      'Secret ballot: Alice proposes a change that opts into a secret ballot; neuron owners vote encrypted',
    run: async (ctx) => {
      const gov = { abi: governanceAbi, address: ctx.deployment.governance! };
      const [staked] = await ctx.events({
        abi: neuronsAbi,
        address: ctx.deployment.neurons!,
        eventName: 'NeuronStaked',
        args: { owner: ctx.accounts.aliceNewWallet.address },
      });
      if (!staked) throw new Error('aliceNewWallet has no neuron (governance layer)');
      // A motion (no action: the Governance topic, which no catch-all covers), tallied by secret ballot.
      await send(ctx, 'aliceNewWallet', {
        ...gov,
        functionName: 'propose',
        args: [staked.args.neuronId, [], 'ipfs://stoa-demo/proposal-2-secret-ballot.md', zeroHash],
      });
      const proposalId = await ctx.client.readContract({ ...gov, functionName: 'proposalCount' });
      const computation = await request(ctx, {
        kind: ComputationKind.SecretBallot,
        governance: ctx.deployment.governance! as Address,
        proposalId,
        choices: 3,
      });
      ballot = { ...computation, proposalId };
      let bytes = 0;
      for (const { who, choice } of VOTERS) bytes += await submit(ctx, computation, who, [BigInt(choice)]);
      return `proposal ${proposalId}, computation ${computation.id}: ${VOTERS.length} ballots as ${bytes} bytes of ciphertext on chain (no choice in clear)`;
    },
  },
  {
    title:
      'MPC committee: the three nodes tally on shares; only the weighted totals are posted, 2-of-3 signed',
    run: async (ctx) => {
      if (!ballot) throw new Error('no ballot requested');
      const [output] = await result(ctx, [ballot.id]);
      if (output?.kind !== ComputationKind.SecretBallot) throw new Error('not a ballot result');
      const neurons = await ctx.events({
        abi: neuronsAbi,
        address: ctx.deployment.neurons!,
        eventName: 'NeuronStaked',
      });
      // The expected totals from the plaintext choices, which only the scenario knows.
      const expected = [0n, 0n, 0n];
      for (const { who, choice } of VOTERS) {
        for (const n of neurons.filter((e) => e.args.owner === ctx.accounts[who].address)) {
          expected[choice]! += await ctx.client.readContract({
            abi: governanceAbi,
            address: ctx.deployment.governance!,
            functionName: 'votingPowerAt',
            args: [ballot.proposalId, n.args.neuronId],
          });
        }
      }
      check('yes total', output.totals[0], expected[0]);
      check('no total', output.totals[1], expected[1]);
      check('abstain total', output.totals[2], expected[2]);
      const [yes, no, abstain] = output.totals;
      return `tally yes ${yes}, no ${no}, abstain ${abstain} (voting power); signed by ${await signersOf(ctx, ballot.id)}`;
    },
  },
  {
    title: `Private cap table: holders with a positive balance <= ${HOLDER_CAP}? Carol's balance >= ${ACCREDITATION_THRESHOLD}?`,
    run: async (ctx) => {
      const balanceOf = (who: Person) =>
        ctx.client.readContract({
          ...token(ctx),
          functionName: 'balanceOf',
          args: [ctx.accounts[who].address],
        });
      const balances = await Promise.all(HOLDERS.map(balanceOf));
      const cap = await request(ctx, {
        kind: ComputationKind.HolderCap,
        token: token(ctx).address,
        cap: HOLDER_CAP,
        provider: ctx.accounts.deployer.address,
      });
      const accreditation = await request(ctx, {
        kind: ComputationKind.BalanceThreshold,
        token: token(ctx).address,
        investor: ctx.accounts.carol.address,
        threshold: ACCREDITATION_THRESHOLD,
        provider: ctx.accounts.carol.address,
      });
      await submit(ctx, cap, 'deployer', balances);
      await submit(ctx, accreditation, 'carol', [await balanceOf('carol')]);
      const [capResult, accreditationResult] = await result(ctx, [cap.id, accreditation.id]);
      if (capResult?.kind !== ComputationKind.HolderCap) throw new Error('not a holder-cap result');
      if (accreditationResult?.kind !== ComputationKind.BalanceThreshold)
        throw new Error('not a threshold result');
      const holders = BigInt(balances.filter((b) => b > 0n).length);
      check('holders within cap', capResult.withinCap, holders <= HOLDER_CAP);
      check(
        'carol at least threshold',
        accreditationResult.atLeast,
        (await balanceOf('carol')) >= ACCREDITATION_THRESHOLD,
      );
      return `revealed only: within cap = ${capResult.withinCap}, Carol accredited = ${accreditationResult.atLeast} (${HOLDERS.length} balances stayed secret-shared)`;
    },
  },
  {
    title: `Sealed bids for the basket: governance sells ${SEALED_SHARES} STOA per token; Dave and the market maker bid secret-shared`,
    run: async (ctx) => {
      const on = { abi: basketAbi, address: ctx.deployment.basket! } as const;
      const [units, natural, [, , , lotNow], tokens] = await Promise.all([
        ctx.client.readContract({ ...on, functionName: 'units' }),
        ctx.client.readContract({ ...on, functionName: 'naturalUnit' }),
        ctx.client.readContract({ ...on, functionName: 'sealedAuction', args: [0n] }),
        ctx.client.readContract({ ...on, functionName: 'components' }),
      ]);
      // The lot the proposal's rebalance will open: the next rebalance, component 0 (STOA).
      const lot = (((lotNow >> 8n) + 1n) << 8n) | 0n;
      const { executionDelay } = await ctx.client.readContract({
        abi: governanceAbi,
        address: ctx.deployment.governance!,
        functionName: 'params',
      });
      // Bids are taken until 10 minutes after the proposal executes, within the hour's auction.
      const computation = await request(
        ctx,
        { kind: ComputationKind.SealedBidAuction, basket: on.address, lot },
        Number(executionDelay) + SEALED_WINDOW,
      );
      const targets = movingOne(units, 0, units[0]! - (SEALED_SHARES * natural) / WAD);
      const actions = [
        {
          target: on.address,
          value: 0n,
          data: encodeFunctionData({
            abi: basketAbi,
            functionName: 'startRebalance',
            args: [BigInt(SEALED_QUOTE), await rebalanceTargets(ctx, units, targets), 3_600n],
          }),
        },
        {
          target: on.address,
          value: 0n,
          data: encodeFunctionData({
            abi: basketAbi,
            functionName: 'sealAuction',
            args: [0n, committee(ctx).address, computation.id, BID_EXPONENT],
          }),
        },
      ];
      const proposal = await executeBasketProposal(
        ctx,
        actions,
        SEALED_SUMMARY,
        'ipfs://stoa-demo/proposal-4.md',
      );
      const [sealedBy] = await ctx.client.readContract({ ...on, functionName: 'sealedAuction', args: [0n] });
      check('auction sealed to the committee', sealedBy, committee(ctx).address);
      const [, , , , remaining] = await ctx.client.readContract({
        ...on,
        functionName: 'auction',
        args: [0n],
      });

      // Dave bids his price; the market-maker agent bids on its own (fair - 0.5%).
      const quote = tokenAt(tokens[SEALED_QUOTE]!.token);
      await send(ctx, 'deployer', {
        ...quote,
        functionName: 'mint',
        args: [ctx.accounts.dave.address, 1_000n],
      });
      const bytes = await submit(ctx, computation, 'dave', [DAVE_BID]);
      await ctx.waitFor("the market maker's sealed bid", async () => {
        const inputs = await ctx.events({
          ...committee(ctx),
          eventName: 'InputSubmitted',
          args: { computationId: computation.id, submitter: ctx.accounts.marketMaker.address },
        });
        return inputs.length > 0;
      });
      const [output] = await result(ctx, [computation.id]);
      if (output?.kind !== ComputationKind.SealedBidAuction) throw new Error('not an auction result');
      check('winner', ctx.nameOf(output.winner), 'dave');
      check('winning bid', output.price, DAVE_BID);

      const price = output.price * 10n ** BID_EXPONENT;
      const paid = quoteCost(remaining, price);
      await send(ctx, 'dave', {
        ...quote,
        functionName: 'approve',
        args: [on.address, paid],
      });
      const hash = await send(ctx, 'dave', { ...on, functionName: 'fillSealedBid', args: [0n] });
      const receipt = await ctx.client.getTransactionReceipt({ hash });
      const [sold] = parseEventLogs({ abi: basketAbi, eventName: 'AuctionBid', logs: receipt.logs });
      const [ended] = parseEventLogs({ abi: basketAbi, eventName: 'RebalanceEnded', logs: receipt.logs });
      check('STOA sold', sold?.args.amount, remaining);
      check('SBND paid (rounded up)', sold?.args.quoteAmount, paid);
      check('rebalance completed', ended?.args.completed, true);
      return `proposal ${proposal} sealed the STOA auction to computation ${computation.id}; 2 sealed bids (Dave's ${bytes} bytes of ciphertext); revealed only: Dave wins at ${formatUnits(price, 18)} SBND per STOA, buys ${remaining} STOA for ${paid} SBND; the market maker's bid stayed secret; signed by ${await signersOf(ctx, computation.id)}`;
    },
  },
];
