/**
 * The dashboard in headless Chromium against a running slice of the demonstration: every page
 * loads and shows what is on the chain (names, numbers) and in Redis; a screenshot per page goes
 * to `.stoa/screenshots/`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, demoLabels, startDashboard } from '../../agents/dashboard/index.js';
import { repoRoot } from '../../agents/stack/deploy.js';
import { type DemoStack, startDemoStack } from './fixture.js';

const screenshots = join(repoRoot, '.stoa', 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let stack: DemoStack;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(chromiumPath))
    throw new Error(
      `chromium not found at ${chromiumPath}: run 'node bin/provision.mjs chromium' or set CHROMIUM_PATH`,
    );
  stack = await startDemoStack();
  dashboard = await startDashboard({
    rpcUrl: stack.rpcUrl,
    redisUrl: stack.redisUrl,
    deployment: stack.deployment,
    agents: [
      { name: stack.keeper.name, url: stack.keeper.httpUrl },
      // An agent that is not running: the page must say so rather than fail.
      { name: 'stopped-agent', url: 'http://127.0.0.1:9' },
    ],
    labels: demoLabels(),
    logLevel: 'silent',
  });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  mkdirSync(screenshots, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await stack?.stop();
});

/** Opens `path`, checks the status, saves a screenshot; returns the page's visible text. */
async function visit(path: string, name: string): Promise<string> {
  const response = await page.goto(`${dashboard.url}${path}`);
  expect(response?.status()).toBe(200);
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text (table cells tab-separated) is what a reader sees
  return page.innerText('main');
}

const rows = async (selector: string) =>
  page.$$eval(selector, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
  );

