#!/usr/bin/env node
// Provisions what `npm start`, `npm test` and `npm run bench` need before they run, so that the
// README's two commands work on a fresh machine with only Node:
//
//   node bin/provision.mjs [redis] [chromium] [build]
//
//   redis     redis-server on the PATH, unless REDIS_URL points at a server
//   chromium  Debian's chromium for the dashboard's browser tests, unless CHROMIUM_PATH is set
//   build     forge build and the typed ABIs (agents/generated/), when missing or older than a
//             contract, the forge config or the wagmi config
//
// Missing system packages are installed from Debian with apt-get when running as root (progress
// shown); otherwise it stops with one line that says what to run. Exit code 0 when everything is
// there, 1 otherwise.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const command = process.env.npm_lifecycle_event ? `npm ${scriptName()}` : 'provision';

function scriptName() {
  const event = process.env.npm_lifecycle_event;
  return event === 'start' || event === 'test' ? event : `run ${event}`;
}

function fail(message) {
  console.error(`${command}: ${message}`);
  process.exit(1);
}

function say(message) {
  console.log(`${command}: ${message}`);
}

/** Whether `name` is an executable file on the PATH. */
function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

let aptUpdated = false;
/** Installs Debian `pkg` with apt-get, its progress on stdout; false when that is not possible. */
function aptInstall(pkg, why) {
  if (process.getuid?.() !== 0 || !onPath('apt-get')) return false;
  say(`installing ${pkg} (Debian package, ${why})...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
  if (!aptUpdated) {
    if (!run(['update', '-q'])) fail(`apt-get update failed; install ${pkg} by hand`);
    aptUpdated = true;
  }
  if (!run(['install', '-y', '-q', '--no-install-recommends', pkg])) fail(`apt-get could not install ${pkg}`);
  say(`${pkg} installed`);
  return true;
}

function redis() {
  if (process.env.REDIS_URL || onPath('redis-server')) return;
  if (aptInstall('redis-server', 'for the BullMQ queues') && onPath('redis-server')) return;
  fail(
    "redis-server is missing: run 'sudo apt-get install -y redis-server' (or your system's package), or set REDIS_URL to a Redis server",
  );
}

function chromium() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (existsSync(configured)) return;
    fail(`CHROMIUM_PATH=${configured} does not exist: point it at a Chromium or Chrome binary, or unset it`);
  }
  if (existsSync('/usr/bin/chromium')) return;
  if (aptInstall('chromium', 'for the dashboard browser tests') && existsSync('/usr/bin/chromium')) return;
  fail(
    "chromium is missing for the dashboard's browser tests: run 'sudo apt-get install -y chromium', or set CHROMIUM_PATH to a Chromium or Chrome binary",
  );
}

/** Newest modification time (ms) of the files under `dir` whose name ends with `suffix`. */
function newest(dir, suffix) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(suffix)) continue;
    latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

function build() {
  const generated = join(root, 'agents', 'generated', 'abis.ts');
  const inputs = Math.max(
    newest(join(root, 'contracts'), '.sol'),
    statSync(join(root, 'foundry.toml')).mtimeMs,
    statSync(join(root, 'wagmi.config.ts')).mtimeMs,
  );
  if (existsSync(generated) && statSync(generated).mtimeMs >= inputs) return;
  say(
    existsSync(generated)
      ? 'contracts changed: building...'
      : 'first run: building the contracts and typed ABIs...',
  );
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail('the build failed (see above); fix it and run again');
}

const steps = { redis, chromium, build };
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in steps));
if (unknown.length > 0)
  fail(`unknown step(s) ${unknown.join(', ')}; known: ${Object.keys(steps).join(', ')}`);
for (const name of wanted) steps[name]();
