/**
 * `npm run bench [-- <name> ...]`: runs every TypeScript benchmark (bench/*.bench.ts), or only the
 * named ones, one after the other, and writes bench/results/<name>.json for each figure.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { oneLine } from '../agents/stack/progress.js';
import { type Benchmark, writeResult } from './result.js';

const wanted = process.argv.slice(2);
const files = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.ts'));
const benchmarks: Benchmark[] = [];
for (const file of files) {
  const module = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as {
    default: Benchmark[];
  };
  benchmarks.push(...module.default);
}
const unknown = wanted.filter((name) => !benchmarks.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
for (const bench of benchmarks) {
  if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
  console.log(`running ${bench.name}...`);
  try {
    const results = await bench.run();
    for (const result of Array.isArray(results) ? results : [results]) writeResult(result);
  } catch (error) {
    // One line, not a stack trace: the services a benchmark started are stopped as it exits.
    console.error(`benchmark ${bench.name} failed: ${oneLine(error)}`);
    process.exit(1);
  }
}
