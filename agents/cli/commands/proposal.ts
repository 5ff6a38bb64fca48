/**
 * `stoa proposal create|show|execute`: governance proposals. `create` sends the actions; the
 * contract takes the topic from the actions and charges the reject fee against the neuron; the
 * actions are read back from the `ProposalCreated` event by `show` and `execute` (which settles a
 * decided proposal first).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type AbiParameter,
  type Address,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseAbiItem,
  parseEventLogs,
  toBytes,
} from 'viem';
import { governanceAbi } from '../../generated/abis.js';
import { ProposalStatus } from '../../governance/nns.js';
import { enumNames } from '../../runtime/enums.js';
import { type CliContext, createCliContext, parseAddress, parseInteger } from '../context.js';
import { action, chainOptions, examples, usage } from '../options.js';
import { parseNeuronId, TOPICS } from './neuron.js';

const STATUS = enumNames(ProposalStatus);
type Action = { target: Address; value: bigint; data: Hex };

const governanceOf = (ctx: CliContext) =>
  ({ address: ctx.contract('governance'), abi: governanceAbi }) as const;

/** Converts JSON arguments to what viem encodes for `param` (integers as bigints, arrays element-wise). */
function convert(param: AbiParameter, value: unknown): unknown {
  const array = /^(.*)\[\d*\]$/.exec(param.type);
  if (array) {
    if (!Array.isArray(value))
      throw usage(`--action: ${param.type} needs an array, got ${JSON.stringify(value)}`);
    return value.map((v) => convert({ ...param, type: array[1]! }, v));
  }
  if (/^u?int\d*$/.test(param.type)) {
    try {
      return BigInt(value as string | number);
    } catch {
      throw usage(`--action: ${param.type} needs an integer, got ${JSON.stringify(value)}`);
    }
  }
  return value;
}

/**
 * An action from `<target>:<0xcalldata>[:<wei>]` or `<target>:<signature>:<JSON array of args>[:<wei>]`,
 * e.g. `0xToken:setLimits(uint32,uint128):[200,1000000]`.
 */
export function parseAction(text: string): Action {
  const withSignature = /^(0x[0-9a-fA-F]{40}):([A-Za-z_]\w*\([^)]*\)):(\[.*\])(?::(\d+))?$/.exec(text);
  if (withSignature) {
    const [, target, signature, argsText, value] = withSignature;
    let item: ReturnType<typeof parseAbiItem>;
    try {
      item = parseAbiItem(`function ${signature}`);
    } catch {
      throw usage(`--action: not a function signature: ${signature}`);
    }
    if (item.type !== 'function') throw usage(`--action: not a function signature: ${signature}`);
    let args: unknown[];
    try {
      args = JSON.parse(argsText!) as unknown[];
    } catch {
      throw usage(`--action: arguments are not a JSON array: ${argsText}`);
    }
    if (args.length !== item.inputs.length)
      throw usage(`--action: ${signature} takes ${item.inputs.length} arguments, got ${args.length}`);
    let data: Hex;
    try {
      data = encodeFunctionData({ abi: [item], args: args.map((a, i) => convert(item.inputs[i]!, a)) });
    } catch (error) {
      throw usage(
        `--action: cannot encode ${signature}(${argsText}): ${(error as Error).message.split('\n')[0]}`,
      );
    }
    return { target: parseAddress(target!, '--action target'), value: BigInt(value ?? 0), data };
  }
  const raw = /^(0x[0-9a-fA-F]{40}):(0x(?:[0-9a-fA-F]{2})*)(?::(\d+))?$/.exec(text);
  if (!raw)
    throw usage(
      `--action: expected <target>:<0xcalldata>[:<wei>] or <target>:<signature>:<[args]>, got ${text}`,
    );
  return {
    target: parseAddress(raw[1]!, '--action target'),
    value: BigInt(raw[3] ?? 0),
    data: raw[2] as Hex,
  };
}

/** A proposal, its decision so far and its creation event; a usage error when it does not exist. */
async function readProposal(ctx: CliContext, id: bigint) {
  const governance = governanceOf(ctx);
  const count = await ctx.client.readContract({ ...governance, functionName: 'proposalCount' });
  if (id === 0n || id > count) throw usage(`proposal ${id} does not exist (${count} proposals)`);
  const [p, decision, created] = await Promise.all([
    ctx.client.readContract({ ...governance, functionName: 'proposal', args: [id] }),
    ctx.client.readContract({ ...governance, functionName: 'decision', args: [id] }),
    createdEvent(ctx, id),
  ]);
  return { p, decision, created };
}

async function createdEvent(ctx: CliContext, id: bigint) {
  const logs = await ctx.events({
    ...governanceOf(ctx),
    eventName: 'ProposalCreated',
    args: { proposalId: id },
  });
  const event = logs[0];
  if (!event) throw usage(`proposal ${id} does not exist`);
  return event.args;
}