describe('dashboard', () => {
  it('overview: the chain, every deployed contract and the agents’ queues', async () => {
    const text = await visit('/', 'overview');
    const head = await stack.ctx.client.getBlockNumber({ cacheTime: 0 });
    expect(text).toContain(`Chain id 31337, head block ${head}`);
    for (const [name, address] of Object.entries(stack.deployment))
      expect(text).toContain(`${name}\t${address}`);
    expect(text).toMatch(/stoa:cascade-keeper\t0\t0\t0\t[1-9]\d*\t0/);
  });

  it('proposals: neurons, the follow graph and who decided each derived vote', async () => {
    const text = await visit('/proposals', 'proposals');
    expect(await rows('section:first-of-type tbody tr')).toEqual([
      ['aliceNewWallet#1', 'aliceNewWallet', '100', '2920', 'no', expect.any(String)],
      ['bob#2', 'bob', '50', '365', 'no', expect.any(String)],
      // Carol's rejected proposal's fee (10) was kept from her neuron's stake.
      ['carol#3', 'carol', '190', '180', 'no', expect.any(String)],
    ]);
    // An arrow per followee and topic: bob -> alice (TokenCompliance and catch-all), carol -> alice, carol -> bob.
    expect(await page.locator('svg[aria-label="follow graph"] line').count()).toBe(4);
    expect(text).toContain('carol#3\tTokenCompliance\taliceNewWallet#1, bob#2');
    expect(text).toContain('Proposal 1: ipfs://stoa-demo/proposal-1.md');
    expect(text).toMatch(/Status executed: yes 468, no 0 of 468/);
    // Bob's and Carol's votes come from their neuron clients (a vote by the hot key) or from the
    // cascade keeper (a resolved follower, with the followees that decided it), whichever is first.
    expect(await rows('section.proposal:has-text("Proposal 1:") tbody tr')).toEqual([
      ['aliceNewWallet#1', 'yes', '200', 'direct vote', expect.any(String)],
      [
        'bob#2',
        'yes',
        '56',
        expect.stringMatching(/^(direct vote|following, decided by aliceNewWallet#1)$/),
        expect.any(String),
      ],
      [
        'carol#3',
        'yes',
        '212',
        expect.stringMatching(/^(direct vote|following, decided by aliceNewWallet#1, bob#2)$/),
        expect.any(String),
      ],
    ]);
  });

  it('oracle: the question, its rounds and stakes, and the final outcome', async () => {
    const text = await visit('/questions', 'questions');
    expect(text).toContain('Question 1: stoa://nav/STOA/2026-11-23');
    expect(text).toContain('scalar question by deployer, designated reporter mallory');
    expect(text).toMatch(/Status final, outcome 102\.35;\s+total stake 60 REP/);
    expect(await rows('section.question tbody tr')).toEqual([
      ['0 (initial report)', 'mallory (designated)', '95.1', '20', 'yes'],
      ['1', 'watcher1: 25 REP on 102.35; watcher2: 15 REP on 102.35', '102.35', '40', 'yes'],
    ]);
  });

  it('baskets: composition, history and the NAV chart over time', async () => {
    const text = await visit('/baskets', 'baskets');
    expect(text).toContain('Stoa Income Basket (SIB)');
    // 30 issued to Carol and kept, plus the fee minted to Alice.
    expect(text).toMatch(/Status active, supply 3[01]\.\d+, NAV per token 9\d\.\d+/);
    // One share per basket token; the fee (10% a year to Alice) shrinks the units over 150 days.
    const [component] = await rows('section.basket:has-text("(SIB)") table:first-of-type tbody tr');
    expect(component?.[0]).toBe('STOA');
    expect(Number(component?.[1])).toBeGreaterThan(0.9);
    expect(Number(component?.[1])).toBeLessThan(1);
    expect(Number(component?.[2])).toBeGreaterThanOrEqual(30);
    const history = await rows('section.basket:has-text("(SIB)") table:last-of-type tbody tr');
    expect(history.map((r) => r[1])).toEqual([
      'Issued',
      'FeeAccrued',
      'Issued',
      'FeeAccrued',
      'Redeemed',
      'FeeAccrued',
    ]);
    expect(history[0]?.[2]).toBe('40 SIB to carol');
    expect(history[4]?.[2]).toBe('30 SIB by carol');
    // A point per basket event block and one now; the first at the question's NAV, then falling.
    const points = await page.$$eval('svg[aria-label="NAV per token"] circle title', (ts) =>
      ts.map((t) => Number(t.textContent?.split(': ')[1]?.replace(/,/g, ''))),
    );
    expect(points.length).toBeGreaterThanOrEqual(4);
    expect(points[0]).toBe(102.35);
    expect(points.at(-1)!).toBeLessThan(points[0]!);
  });

  it('MPC: the committee with its bonds and the computation with its inputs', async () => {
    const text = await visit('/mpc', 'mpc');
    expect(text).toMatch(/Committee \(epoch [1-9]\d*, threshold [1-9]\)/);
    if (!stack.mpcComputation) return expect(text).toContain('Computations');
    const [ballot] = await rows('section:last-of-type tbody tr');
    expect(ballot?.slice(1, 4)).toEqual(['secret ballot', 'deployer', '2']);
    expect(ballot?.[5]).toBe('collecting');
    const nodes = await rows('section:first-of-type tbody tr');
    expect(nodes.map((n) => n[0])).toEqual(expect.arrayContaining(['mpcNode1', 'mpcNode2', 'mpcNode3']));
  });

  it('agents: health and metrics of a running agent; a stopped one is unreachable', async () => {
    const text = await visit('/agents', 'agents');
    const [keeper, stopped] = await rows('tbody tr');
    expect(keeper?.slice(0, 3)).toEqual(['dashboard-test-cascade-keeper', 'cascade-keeper', 'ok']);
    expect(Number(keeper?.[3])).toBeGreaterThan(0);
    expect(keeper?.[6]).toMatch(/stoa_tx_total\{outcome="mined"\} [1-9]/);
    expect(stopped?.slice(0, 3)).toEqual(['stopped-agent', '', 'unreachable']);
    expect(text).not.toContain('undefined');
  });

  it('queues: bull-board lists the agent’s queue with its completed jobs', async () => {
    await page.goto(`${dashboard.url}/queues`);
    await page.getByText('stoa:cascade-keeper').first().waitFor();
    await page.screenshot({ path: join(screenshots, 'queues.png'), fullPage: true });
    const api = await page.evaluate(async () => (await fetch('/queues/api/queues')).json());
    const queue = (api as { queues: { name: string; counts: Record<string, number> }[] }).queues.find(
      (q) => q.name === 'stoa:cascade-keeper',
    );
    expect(queue?.counts.completed).toBeGreaterThan(0);
    expect(queue?.counts.failed).toBe(0);
  });

  it('a page that cannot read the chain answers 500 with a one-line error; missing layers say "not deployed"', async () => {
    const broken = await startDashboard({
      rpcUrl: stack.rpcUrl,
      redisUrl: stack.redisUrl,
      // A governance address with no contract: reading it fails.
      deployment: {
        governance: '0x000000000000000000000000000000000000dEaD',
        neurons: stack.deployment.neurons!,
      },
      logLevel: 'silent',
    });
    try {
      const response = await fetch(`${broken.url}/proposals`);
      expect(response.status).toBe(500);
      expect(await response.text()).toMatch(/error: .*stakeToken/);
      // Layers missing from the deployment are said to be missing.
      for (const [path, key] of [
        ['/baskets', 'basketFactory'],
        ['/mpc', 'mpcCommittee'],
        ['/questions', 'oracle'],
      ])
        expect(await (await fetch(`${broken.url}${path}`)).text()).toContain(
          `<strong>not deployed</strong>: the deployment has no <code>${key}</code>`,
        );
    } finally {
      await broken.close();
    }
  });

  it('asks for credentials when auth is set, and needs auth to listen beyond loopback', async () => {
    const settings = { rpcUrl: stack.rpcUrl, redisUrl: stack.redisUrl, deployment: stack.deployment };
    await expect(startDashboard({ ...settings, host: '0.0.0.0' })).rejects.toThrow(
      /^dashboard: refusing to listen on 0\.0\.0\.0 without authentication/,
    );
    await expect(startDashboard({ ...settings, auth: { user: 'ops', password: 'short' } })).rejects.toThrow(
      /^dashboard settings: auth\.password: at least 12 characters/,
    );
    const auth = { user: 'ops', password: 'correct horse battery' };
    const guarded = await startDashboard({ ...settings, host: '0.0.0.0', auth, logLevel: 'silent' });
    const basic = (credentials: string) => ({
      headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
    });
    try {
      for (const path of ['/', '/proposals', '/queues', '/queues/api/queues']) {
        const anonymous = await fetch(`${guarded.url}${path}`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="stoa dashboard"/);
        expect((await fetch(`${guarded.url}${path}`, basic('ops:wrong password!'))).status).toBe(401);
        expect((await fetch(`${guarded.url}${path}`, basic('ops:correct horse battery'))).status).toBe(200);
      }
    } finally {
      await guarded.close();
    }
  });

  it('refuses bad settings with a one-line error', async () => {
    await expect(
      startDashboard({ rpcUrl: 'ftp://x', redisUrl: stack.redisUrl, deployment: {} }),
    ).rejects.toThrow(/^dashboard settings: rpcUrl: /);
    await expect(
      startDashboard({ rpcUrl: 'http://127.0.0.1:9', redisUrl: stack.redisUrl, deployment: {} }),
    ).rejects.toThrow(/^dashboard: cannot reach the chain at http:\/\/127\.0\.0\.1:9/);
  });
});
