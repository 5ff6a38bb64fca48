#!/usr/bin/env node
// Runs after `npm install`: links the Solidity libraries that npm installed into lib/ so that
// imports read as in any Foundry project (`forge-std/Test.sol`, `@openzeppelin/contracts/...`).
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const links = {
  'lib/forge-std': 'node_modules/@layerzerolabs/toolbox-foundry/lib/forge-std',
  'lib/openzeppelin-contracts': 'node_modules/@openzeppelin/contracts',
};

mkdirSync(join(root, 'lib'), { recursive: true });
for (const [link, target] of Object.entries(links)) {
  const from = join(root, link);
  const to = join(root, target);
  if (!existsSync(to)) {
    console.error(`postinstall: ${target} is missing; run npm install again`);
    process.exit(1);
  }
  if (lstatSync(from, { throwIfNoEntry: false })) rmSync(from, { recursive: true, force: true });
  symlinkSync(relative(dirname(from), to), from, 'dir');
}
