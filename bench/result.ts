/** One benchmark figure, as BENCHMARKS.md defines it; written to bench/results/<name>.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export type BenchResult = {
  name: string;
  unit: string;
  value: number;
  reference?: number;
  ratio?: number;
  params: Record<string, unknown>;
  [extra: string]: unknown;
};

/** A benchmark module: `bench/<file>.bench.ts` default-exports a list of these. */
export type Benchmark = { name: string; run: () => Promise<BenchResult | BenchResult[]> };

export const resultsDir = join(import.meta.dirname, 'results');

/** The machine, for every result's params. */
export function machine() {
  return { cpus: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function writeResult(result: BenchResult): void {
  mkdirSync(resultsDir, { recursive: true });
  const full = { ...result, params: { ...machine(), ...result.params } };
  writeFileSync(join(resultsDir, `${result.name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  const extra =
    result.ratio !== undefined ? ` (reference ${round(result.reference)}, ratio ${round(result.ratio)})` : '';
  console.log(`${result.name}: ${round(result.value)} ${result.unit}${extra}`);
}

/** p-th percentile (0..100) of a list of numbers, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function round(x: number | undefined) {
  return x === undefined ? '' : Number(x.toPrecision(4));
}
