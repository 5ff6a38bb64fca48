/**
 * What the real dashboard exposes, against a real anvil and redis-server: a page of another site
 * that points its name at 127.0.0.1 (DNS rebinding) gets 421 on every page and on the queue API;
 * the queues are read-only by default (a forged task cannot be added to an agent's queue), writes
 * need a password; every answer forbids framing and MIME sniffing and names no framework.
 */
import { request } from 'node:http';
import { Queue } from 'bullmq';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from '../../agents/dashboard/index.js';
import { type Service, startAnvil, startRedis } from '../../agents/stack/services.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let anvil: Service;
let redis: Service;
let queue: Queue;
let dashboard: Dashboard;

/** One request with the given Host header (fetch cannot set it). */
function call(
  path: string,
  { host, method = 'GET', body }: { host: string; method?: string; body?: unknown },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: dashboard.port,
        path,
        method,
        headers: { host, ...(data ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const QUEUE = encodeURIComponent('stoa:basket-keeper');
const forgedTask = {
  name: 'bid',
  data: {
    kind: 'task',
    name: 'bid',
    id: 'forged',
    data: { basket: '0x000000000000000000000000000000000000dEaD', index: 0 },
  },
  options: {},
};

beforeAll(async () => {
  [anvil, redis] = await Promise.all([startAnvil(), startRedis()]);
  queue = new Queue('basket-keeper', { connection: { url: redis.url }, prefix: 'stoa' });
  await queue.add('accrue', { kind: 'task', name: 'accrue', id: 'x', data: {} });
  dashboard = await startDashboard({
    rpcUrl: anvil.url,
    redisUrl: redis.url,
    deployment: {},
    logLevel: 'silent',
  });
}, 120_000);

afterAll(async () => {
  await dashboard?.close();
  await queue?.close();
  await Promise.all([anvil?.stop(), redis?.stop()]);
});

describe('dashboard exposure', () => {
  it('answers only to its own host names (421 to a rebound name)', async () => {
    const rebound = `rebind.attacker.example:${dashboard.port}`;
    for (const path of ['/', '/queues', '/queues/api/queues'])
      expect((await call(path, { host: rebound })).status).toBe(421);
    expect(
      (await call(`/queues/api/queues/${QUEUE}/add`, { host: rebound, method: 'POST', body: forgedTask }))
        .status,
    ).toBe(421);
    for (const host of [`127.0.0.1:${dashboard.port}`, `localhost:${dashboard.port}`])
      expect((await call('/', { host })).status).toBe(200);
  });

  it('keeps the queues read-only by default: no job can be added', async () => {
    const host = `127.0.0.1:${dashboard.port}`;
    const before = await queue.count();
    const added = await call(`/queues/api/queues/${QUEUE}/add`, { host, method: 'POST', body: forgedTask });
    expect(added.status).toBe(405);
    for (const action of ['clean/completed', 'retry/failed', 'obliterate', 'pause'])
      expect((await call(`/queues/api/queues/${QUEUE}/${action}`, { host, method: 'PUT' })).status).toBe(405);
    expect(await queue.count()).toBe(before);
    expect(await queue.getJob('forged')).toBeUndefined();
    // Reads still work.
    expect((await call('/queues/api/queues', { host })).status).toBe(200);
  });

  it('needs a password for writable queues', async () => {
    await expect(
      startDashboard({ rpcUrl: anvil.url, redisUrl: redis.url, deployment: {}, queuesReadOnly: false }),
    ).rejects.toThrow(/^dashboard: refusing writable queues without authentication/);
  });

  it('forbids framing and sniffing and does not name its framework', async () => {
    for (const path of ['/', '/queues', '/queues/api/queues', '/nope']) {
      const { headers } = await call(path, { host: `127.0.0.1:${dashboard.port}` });
      expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-powered-by']).toBeUndefined();
    }
  });

  it('still renders bull-board and the pages in Chromium under its Content-Security-Policy', async () => {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const blocked: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text()) && !/fonts\.googleapis/.test(m.text()))
          blocked.push(m.text());
      });
      await page.goto(`${dashboard.url}/queues`);
      await page.getByText('stoa:basket-keeper').first().waitFor({ timeout: 15_000 });
      await page.goto(`${dashboard.url}/`);
      expect(await page.textContent('main')).toContain('stoa:basket-keeper');
      expect(blocked).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('keeps the RPC URL key out of its errors', async () => {
    await expect(
      startDashboard({
        rpcUrl: 'http://127.0.0.1:9/v2/SECRET-PROVIDER-KEY',
        redisUrl: redis.url,
        deployment: {},
      }),
    ).rejects.toThrow(/^dashboard: cannot reach the chain at http:\/\/127\.0\.0\.1:9\/\*\*\*: (?!.*SECRET)/);
  });
});
