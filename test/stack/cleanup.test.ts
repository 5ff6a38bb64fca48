/**
 * Nothing left behind: a run that fails stops every process it started. A test file whose setup
 * fails after starting anvil and redis-server (run in a vitest of its own), and `npm start` whose
 * Redis step fails after it started anvil, leave no process running.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../agents/stack/services.js';

const root = join(import.meta.dirname, '..', '..');

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(command, args, { cwd: root, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Whether `pid` is a live process (a zombie waiting to be reaped is not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits up to `ms` for every pid to be gone; returns those still alive. */
async function survivors(pids: number[], ms = 5_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

describe('a failed run leaves no process behind', () => {
  it('a test file whose setup fails stops its anvil and redis-server', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'stoa-cleanup-')), 'pids');
    const env = { ...process.env, STOA_CLEANUP_PIDS: pidFile, REDIS_URL: '' };
    const { code, out } = await run(
      process.execPath,
      [
        join(root, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        'test/stack/fixtures/vitest.config.ts',
      ],
      env,
    );
    expect(out).toMatch(/setup fails on purpose/);
    expect(code).not.toBe(0);
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    expect(pids).toHaveLength(2);
    expect(await survivors(pids)).toEqual([]);
  });

  it('npm start whose Redis step fails stops the anvil it started and says why in one line', async () => {
    const port = await freePort();
    const env = { ...process.env, PATH: '', REDIS_URL: '', NO_COLOR: '1' };
    const { code, out } = await run(
      process.execPath,
      ['--import', 'tsx', 'agents/stack/start.ts', '--once', '--rpc-port', String(port)],
      env,
    );
    expect(out).toMatch(/redis-server is not installed/);
    expect(out).not.toMatch(/at .*\.ts:\d+/);
    expect(code).toBe(1);
    const listening = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    expect(listening).toBe(false);
  }, 60_000);
});
