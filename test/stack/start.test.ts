import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function runStart(args: string[]) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'agents/stack/start.ts', ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm start -- --once', () => {
  it('deploys the platform, runs every scenario step and exits 0', async () => {
    const { code, out } = await runStart(['--once', '--rpc-port', '0']);
    expect(out).not.toMatch(/FAILED/);
    expect(out).toMatch(/steps ok$/m);
    expect(code).toBe(0);
  }, 600_000);

  it('rejects an unknown scenario with a one-line error', async () => {
    const { code, out } = await runStart(['--scenario', 'bogus']);
    expect(code).not.toBe(0);
    expect(out).toMatch(/Allowed choices are all, none/);
    expect(out).not.toMatch(/at .*\.ts:\d+/);
  });
});
