/** `stoa agent <role> --config <file>` runs one agent role; `stoa roles` lists them. */
import type { Command } from 'commander';
import { ExitCode, runAgent } from '../../runtime/index.js';
import { examples } from '../options.js';
import { roles } from '../roles.js';

export function register(program: Command): void {
  const agent = program
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
  examples(agent, ['stoa agent cascade-keeper --config .stoa/agents/cascade-keeper.json']);

  program
    .command('roles')
    .description('list the agent roles')
    .action(() => {
      for (const role of roles) console.log(`${role.name}\t${role.description}`);
    });
}
