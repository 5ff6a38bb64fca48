import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  loadConfig,
  loadPrivateKey,
  parseConfig,
  redactUrl,
} from '../../agents/runtime/index.js';

const dir = mkdtempSync(join(tmpdir(), 'stoa-config-'));
const minimal = { chain: { chain_id: 31337, rpc_url: 'http://127.0.0.1:8545' } };
const roleSchema = z.strictObject({ batch: z.number().int().default(10) });
const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('applies defaults to a minimal file, including the role section', () => {
    const config = parseConfig({ raw: minimal, roleSchema });
    expect(config.ingest.confirmations).toBe(2);
    expect(config.queue.attempts).toBe(8);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.role).toEqual({ batch: 10 });
  });

  it('lets STOA__SECTION__KEY variables override the file', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ ...minimal, ingest: { confirmations: 4 } }));
    const config = loadConfig({
      file,
      roleSchema,
      env: {
        STOA__INGEST__CONFIRMATIONS: '9',
        STOA__CHAIN__RPC_URL: 'http://node:8545',
        STOA__ROLE__BATCH: '3',
      },
    });
    expect(config.ingest.confirmations).toBe(9);
    expect(config.chain.rpc_url).toBe('http://node:8545');
    expect(config.role.batch).toBe(3);
  });

  it('takes a remote RPC and a managed Redis (TLS, password) from the environment', () => {
    const file = join(dir, 'remote.json');
    writeFileSync(file, JSON.stringify(minimal));
    const config = loadConfig({
      file,
      roleSchema,
      env: {
        STOA__CHAIN__RPC_URL: 'https://rpc.example.com/v2/secret-key',
        STOA__CHAIN__WS_URL: 'wss://rpc.example.com/v2/secret-key',
        STOA__REDIS__URL: 'rediss://default:p4ss@redis.example.com:6380/0',
        STOA__REDIS__PREFIX: 'acme',
      },
    });
    expect(config.chain.ws_url).toBe('wss://rpc.example.com/v2/secret-key');
    expect(config.redis).toEqual({ url: 'rediss://default:p4ss@redis.example.com:6380/0', prefix: 'acme' });
    expect(redactUrl(config.redis.url)).toBe('rediss://redis.example.com:6380/0');
    expect(redactUrl(config.chain.rpc_url)).toBe('https://rpc.example.com/***');
    expect(
      errorOf(() => parseConfig({ raw: { ...minimal, redis: { url: 'http://redis:6379' } }, roleSchema })),
    ).toMatch(/redis\.url/);
  });

  it('names every bad field and why, on one line', () => {
    const message = errorOf(() =>
      parseConfig({
        raw: {
          chain: { chain_id: 0, rpc_url: 'ftp://x' },
          ingest: { confirmation: 1 },
          sweep: { cron: 'often' },
        },
        roleSchema,
      }),
    );
    expect(message).not.toContain('\n');
    expect(message).toMatch(/chain\.chain_id: Too small/);
    expect(message).toMatch(/chain\.rpc_url: Invalid URL/);
    expect(message).toMatch(/ingest: Unrecognized key: "confirmation"/);
    expect(message).toMatch(/sweep\.cron: not a valid cron expression/);
  });

  it('reports an unreadable or malformed file', () => {
    expect(errorOf(() => loadConfig({ file: join(dir, 'none.json'), roleSchema, env: {} }))).toMatch(
      /cannot read .*none\.json \(ENOENT\)/,
    );
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ chain: ');
    expect(errorOf(() => loadConfig({ file, roleSchema, env: {} }))).toMatch(/bad\.json is not valid JSON/);
  });

  it('reads the key from a file or the environment and never echoes it', () => {
    const key = `0x${'ab'.repeat(32)}`;
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, `${key.slice(2)}\n`, { mode: 0o600 });
    const sender = parseConfig({ raw: minimal, roleSchema }).sender;
    expect(loadPrivateKey({ sender: { ...sender, key_file: keyFile }, env: {} })).toBe(key);
    expect(loadPrivateKey({ sender, env: { STOA_PRIVATE_KEY: key } })).toBe(key);
    const message = errorOf(() => loadPrivateKey({ sender, env: { STOA_PRIVATE_KEY: `${key}ff` } }));
    expect(message).toMatch(/STOA_PRIVATE_KEY .* does not hold a 32-byte hex private key/);
    expect(message).not.toContain('abab');
  });

  it('takes a Redis Cluster (nodes, password from the environment, TLS) and checks its nodes', () => {
    const config = loadConfig({
      file: undefined,
      roleSchema,
      env: {
        STOA__CHAIN__CHAIN_ID: '1',
        STOA__CHAIN__RPC_URL: 'https://rpc.example',
        STOA__REDIS_CLUSTER__NODES: '["10.0.0.1:6379","redis-2.internal:6380"]',
        STOA__REDIS_CLUSTER__PASSWORD: 'secret',
        STOA__REDIS_CLUSTER__TLS: 'true',
      },
    });
    expect(config.redis_cluster).toEqual({
      nodes: ['10.0.0.1:6379', 'redis-2.internal:6380'],
      password: 'secret',
      tls: true,
    });
    expect(parseConfig({ raw: minimal, roleSchema }).redis_cluster).toBeUndefined();
    expect(
      errorOf(() => parseConfig({ raw: { ...minimal, redis_cluster: { nodes: ['10.0.0.1'] } }, roleSchema })),
    ).toMatch(/redis_cluster\.nodes\.0: expected host:port/);
    expect(
      errorOf(() => parseConfig({ raw: { ...minimal, redis_cluster: { nodes: [] } }, roleSchema })),
    ).toMatch(/redis_cluster\.nodes: expected at least one host:port/);
  });
});
