/** `stoa oracle answer`: a manual answer for oracle agents that read an answers file. */
import type { Command } from 'commander';
import { writeManualAnswer } from '../../oracle/answers.js';
import { ExitCode } from '../../runtime/errors.js';
import { examples } from '../options.js';

export function register(program: Command): void {
  const oracle = program.command('oracle').description('oracle operator actions');
  const answer = oracle
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
  examples(answer, ['stoa oracle answer --file .stoa/oracle/answers.json --question 1 102.35']);
}
