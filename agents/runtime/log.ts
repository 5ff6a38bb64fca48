/**
 * pino JSON logs: object first, stable snake_case keys, a child logger per role and per job.
 * Secrets never reach a log line: the private key lives only inside the sender's account, and
 * the paths below are redacted as a second line of defence.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export type CreateLoggerArgs = { level: LogLevel; destination?: DestinationStream };

export function createLogger({ level, destination }: CreateLoggerArgs): Logger {
  return pino(
    {
      level,
      base: { service: 'stoa', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['private_key', '*.private_key', 'key', '*.key'], censor: '[redacted]' },
    },
    destination,
  );
}
