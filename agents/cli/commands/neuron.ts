/**
 * `stoa neuron stake|dissolve|follow|vote|show`: NNS-style neurons of the key holder. Staking
 * approves the stake token first when needed; the neuron id comes from the `NeuronStaked` event.
 */
import type { Command } from 'commander';
import { formatUnits, parseEventLogs } from 'viem';
import { governanceAbi, neuronsAbi } from '../../generated/abis.js';
import { Topic } from '../../governance/nns.js';
import { enumNames } from '../../runtime/enums.js';
import { type CliContext, createCliContext, parseDuration, parseEnum, parseInteger } from '../context.js';
import { action, chainOptions, examples, usage } from '../options.js';

/** The governance topics, in contract order (IGovernance.Topic). */
export const TOPICS = enumNames(Topic);

const neuronsOf = (ctx: CliContext) => ({ address: ctx.contract('neurons'), abi: neuronsAbi }) as const;
const governanceOf = (ctx: CliContext) =>
  ({ address: ctx.contract('governance'), abi: governanceAbi }) as const;

export function parseNeuronId(text: string, what = 'neuron'): number {
  const id = parseInteger(text, what);
  if (id === 0n || id > 0xffffffffn) throw usage(`${what}: not a neuron id: ${text}`);
  return Number(id);
}