export function register(program: Command): void {
  const proposal = program.command('proposal').description('governance proposals');

  const create = chainOptions(
    proposal
      .command('create')
      .description(
        'propose actions for the executor from a neuron (its owner or hot key); the topic follows from the actions, the reject fee is charged against the neuron',
      ),
  )
    .requiredOption('--neuron <id>', 'the proposing neuron (votes yes automatically)')
    .requiredOption('--summary <uri>', 'URI of the summary')
    .option('--summary-file <path>', 'summary hash from this file (default: keccak256 of the URI)')
    .option(
      '--action <action>',
      'an action, repeatable: <target>:<signature>:<JSON args>[:<wei>] or <target>:<0xcalldata>[:<wei>]',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(
      action<[], { neuron: string; summary: string; summaryFile?: string; action?: string[] }>(
        async (_args, options) => {
          const neuron = parseNeuronId(options.neuron, '--neuron');
          const actions = (options.action ?? []).map(parseAction);
          let summaryHash: Hex;
          try {
            summaryHash = keccak256(
              options.summaryFile ? readFileSync(options.summaryFile) : toBytes(options.summary),
            );
          } catch {
            throw usage(`--summary-file: cannot read ${options.summaryFile}`);
          }
          const ctx = await createCliContext(options);
          const governance = governanceOf(ctx);
          const { hash, receipt } = await ctx.send({
            ...governance,
            functionName: 'propose',
            args: [neuron, actions, options.summary, summaryHash],
          });
          const [created] = parseEventLogs({
            abi: governanceAbi,
            logs: receipt.logs,
            eventName: 'ProposalCreated',
          });
          const id = created!.args.proposalId;
          const topic = created!.args.topic;
          ctx.print(
            `proposal ${id} on ${TOPICS[topic]} by neuron ${neuron}: ${actions.length} action(s), deadline ${new Date(Number(created!.args.deadline) * 1000).toISOString()} (tx ${hash})`,
            {
              proposal: id,
              neuron,
              topic: TOPICS[topic],
              actions,
              summary: options.summary,
              summaryHash,
              deadline: created!.args.deadline,
              transaction: hash,
            },
          );
        },
      ),
    );
  examples(create, [
    "stoa proposal create --neuron 1 --summary ipfs://bafy.../allow-us.md --action '0xToken:setCountriesAllowed(uint16[],bool):[[840],true]'",
    'stoa proposal create --neuron 1 --summary https://forum.example/42',
  ]);

  const show = chainOptions(
    proposal.command('show').description('a proposal: tally, decision, deadline, actions'),
  )
    .argument('<proposal>', 'proposal id')
    .action(
      action<[string], object>(async ([idText], options) => {
        const id = parseInteger(idText, 'proposal');
        const ctx = await createCliContext(options);
        const { p, decision, created } = await readProposal(ctx, id);
        const data = {
          proposal: id,
          topic: TOPICS[p.topic],
          neuron: p.neuronId,
          proposer: p.proposer,
          status: STATUS[p.status],
          decision: STATUS[decision],
          yes: p.yes,
          no: p.no,
          totalPower: p.totalPower,
          deadline: p.deadline,
          decidedAt: p.decidedAt,
          summary: created.summaryURI,
          summaryHash: created.summaryHash,
          actions: created.actions,
        };
        ctx.print(
          [
            `proposal ${id} on ${data.topic} by neuron ${p.neuronId} (${p.proposer}): ${data.status}${data.status !== data.decision ? `, decided ${data.decision}` : ''}`,
            `  yes ${p.yes}, no ${p.no} of ${p.totalPower}; deadline ${new Date(Number(p.deadline) * 1000).toISOString()}`,
            `  summary ${created.summaryURI}`,
            ...created.actions.map(
              (a, i) => `  action ${i + 1}: ${a.target} value ${a.value} data ${a.data}`,
            ),
          ],
          data,
        );
      }),
    );
  examples(show, ['stoa proposal show 1', 'stoa proposal show 1 --json']);

  const execute = chainOptions(
    proposal
      .command('execute')
      .description(
        'settle a decided proposal if needed, then execute its actions once the timelock has passed',
      ),
  )
    .argument('<proposal>', 'proposal id')
    .action(
      action<[string], object>(async ([idText], options) => {
        const id = parseInteger(idText, 'proposal');
        const ctx = await createCliContext(options);
        const governance = governanceOf(ctx);
        const { p, decision, created } = await readProposal(ctx, id);
        let settled: Hex | undefined;
        if (STATUS[p.status] === 'Open' && STATUS[decision] !== 'Open')
          ({ hash: settled } = await ctx.send({ ...governance, functionName: 'settle', args: [id] }));
        const { hash } = await ctx.send({
          ...governance,
          functionName: 'execute',
          args: [id, created.actions],
        });
        ctx.print(`proposal ${id} executed: ${created.actions.length} action(s) (tx ${hash})`, {
          proposal: id,
          settled: settled ?? null,
          transaction: hash,
        });
      }),
    );
  examples(execute, ['stoa proposal execute 1']);
}
