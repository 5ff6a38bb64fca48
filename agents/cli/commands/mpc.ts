/**
 * `stoa mpc submit|status`: private inputs to the MPC committee (deployment key `mpcCommittee`).
 * `submit` splits the values into replicated shares, encrypts each node's shares to its key and
 * posts the ciphertexts with the commitment (agents/privacy/inputs.ts): no single node learns them.
 */
import type { Command } from 'commander';
import { parseEventLogs } from 'viem';
import { mpcCommitteeAbi } from '../../generated/abis.js';
import { prepareInput } from '../../privacy/client.js';
import {
  ComputationKind,
  type ComputationOutput,
  ComputationStatus,
  decodeOutput,
  decodeParams,
  inputShape,
} from '../../privacy/computations.js';
import { enumNames } from '../../runtime/enums.js';
import { type CliContext, createCliContext, parseInteger } from '../context.js';
import { action, CliError, chainOptions, examples, usage } from '../options.js';

const KINDS = ['SecretBallot', 'HolderCap', 'BalanceThreshold', 'SealedBidAuction'] as const;
const STATUS = enumNames(ComputationStatus);

const committeeOf = (ctx: CliContext) =>
  ({ address: ctx.contract('mpcCommittee'), abi: mpcCommitteeAbi }) as const;

function parseValue(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw usage(`value: not an integer: ${text}`);
  return BigInt(text);
}

/** The `ComputationRequested` event of computation `id` (its kind and parameters). */
async function requestOf(ctx: CliContext, id: bigint) {
  const committee = committeeOf(ctx);
  const count = await ctx.client.readContract({ ...committee, functionName: 'computationCount' });
  if (id === 0n || id > count) throw usage(`computation ${id} does not exist (${count} computations)`);
  const [event] = await ctx.events({
    ...committee,
    eventName: 'ComputationRequested',
    args: { computationId: id },
  });
  if (!event) throw new CliError(`computation ${id}: its request event was not found`);
  return event.args;
}

function showOutput(output: ComputationOutput): string {
  switch (output.kind) {
    case ComputationKind.SecretBallot:
      return `totals ${output.totals.join(' / ')} (yes / no / abstain)`;
    case ComputationKind.HolderCap:
      return `within cap: ${output.withinCap}`;
    case ComputationKind.BalanceThreshold:
      return `at least the threshold: ${output.atLeast}`;
    case ComputationKind.SealedBidAuction:
      return `winner ${output.winner} at ${output.price}`;
  }
}

export function register(program: Command): void {
  const mpc = program.command('mpc').description('MPC committee: private inputs and computations');

  const submit = chainOptions(
    mpc
      .command('submit')
      .description('encrypt private values as shares to the committee and submit them as an input'),
  )
    .argument('<computation>', 'computation id')
    .argument(
      '<values...>',
      'the private values: a ballot its choice (0 yes, 1 no, 2 abstain), a cap-table check one or more balances, an auction one bid',
    )
    .action(
      action<[string, string[]], object>(async ([idText, valueTexts], options) => {
        const id = parseInteger(idText, 'computation');
        const values = valueTexts.map(parseValue);
        const ctx = await createCliContext(options);
        const committee = committeeOf(ctx);
        const requested = await requestOf(ctx, id);
        const params = decodeParams(requested.kind, requested.params);
        // A ballot takes its choice (shared as bits) and an auction its bid; a check one or more balances.
        const single = params.kind === ComputationKind.SecretBallot || inputShape(params).exact;
        if (single ? values.length !== 1 : values.length === 0)
          throw usage(
            `computation ${id} (${KINDS[requested.kind]}) takes ${params.kind === ComputationKind.SecretBallot ? 'one choice' : single ? 'one value' : 'one or more values'}, got ${values.length}`,
          );
        if (params.kind === ComputationKind.SecretBallot && (values[0]! < 0n || values[0]! >= params.choices))
          throw usage(
            `computation ${id}: choice ${values[0]} is not one of 0..${params.choices - 1} (0 yes, 1 no, 2 abstain)`,
          );
        // The shares are made the way the computation's kind expects (agents/privacy/client.ts).
        const args = await prepareInput({
          client: ctx.client,
          committee: committee.address,
          computationId: id,
          submitter: ctx.account.address,
          values,
          params: requested.params,
        }).catch((error: unknown) => {
          throw usage(`computation ${id}: ${error instanceof Error ? error.message : String(error)}`);
        });
        const { hash, receipt } = await ctx.send({ ...committee, functionName: 'submitInput', args });
        const [submitted] = parseEventLogs({
          abi: mpcCommitteeAbi,
          logs: receipt.logs,
          eventName: 'InputSubmitted',
        });
        ctx.print(
          `computation ${id}: input of ${values.length} value(s) submitted, commitment ${args[1]} (tx ${hash})`,
          {
            computation: id,
            commitment: args[1],
            values: values.length,
            index: submitted?.args.index ?? null,
            transaction: hash,
          },
        );
      }),
    );
  examples(submit, ['stoa mpc submit 1 0        # ballot: yes', 'stoa mpc submit 2 250000 --json']);

  const status = chainOptions(
    mpc
      .command('status')
      .description('the committee (epoch, nodes, threshold), or one computation and its result'),
  )
    .argument('[computation]', 'computation id')
    .action(
      action<[string | undefined], object>(async ([idText], options) => {
        const id = idText === undefined ? undefined : parseInteger(idText, 'computation');
        const ctx = await createCliContext(options);
        const committee = committeeOf(ctx);
        const [epoch, count] = await Promise.all([
          ctx.client.readContract({ ...committee, functionName: 'epoch' }),
          ctx.client.readContract({ ...committee, functionName: 'computationCount' }),
        ]);
        const [nodes, , threshold] = await ctx.client.readContract({
          ...committee,
          functionName: 'committee',
          args: [epoch],
        });
        if (id === undefined) {
          ctx.print(
            [
              `committee epoch ${epoch}: ${nodes.length} nodes, threshold ${threshold}; ${count} computations`,
              ...nodes.map((n) => `  node ${n}`),
            ],
            { epoch, nodes, threshold, computations: count },
          );
          return;
        }
        if (id === 0n || id > count) throw usage(`computation ${id} does not exist (${count} computations)`);
        const [computation, [resultStatus, encoded]] = await Promise.all([
          ctx.client.readContract({ ...committee, functionName: 'computation', args: [id] }),
          ctx.client.readContract({ ...committee, functionName: 'result', args: [id] }),
        ]);
        const output = encoded === '0x' ? null : decodeOutput(computation.kind, encoded);
        const data = {
          computation: id,
          kind: KINDS[computation.kind],
          status: STATUS[resultStatus],
          epoch: computation.epoch,
          inputDeadline: computation.inputDeadline,
          inputs: computation.inputCount,
          requester: computation.requester,
          output,
        };
        ctx.print(
          `computation ${id} (${data.kind}): ${data.status}, ${data.inputs} inputs, deadline ${new Date(Number(computation.inputDeadline) * 1000).toISOString()}${output ? `, output ${showOutput(output)}` : ''}`,
          data,
        );
      }),
    );
  examples(status, ['stoa mpc status', 'stoa mpc status 1 --json']);
}