export function register(program: Command): void {
  const neuron = program.command('neuron').description('governance neurons of the key holder');

  const stake = chainOptions(
    neuron
      .command('stake')
      .description('lock shares in a new neuron with a dissolve delay (approves the stake first)'),
  )
    .argument('<amount>', 'amount of the stake token, in its units')
    .requiredOption('--delay <duration>', 'dissolve delay, e.g. 180d, 1y, 8y (at least the minimum to vote)')
    .action(
      action<[string], { delay: string }>(async ([amountText], options) => {
        const delay = parseDuration(options.delay, '--delay');
        const ctx = await createCliContext(options);
        const neurons = neuronsOf(ctx);
        const stakeToken = await ctx.client.readContract({ ...neurons, functionName: 'stakeToken' });
        const amount = await ctx.amount(stakeToken, amountText);
        await ctx.ensureAllowance(stakeToken, neurons.address, amount);
        const { hash, receipt } = await ctx.send({
          ...neurons,
          functionName: 'stake',
          args: [amount, delay],
        });
        const [staked] = parseEventLogs({ abi: neuronsAbi, logs: receipt.logs, eventName: 'NeuronStaked' });
        const id = staked!.args.neuronId;
        const power = await ctx.client.readContract({
          ...governanceOf(ctx),
          functionName: 'votingPower',
          args: [id],
        });
        ctx.print(
          `neuron ${id}: ${amountText} staked, dissolve delay ${options.delay}, voting power ${power} (tx ${hash})`,
          {
            neuron: id,
            stake: amount,
            dissolveDelay: delay,
            votingPower: power,
            transaction: hash,
          },
        );
      }),
    );
  examples(stake, ['stoa neuron stake 100 --delay 1y', 'stoa neuron stake 2500 --delay 8y --json']);

  const dissolve = chainOptions(
    neuron
      .command('dissolve')
      .description('start dissolving a neuron (--stop to stop, --disburse to withdraw a dissolved stake)'),
  )
    .argument('<neuron>', 'neuron id')
    .option('--stop', 'stop dissolving (the neuron ages again)')
    .option('--disburse', 'withdraw the stake of a dissolved neuron')
    .action(
      action<[string], { stop?: boolean; disburse?: boolean }>(async ([idText], options) => {
        const id = parseNeuronId(idText);
        if (options.stop && options.disburse) throw usage('--stop and --disburse exclude each other');
        const ctx = await createCliContext(options);
        const functionName = options.disburse
          ? 'disburse'
          : options.stop
            ? 'stopDissolving'
            : 'startDissolving';
        const { hash } = await ctx.send({ ...neuronsOf(ctx), functionName, args: [id] });
        const done = options.disburse ? 'disbursed' : options.stop ? 'stopped dissolving' : 'dissolving';
        ctx.print(`neuron ${id}: ${done} (tx ${hash})`, {
          neuron: id,
          action: functionName,
          transaction: hash,
        });
      }),
    );
  examples(dissolve, [
    'stoa neuron dissolve 3',
    'stoa neuron dissolve 3 --stop',
    'stoa neuron dissolve 3 --disburse',
  ]);

  const follow = chainOptions(
    neuron
      .command('follow')
      .description('set the followees of a neuron on a topic (replaces the list; none clears it)'),
  )
    .argument('<neuron>', 'the following neuron')
    .argument('[followees...]', 'followee neuron ids (at most 15)')
    .requiredOption('--topic <topic>', `one of ${TOPICS.join(', ')}`)
    .action(
      action<[string, string[]], { topic: string }>(async ([idText, followeeTexts], options) => {
        const id = parseNeuronId(idText);
        const followees = followeeTexts.map((f) => parseNeuronId(f, 'followee'));
        const topic = parseEnum(options.topic, TOPICS, '--topic');
        const ctx = await createCliContext(options);
        const { hash } = await ctx.send({
          ...governanceOf(ctx),
          functionName: 'setFollowing',
          args: [id, topic, followees],
        });
        ctx.print(
          `neuron ${id} follows ${followees.length ? followees.join(', ') : 'nobody'} on ${TOPICS[topic]} (tx ${hash})`,
          { neuron: id, topic: TOPICS[topic], followees, transaction: hash },
        );
      }),
    );
  examples(follow, [
    'stoa neuron follow 2 1 --topic TokenCompliance',
    'stoa neuron follow 3 1 2 --topic catchall',
    'stoa neuron follow 2 --topic TokenCompliance',
  ]);

  const vote = chainOptions(
    neuron.command('vote').description('vote on a proposal with a neuron (owner or hot key)'),
  )
    .argument('<proposal>', 'proposal id')
    .argument('<neuron>', 'neuron id')
    .argument('<ballot>', 'yes or no')
    .action(
      action<[string, string, string], object>(async ([proposalText, idText, ballot], options) => {
        const proposal = parseInteger(proposalText, 'proposal');
        const id = parseNeuronId(idText);
        if (!/^(yes|no)$/i.test(ballot)) throw usage(`ballot: yes or no, not ${ballot}`);
        const yes = ballot.toLowerCase() === 'yes';
        const ctx = await createCliContext(options);
        const governance = governanceOf(ctx);
        const { hash } = await ctx.send({ ...governance, functionName: 'vote', args: [proposal, id, yes] });
        const p = await ctx.client.readContract({
          ...governance,
          functionName: 'proposal',
          args: [proposal],
        });
        ctx.print(
          `neuron ${id} voted ${yes ? 'yes' : 'no'} on proposal ${proposal}: yes ${p.yes}, no ${p.no} of ${p.totalPower} (tx ${hash})`,
          {
            proposal,
            neuron: id,
            yes,
            tally: { yes: p.yes, no: p.no, totalPower: p.totalPower },
            transaction: hash,
          },
        );
      }),
    );
  examples(vote, ['stoa neuron vote 1 2 yes']);

  const show = chainOptions(
    neuron.command('show').description('a neuron: owner, stake, delay, state, voting power, followees'),
  )
    .argument('<neuron>', 'neuron id')
    .action(
      action<[string], object>(async ([idText], options) => {
        const id = parseNeuronId(idText);
        const ctx = await createCliContext(options);
        const neurons = neuronsOf(ctx);
        const governance = governanceOf(ctx);
        const [[owner, hotKey, state], power, stakeToken] = await Promise.all([
          ctx.client.readContract({ ...neurons, functionName: 'neuron', args: [id] }),
          ctx.client.readContract({ ...governance, functionName: 'votingPower', args: [id] }),
          ctx.client.readContract({ ...neurons, functionName: 'stakeToken' }),
        ]);
        if (owner === '0x0000000000000000000000000000000000000000')
          throw usage(`neuron ${id} does not exist`);
        const followees = Object.fromEntries(
          await Promise.all(
            TOPICS.map(async (topic, i) => [
              topic,
              await ctx.client.readContract({ ...governance, functionName: 'followees', args: [id, i] }),
            ]),
          ),
        ) as Record<string, readonly number[]>;
        const stakeText = formatUnits(state.stake, await ctx.decimalsOf(stakeToken));
        const following = Object.entries(followees).filter(([, f]) => f.length > 0);
        ctx.print(
          [
            `neuron ${id}: owner ${owner}${hotKey !== '0x0000000000000000000000000000000000000000' ? `, hot key ${hotKey}` : ''}`,
            `  stake ${stakeText}, dissolve delay ${state.dissolveDelay} s, ${state.dissolving ? 'dissolving' : 'locked'}, voting power ${power}`,
            ...following.map(([topic, f]) => `  follows ${f.join(', ')} on ${topic}`),
          ],
          {
            neuron: id,
            owner,
            hotKey,
            stake: stakeText,
            dissolveDelay: state.dissolveDelay,
            dissolving: state.dissolving,
            votingPower: power,
            followees,
          },
        );
      }),
    );
  examples(show, ['stoa neuron show 1 --json']);
}
