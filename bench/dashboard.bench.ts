/**
 * `dashboard-render`: server time to render each dashboard page over HTTP with the demo data
 * (test/dashboard/fixture.ts: token, governance with following, an oracle question). For each
 * page: the first render (events read from block 0) and p50/p99 of 20 later renders (the event
 * index only reads new blocks). `value` = the proposals page's warm p50 (the page with the most
 * chain reads); `reference` = its cold p50 (a fresh dashboard each time, 5 runs), measured in the
 * same run. Every page's figures are in `pages`.
 */
import { type Dashboard, demoLabels, startDashboard } from '../agents/dashboard/index.js';
import { startDemoStack } from '../test/dashboard/fixture.js';
import { type Benchmark, percentile } from './result.js';

const PAGES = ['/', '/proposals', '/questions', '/baskets', '/mpc', '/agents'];
const WARM_RUNS = 20;
const COLD_RUNS = 5;

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return performance.now() - started;
}

async function dashboardRender() {
  const stack = await startDemoStack();
  const start = (): Promise<Dashboard> =>
    startDashboard({
      rpcUrl: stack.rpcUrl,
      redisUrl: stack.redisUrl,
      deployment: stack.deployment,
      agents: [{ name: stack.keeper.name, url: stack.keeper.httpUrl }],
      labels: demoLabels(),
      logLevel: 'silent',
    });
  try {
    const dashboard = await start();
    const pages: Record<string, { cold_ms: number; p50_ms: number; p99_ms: number }> = {};
    try {
      for (const path of PAGES) {
        const cold = await timed(`${dashboard.url}${path}`);
        const warm: number[] = [];
        for (let i = 0; i < WARM_RUNS; i++) warm.push(await timed(`${dashboard.url}${path}`));
        pages[path] = { cold_ms: cold, p50_ms: percentile(warm, 50), p99_ms: percentile(warm, 99) };
      }
    } finally {
      await dashboard.close();
    }
    const main = '/proposals';
    const figures = pages[main]!;
    const cold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const fresh = await start();
      try {
        cold.push(await timed(`${fresh.url}${main}`));
      } finally {
        await fresh.close();
      }
    }
    const reference = percentile(cold, 50);
    return {
      name: 'dashboard-render',
      unit: 'ms',
      value: figures.p50_ms,
      reference,
      ratio: figures.p50_ms / reference,
      page: main,
      pages,
      params: {
        head_block: Number(await stack.ctx.client.getBlockNumber({ cacheTime: 0 })),
        warm_runs: WARM_RUNS,
        cold_runs: COLD_RUNS,
      },
    };
  } finally {
    await stack.stop();
  }
}

export default [{ name: 'dashboard-render', run: dashboardRender }] satisfies Benchmark[];
