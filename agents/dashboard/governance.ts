/**
 * The governance page's data: neurons (owner, stake, voting power), the follow graph (latest
 * `FollowingSet` per neuron and topic) and each proposal with its ballots, direct (`VoteCast`) or
 * derived by following (`FollowerResolved`, with the followees that decided it).
 */
import { type Address, erc20Abi, formatUnits } from 'viem';
import { governanceAbi, neuronsAbi } from '../generated/abis.js';
import { ProposalStatus, Topic, unpackDecidedBy } from '../governance/nns.js';
import { enumLabels, enumNames } from '../runtime/enums.js';
import { attempt, type PageContext } from './context.js';

export const TOPIC_NAMES = enumNames(Topic);
export const PROPOSAL_STATUS = enumLabels(ProposalStatus);

export type NeuronRow = {
  id: number;
  label: string;
  owner: Address;
  stake: string;
  dissolveDelayDays: number;
  dissolving: boolean;
  power: bigint | undefined;
};
export type Following = { neuron: number; topic: number; followees: number[] };
export type BallotRow = {
  neuron: number;
  yes: boolean;
  power: bigint;
  /** Empty for a direct ballot; the followees that decided a derived one. */
  decidedBy: number[];
  block: bigint;
  tx: string;
};
export type ProposalRow = {
  id: bigint;
  topic: number;
  neuron: number;
  proposer: Address;
  summaryURI: string;
  actions: number;
  status: string;
  yes: bigint;
  no: bigint;
  totalPower: bigint;
  deadline: bigint;
  settled?: { adopted: boolean; block: bigint };
  executed?: { block: bigint };
  ballots: BallotRow[];
};
export type GovernanceData =
  | { deployed: false }
  | {
      deployed: true;
      governance: Address;
      /** Decimals of the stake token; stakes and voting power are in its units. */
      decimals: number;
      neurons: NeuronRow[];
      following: Following[];
      proposals: ProposalRow[];
      neuronLabel: (id: number) => string;
    };

export async function loadGovernance(ctx: PageContext): Promise<GovernanceData> {
  const { governance, neurons } = ctx.deployment;
  if (!governance || !neurons) return { deployed: false };
  const [neuronEvents, govEvents] = await Promise.all([
    ctx.index.events(neuronsAbi, neurons),
    ctx.index.events(governanceAbi, governance),
  ]);
  const stakeToken = await ctx.client.readContract({
    address: governance,
    abi: governanceAbi,
    functionName: 'stakeToken',
  });
  const decimals =
    (await attempt(() =>
      ctx.client.readContract({ address: stakeToken, abi: erc20Abi, functionName: 'decimals' }),
    )) ?? 18;

  const rows = new Map<number, NeuronRow>();
  for (const e of neuronEvents) {
    if (e.eventName === 'NeuronStaked') {
      const id = e.args.neuronId;
      const owner = ctx.nameOf(e.args.owner);
      rows.set(id, {
        id,
        label: `${owner.startsWith('0x') ? owner.slice(0, 8) : owner}#${id}`,
        owner: e.args.owner,
        stake: '0',
        dissolveDelayDays: 0,
        dissolving: false,
        power: undefined,
      });
    } else if (e.eventName === 'NeuronUpdated') {
      const row = rows.get(e.args.neuronId);
      if (!row) continue;
      row.stake = formatUnits(e.args.stake, decimals);
      row.dissolveDelayDays = Number(e.args.dissolveDelay) / 86_400;
      row.dissolving = e.args.dissolving;
    }
  }
  await Promise.all(
    [...rows.values()].map(async (row) => {
      row.power = await attempt(() =>
        ctx.client.readContract({
          address: governance,
          abi: governanceAbi,
          functionName: 'votingPower',
          args: [row.id],
        }),
      );
    }),
  );
  const neuronLabel = (id: number) => rows.get(id)?.label ?? `#${id}`;

  const following = new Map<string, Following>();
  const proposals = new Map<bigint, ProposalRow>();
  for (const e of govEvents) {
    switch (e.eventName) {
      case 'FollowingSet':
        following.set(`${e.args.neuronId}-${e.args.topic}`, {
          neuron: e.args.neuronId,
          topic: e.args.topic,
          followees: [...e.args.followees],
        });
        break;
      case 'ProposalCreated':
        proposals.set(e.args.proposalId, {
          id: e.args.proposalId,
          topic: e.args.topic,
          neuron: e.args.neuronId,
          proposer: e.args.proposer,
          summaryURI: e.args.summaryURI,
          actions: e.args.actions.length,
          status: 'open',
          yes: 0n,
          no: 0n,
          totalPower: e.args.totalPower,
          deadline: e.args.deadline,
          ballots: [],
        });
        break;
      case 'VoteCast':
      case 'FollowerResolved': {
        const p = proposals.get(e.args.proposalId);
        p?.ballots.push({
          neuron: e.args.neuronId,
          yes: e.args.yes,
          power: e.args.power,
          decidedBy: e.eventName === 'FollowerResolved' ? unpackDecidedBy(e.args.decidedBy) : [],
          block: e.blockNumber,
          tx: e.transactionHash,
        });
        break;
      }
      case 'ProposalSettled': {
        const p = proposals.get(e.args.proposalId);
        if (p) p.settled = { adopted: e.args.adopted, block: e.blockNumber };
        break;
      }
      case 'ProposalExecuted': {
        const p = proposals.get(e.args.proposalId);
        if (p) p.executed = { block: e.blockNumber };
        break;
      }
    }
  }
  await Promise.all(
    [...proposals.values()].map(async (p) => {
      const [view, decision] = await Promise.all([
        ctx.client.readContract({
          address: governance,
          abi: governanceAbi,
          functionName: 'proposal',
          args: [p.id],
        }),
        attempt(() =>
          ctx.client.readContract({
            address: governance,
            abi: governanceAbi,
            functionName: 'decision',
            args: [p.id],
          }),
        ),
      ]);
      p.yes = view.yes;
      p.no = view.no;
      p.deadline = view.deadline;
      p.status = PROPOSAL_STATUS[decision ?? view.status] ?? String(view.status);
    }),
  );
  return {
    deployed: true,
    governance,
    decimals,
    neurons: [...rows.values()],
    following: [...following.values()].filter((f) => f.followees.length > 0),
    proposals: [...proposals.values()].reverse(),
    neuronLabel,
  };
}
