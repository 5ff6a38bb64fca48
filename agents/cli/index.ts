/**
 * `stoa` command line: `stoa agent <role> --config <file>` runs one agent role; `stoa roles`
 * lists them. Every command has `--help`. Exit codes: README of agents/runtime.
 */
import { Command, type CommanderError } from 'commander';
import { writeManualAnswer } from '../oracle/answers.js';
import { ExitCode, runAgent } from '../runtime/index.js';
import { roles } from './roles.js';

const program = new Command('stoa')
  .description('Stoa: security tokens with governance, oracle, baskets and MPC; agent processes')
  .showHelpAfterError()
  .exitOverride((error: CommanderError) => {
    process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  });

program
  .command('agent')
  .description('run one agent role until SIGINT/SIGTERM')
  .argument('<role>', `role to run: ${roles.map((r) => r.name).join(', ')}`)
  .requiredOption('-c, --config <file>', 'JSON config file (settings: agents/runtime/README.md)')
  .addHelpText(
    'after',
    '\nEnvironment: STOA__<SECTION>__<KEY> overrides a setting; the signing key is read from\nthe variable named by sender.key_env (default STOA_PRIVATE_KEY) or from sender.key_file.',
  )
  .action(async (name: string, options: { config: string }) => {
    const role = roles.find((r) => r.name === name);
    if (!role) {
      program.error(`unknown role ${name}; roles: ${roles.map((r) => r.name).join(', ')}`, {
        exitCode: ExitCode.usage,
      });
      return;
    }
    process.exit(await runAgent({ role, configFile: options.config }));
  });

program
  .command('roles')
  .description('list the agent roles')
  .action(() => {
    for (const role of roles) console.log(`${role.name}\t${role.description}`);
  });

const oracle = program.command('oracle').description('oracle operator actions');
oracle
  .command('answer')
  .description(
    "set a manual answer that oracle agents read from an answers file (a 'manual' source with 'file')",
  )
  .requiredOption('-f, --file <answers.json>', 'the answers file named in the agent config')
  .requiredOption('-q, --question <id>', 'question id')
  .argument('<value>', 'the answer, a decimal number (scalar value or outcome index)')
  .action((value: string, options: { file: string; question: string }) => {
    try {
      writeManualAnswer({ file: options.file, questionId: options.question, value });
    } catch (error) {
      console.error(`stoa oracle answer: ${(error as Error).message}`);
      process.exit(ExitCode.usage);
    }
    console.log(`question ${options.question}: answer ${value} written to ${options.file}`);
  });

await program.parseAsync();
