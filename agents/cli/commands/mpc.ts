/**
 * `stoa mpc submit|status`: private inputs to the MPC committee (deployment key `mpcCommittee`).
 * `submit` splits the values into replicated shares, encrypts each node's shares to its key and
 * posts the ciphertexts with the commitment (agents/privacy/inputs.ts): no single node learns them.
 */
import type { Command } from 'commander';
import { type Hex, parseEventLogs } from 'viem';
import { mpcCommitteeAbi } from '../../generated/abis.js';
import { encryptInput } from '../../privacy/inputs.js';
import { type CliContext, createCliContext, parseInteger } from '../context.js';
import { action, chainOptions, examples, usage } from '../options.js';

const KINDS = ['SecretBallot', 'HolderCap', 'BalanceThreshold', 'SealedBidAuction'] as const;
const STATUS = ['None', 'Collecting', 'Computing', 'Finalized'] as const;

const committeeOf = (ctx: CliContext) =>
  ({ address: ctx.contract('mpcCommittee'), abi: mpcCommitteeAbi }) as const;

function parseValue(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw usage(`value: not an integer: ${text}`);
  return BigInt(text);
}

export function register(program: Command): void {
  const mpc = program.command('mpc').description('MPC committee: private inputs and computations');

  const submit = chainOptions(
    mpc
      .command('submit')
      .description('encrypt private values as shares to the committee and submit them as an input'),
  )
    .argument('<computation>', 'computation id')
    .argument('<values...>', 'the private integer values (e.g. a one-hot ballot: 0 1 0)')
    .action(
      action<[string, string[]], object>(async ([idText, valueTexts], options) => {
        const id = parseInteger(idText, 'computation');
        const values = valueTexts.map(parseValue);
        const ctx = await createCliContext(options);
        const committee = committeeOf(ctx);
        const count = await ctx.client.readContract({ ...committee, functionName: 'computationCount' });
        if (id === 0n || id > count) throw usage(`computation ${id} does not exist (${count} computations)`);
        const computation = await ctx.client.readContract({
          ...committee,
          functionName: 'computation',
          args: [id],
        });
        const [, encryptionKeys] = await ctx.client.readContract({
          ...committee,
          functionName: 'committee',
          args: [computation.epoch],
        });
        const input = encryptInput({
          values,
          encryptionKeys: encryptionKeys as readonly Hex[],
          context: {
            chainId: ctx.chainId,
            committee: committee.address,
            computationId: id,
            submitter: ctx.account.address,
          },
        });
        const { hash, receipt } = await ctx.send({
          ...committee,
          functionName: 'submitInput',
          args: [id, input.commitment, input.ciphertexts],
        });
        const [submitted] = parseEventLogs({
          abi: mpcCommitteeAbi,
          logs: receipt.logs,
          eventName: 'InputSubmitted',
        });
        ctx.print(
          `computation ${id}: input of ${values.length} value(s) submitted, commitment ${input.commitment} (tx ${hash})`,
          {
            computation: id,
            commitment: input.commitment,
            values: values.length,
            event: submitted?.args ?? null,
            transaction: hash,
          },
        );
      }),
    );
  examples(submit, ['stoa mpc submit 1 0 1 0', 'stoa mpc submit 2 250000 --json']);

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
        const [computation, [resultStatus, output]] = await Promise.all([
          ctx.client.readContract({ ...committee, functionName: 'computation', args: [id] }),
          ctx.client.readContract({ ...committee, functionName: 'result', args: [id] }),
        ]);
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
          `computation ${id} (${data.kind}): ${data.status}, ${data.inputs} inputs, deadline ${new Date(Number(computation.inputDeadline) * 1000).toISOString()}${output !== '0x' ? `, output ${output}` : ''}`,
          data,
        );
      }),
    );
  examples(status, ['stoa mpc status', 'stoa mpc status 1 --json']);
}
