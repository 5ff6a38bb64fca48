/**
 * The process around one agent: config from file + env, logger, signals, and the exit code.
 * Errors end the process with one line on stderr (no stack trace) and an exit code that tells
 * retryable (75) from fatal (1) failures.
 */
import { type Agent, createAgent } from './agent.js';
import { loadConfig } from './config.js';
import { ExitCode, exitCodeOf, shortMessage } from './errors.js';
import { createLogger } from './log.js';
import type { Role } from './role.js';

export type RunAgentArgs = {
  role: Role;
  /** Path of the JSON config file. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the one-line fatal message goes (default: stderr). */
  report?: (line: string) => void;
};

/** Runs the role until SIGINT/SIGTERM or a fatal error; resolves with the process exit code. */
export async function runAgent({
  role,
  configFile,
  env = process.env,
  report = (line) => process.stderr.write(`${line}\n`),
}: RunAgentArgs): Promise<number> {
  let agent: Agent | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!agent) process.exit(ExitCode.ok);
    process.once(signal, () => process.exit(ExitCode.retryable));
    void agent.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const config = loadConfig({ file: configFile, env, roleSchema: role.config });
    const logger = createLogger({ level: config.log.level });
    agent = createAgent({ role, config, logger, env });
    await agent.start();
    await agent.done;
    return ExitCode.ok;
  } catch (error) {
    report(`stoa agent ${role.name}: ${shortMessage(error)}`);
    return exitCodeOf(error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
