/**
 * A real Redis Cluster for tests and benchmarks: 3 masters and 3 replicas, each a `redis-server
 * --cluster-enabled yes` on a free loopback port, joined by `redis-cli --cluster create
 * --cluster-replicas 1`. Its processes are services (agents/stack/services.ts): none outlives the
 * run. `killMaster(key)` SIGKILLs the master serving `key`'s slot and resolves once its replica
 * was promoted and the cluster is whole again.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnService, stopProcess } from '../../agents/stack/services.js';

const run = promisify(execFile);

export type RedisCluster = {
  /** `host:port` of every node (what `redis_cluster.nodes` takes). */
  nodes: string[];
  /** SIGKILLs the master of `key`'s slot; resolves with its address once a replica took over. */
  killMaster: (key: string) => Promise<string>;
  stop: () => Promise<void>;
};

const cli = async (port: number, ...args: string[]) =>
  (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`redis cluster: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One line per node of `CLUSTER NODES`, as seen by the node on `port`. */
async function clusterNodes(port: number) {
  const text = await cli(port, 'cluster', 'nodes');
  return text.split('\n').map((line) => {
    const [id, address, flags, master, , , , link, ...slots] = line.split(' ');
    return {
      id: id!,
      port: Number(address!.split('@')[0]!.split(':')[1]),
      master: flags!.includes('master'),
      failed: flags!.includes('fail'),
      of: master!,
      connected: link === 'connected',
      slots,
    };
  });
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-redis-cluster-'));
  const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const processes = new Map<number, ChildProcess>();
  for (const port of ports) {
    const child = spawnService(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-node-timeout',
        '2000',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    processes.set(port, child);
  }
  const stop = async () => {
    await Promise.all([...processes.values()].map((child) => stopProcess(child, 2_000)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      ports.map((port) => until(async () => (await cli(port, 'ping')) === 'PONG', 'the nodes')),
    );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await whole(ports);
  } catch (error) {
    await stop();
    throw error;
  }

  /** Every live node says the cluster is ok, and every replica has synced with its master. */
  async function whole(live: number[]) {
    await until(async () => {
      for (const port of live) {
        const info = await cli(port, 'cluster', 'info');
        if (!info.includes('cluster_state:ok')) return false;
        const replication = await cli(port, 'info', 'replication');
        if (replication.includes('role:slave') && !replication.includes('master_link_status:up'))
          return false;
      }
      return true;
    }, 'the cluster to be whole');
  }

  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`),
    stop,
    killMaster: async (key) => {
      const live = [...processes.keys()];
      const slot = Number(await cli(live[0]!, 'cluster', 'keyslot', key));
      const owner = (await clusterNodes(live[0]!)).find(
        (node) =>
          node.master &&
          !node.failed &&
          node.slots.some((range) => {
            const [a, b = a] = range.split('-').map(Number);
            return slot >= a! && slot <= b!;
          }),
      )!;
      const child = processes.get(owner.port)!;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      processes.delete(owner.port);
      const rest = [...processes.keys()];
      // A replica of the dead master is promoted (cluster-node-timeout 2 s, then the election).
      await until(async () => {
        const nodes = await clusterNodes(rest[0]!);
        return nodes.some(
          (node) =>
            node.master &&
            !node.failed &&
            node.port !== owner.port &&
            node.slots.some((range) => {
              const [a, b = a] = range.split('-').map(Number);
              return slot >= a! && slot <= b!;
            }),
        );
      }, 'a replica to take over');
      await whole(rest);
      return `127.0.0.1:${owner.port}`;
    },
  };
}
