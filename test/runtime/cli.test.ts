import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../agents/runtime/index.js';
import { agentKey, rawConfig, root, type Stack, startStack } from './helpers.js';

type Run = { code: number | null; stderr: string; stdout: string };

function stoa(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(join(root, 'bin', 'stoa'), args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('stoa agent: startup errors are one clear line with the right exit code', () => {
  let stack: Stack;
  const dir = mkdtempSync(join(tmpdir(), 'stoa-cli-'));
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  function configFile(name: string, extra: Record<string, unknown>) {
    const file = join(dir, `${name}.json`);
    const raw = rawConfig({
      rpcUrl: stack.anvil.url,
      redisUrl: stack.redis.url,
      emitter: stack.emitter,
      extra,
    });
    writeFileSync(file, JSON.stringify(raw));
    return file;
  }
  const agent = (file: string, env: NodeJS.ProcessEnv = { STOA_PRIVATE_KEY: agentKey }) =>
    stoa(['agent', 'ack-emitter', '--config', file], env);

  it('reports each failure on one line', { timeout: 240_000 }, async () => {
    const [badConfig, unreachable, wrongChain, missingContract, missingKey, help] = await Promise.all([
      agent(
        configFile('bad', {
          chain: { chain_id: 31337, rpc_url: 'not a url' },
          ingest: { confirmations: -1 },
        }),
      ),
      agent(
        configFile('unreachable', {
          chain: { chain_id: 31337, rpc_url: 'http://user:secret@127.0.0.1:9', startup_attempts: 2 },
        }),
      ),
      agent(configFile('wrong-chain', { chain: { chain_id: 1, rpc_url: stack.anvil.url } })),
      agent(configFile('no-code', { contracts: { emitter: { address: `0x${'de'.repeat(20)}` } } })),
      agent(configFile('no-key', {}), { STOA_PRIVATE_KEY: '' }),
      stoa(['agent', '--help']),
    ]);
    const line = (run: Run) => {
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      return lines[0];
    };
    expect(badConfig.code).toBe(ExitCode.fatal);
    expect(line(badConfig)).toMatch(/config error .*chain\.rpc_url: .*; ingest\.confirmations: .*>=0/);
    expect(unreachable.code).toBe(ExitCode.retryable);
    expect(line(unreachable)).toMatch(
      /^stoa agent ack-emitter: rpc unreachable at http:\/\/127\.0\.0\.1:9\//,
    );
    expect(unreachable.stderr + unreachable.stdout).not.toContain('secret');
    expect(wrongChain.code).toBe(ExitCode.fatal);
    expect(line(wrongChain)).toMatch(
      /wrong chain: rpc .* reports chain id 31337, config chain\.chain_id is 1$/,
    );
    expect(missingContract.code).toBe(ExitCode.fatal);
    expect(line(missingContract)).toMatch(
      /missing contract: no code at 0xde(de)+ \(contracts\.emitter\.address\)/,
    );
    expect(missingKey.code).toBe(ExitCode.fatal);
    expect(line(missingKey)).toMatch(/STOA_PRIVATE_KEY .* is not set/);
    expect(help.code).toBe(ExitCode.ok);
    expect(help.stdout).toContain('--config <file>');
  });
});
