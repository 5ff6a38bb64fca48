import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('npm start -- --once --hostile-rpc', () => {
  it('runs every scenario step through the worst public provider and exits 0', async () => {
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'agents/stack/start.ts', '--once', '--rpc-port', '0', '--hostile-rpc'],
        { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
    if (code !== 0) console.log(out.slice(-20_000));
    expect(out).toMatch(/start the hostile RPC proxy in front of anvil/);
    expect(out).not.toMatch(/FAILED/);
    expect(out).toMatch(/steps ok$/m);
    expect(code).toBe(0);
  }, 900_000);
});
