import { describe, expect, it } from 'vitest';
import { redisConnection } from '../../agents/runtime/queue.js';
import { startRedisCluster } from './redis-cluster.js';

describe('redis cluster helper', () => {
  it('starts 3 masters with a replica each and fails a master over to its replica', async () => {
    const cluster = await startRedisCluster();
    const redis = redisConnection({
      redis: { url: 'redis://unused:1', prefix: 'stoa' },
      redis_cluster: { nodes: cluster.nodes, tls: false },
    });
    try {
      expect(cluster.nodes).toHaveLength(6);
      await redis.set('{stoa}:probe', 'kept');
      await redis.wait(1, 2_000);
      const killed = await cluster.killMaster('{stoa}:probe');
      expect(cluster.nodes).toContain(killed);
      expect(await redis.get('{stoa}:probe')).toBe('kept');
    } finally {
      redis.disconnect();
      await cluster.stop();
    }
  });
});
