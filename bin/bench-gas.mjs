#!/usr/bin/env node
// Regenerates every gas snapshot (snapshots/*.json): `forge test --isolate --match-test gas`, so
// each figure is a whole transaction. With --check, fails when a figure differs from the
// committed one instead of rewriting it (FORGE_SNAPSHOT_CHECK).
import { spawnSync } from 'node:child_process';

const check = process.argv.includes('--check');
const env = { ...process.env, ...(check ? { FORGE_SNAPSHOT_CHECK: 'true' } : {}) };
const run = spawnSync('forge', ['test', '--isolate', '--match-test', 'gas'], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
