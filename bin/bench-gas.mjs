#!/usr/bin/env node
// Regenerates every gas snapshot (snapshots/*.json): `forge test --isolate --match-test gas`, so
// each figure is a whole transaction. With --check, compares with the committed figures instead
// (FORGE_SNAPSHOT_CHECK) and fails when one differs: forge itself reports the difference but
// exits 0.
import { spawn } from 'node:child_process';

const check = process.argv.includes('--check');
const env = { ...process.env, ...(check ? { FORGE_SNAPSHOT_CHECK: 'true' } : {}) };
const child = spawn('forge', ['test', '--isolate', '--match-test', 'gas'], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let differs = false;
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (chunk) => {
    if (/Snapshots differ/.test(chunk.toString())) differs = true;
    (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
  });
}
child.on('close', (code) => {
  if (check && differs) {
    console.error(
      'gas snapshots differ from snapshots/*.json: run `npm run bench:gas` and commit the result',
    );
    process.exit(1);
  }
  process.exit(code ?? 1);
});
