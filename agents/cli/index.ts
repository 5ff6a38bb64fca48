/**
 * `stoa`: the command line for every user action. This file only registers the command groups;
 * each lives in `commands/<group>.ts` and is loaded only when invoked (`stoa --help` loads none, so
 * it starts fast). Common options and output: `options.ts` and `context.ts`. Exit codes: 0 done,
 * 1 failure (a revert, a missing deployment or contract), 2 usage (a bad argument or option, no
 * key), 75 RPC unreachable (agents/runtime/README.md for `stoa agent`).
 */
import { Command, type CommanderError } from 'commander';
import { ExitCode } from '../runtime/errors.js';

type Group = { name: string; summary: string; load: () => Promise<{ register: (program: Command) => void }> };

/** `agent` and `roles` live in one module. */
const loadAgent = () => import('./commands/agent.js');

const groups: Group[] = [
  {
    name: 'deploy',
    summary: 'deploy the platform with script/Deploy.s.sol',
    load: () => import('./commands/deploy.js'),
  },
  {
    name: 'status',
    summary: 'chain, deployment, token, proposals, questions, agent health',
    load: () => import('./commands/status.js'),
  },
  {
    name: 'agent',
    summary: 'run one agent role until SIGINT/SIGTERM',
    load: loadAgent,
  },
  { name: 'roles', summary: 'list the agent roles', load: loadAgent },
  { name: 'kyc', summary: 'KYC attestations: attest, revoke', load: () => import('./commands/kyc.js') },
  {
    name: 'token',
    summary: 'security token: mint, transfer, freeze, force, recover, doc, balance, system-holder',
    load: () => import('./commands/token.js'),
  },
  {
    name: 'neuron',
    summary: 'governance neurons: stake, dissolve, follow, vote, show',
    load: () => import('./commands/neuron.js'),
  },
  {
    name: 'proposal',
    summary: 'governance proposals: create, show, execute',
    load: () => import('./commands/proposal.js'),
  },
  {
    name: 'question',
    summary: 'oracle questions: create, report, dispute, finalize, show',
    load: () => import('./commands/question.js'),
  },
  { name: 'oracle', summary: 'oracle operator actions: answer', load: () => import('./commands/oracle.js') },
  {
    name: 'basket',
    summary: 'baskets: create, issue, redeem, rebalance',
    load: () => import('./commands/basket.js'),
  },
  { name: 'mpc', summary: 'MPC committee: submit, status', load: () => import('./commands/mpc.js') },
];

const program = new Command('stoa')
  .description('Stoa: security tokens with governance, oracle, baskets and MPC')
  .exitOverride((error: CommanderError) => {
    process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  })
  .addHelpText(
    'after',
    `
Every command has --help with examples. Chain commands take --rpc <url> (env STOA_RPC_URL),
--deployment <file>, --key-file <file> (or env STOA_PRIVATE_KEY) and --json.
Exit codes: 0 done, 1 failure (revert, missing deployment), 2 usage (bad input, no key), 75 RPC unreachable.`,
  );

// A reader that stops early (`stoa roles | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  throw error;
});

const words = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const wanted = words[0] === 'help' ? words[1] : words[0];
const invoked = groups.find((group) => group.name === wanted);
// The invoked group's module registers its commands (one module may hold several, e.g. agent and
// roles); every other group is a stub that only names itself in `stoa --help`.
if (invoked) (await invoked.load()).register(program);
for (const group of groups)
  if (group.load !== invoked?.load) program.command(group.name).description(group.summary);

await program.parseAsync();
