/**
 * The MPC page's data: the committee of the current epoch (nodes, bonds, threshold) and every
 * computation (`ComputationRequested`) with its kind, input count, status and posted result.
 */
import type { Address, Hex } from 'viem';
import { mpcCommitteeAbi } from '../generated/abis.js';
import { ComputationKind, ComputationStatus } from '../privacy/computations.js';
import { enumLabels } from '../runtime/enums.js';
import { attempt, type PageContext } from './context.js';

export const COMPUTATION_KIND = enumLabels(ComputationKind);
export const COMPUTATION_STATUS = enumLabels(ComputationStatus);

export type ComputationRow = {
  id: bigint;
  kind: string;
  epoch: bigint;
  requester: Address;
  inputDeadline: number;
  inputs: number;
  status: string;
  output?: Hex;
  signers: Address[];
};
export type MpcData =
  | { deployed: false }
  | {
      deployed: true;
      committee: Address;
      epoch: bigint;
      nodes: { address: Address; bond: bigint | undefined }[];
      threshold: bigint;
      computations: ComputationRow[];
    };

export async function loadMpc(ctx: PageContext): Promise<MpcData> {
  const address = ctx.deployment.mpcCommittee;
  if (!address) return { deployed: false };
  const [epoch, events] = await Promise.all([
    ctx.client.readContract({ address, abi: mpcCommitteeAbi, functionName: 'epoch' }),
    ctx.index.events(mpcCommitteeAbi, address),
  ]);
  const members = await attempt(() =>
    ctx.client.readContract({ address, abi: mpcCommitteeAbi, functionName: 'committee', args: [epoch] }),
  );
  const nodes = await Promise.all(
    (members?.[0] ?? []).map(async (node) => ({
      address: node,
      bond: await attempt(() =>
        ctx.client.readContract({ address, abi: mpcCommitteeAbi, functionName: 'bondOf', args: [node] }),
      ),
    })),
  );
  const computations = new Map<bigint, ComputationRow>();
  for (const e of events) {
    if (e.eventName === 'ComputationRequested') {
      computations.set(e.args.computationId, {
        id: e.args.computationId,
        kind: COMPUTATION_KIND[e.args.kind] ?? String(e.args.kind),
        epoch: e.args.epoch,
        requester: e.args.requester,
        inputDeadline: Number(e.args.inputDeadline),
        inputs: 0,
        status: 'collecting',
        signers: [],
      });
    } else if (e.eventName === 'InputSubmitted') {
      const c = computations.get(e.args.computationId);
      if (c) c.inputs += 1;
    } else if (e.eventName === 'ResultPosted') {
      const c = computations.get(e.args.computationId);
      if (c) Object.assign(c, { output: e.args.output, signers: [...e.args.signers] });
    }
  }
  await Promise.all(
    [...computations.values()].map(async (c) => {
      const result = await attempt(() =>
        ctx.client.readContract({ address, abi: mpcCommitteeAbi, functionName: 'result', args: [c.id] }),
      );
      if (result) c.status = COMPUTATION_STATUS[result[0]] ?? String(result[0]);
    }),
  );
  return {
    deployed: true,
    committee: address,
    epoch,
    nodes,
    threshold: members?.[2] ?? 0n,
    computations: [...computations.values()].reverse(),
  };
}
