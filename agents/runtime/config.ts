/**
 * Agent configuration: a pure, validated function of a JSON file and the environment.
 * Every setting is documented in README.md. Errors name the field and why, on one line.
 */
import { readFileSync, statSync } from 'node:fs';
import { validate as isCron } from 'node-cron';
import { isHex } from 'viem';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { logLevels } from './log.js';
import { hexAddress as address } from './schemas.js';

const int = (min = 0) => z.number().int().min(min);

/** An amount in wei: a decimal string (or a safe integer, as env overrides parse), kept as a string. */
const wei = z
  .union([
    z.string().regex(/^\d+$/, 'expected an amount in wei such as "500000000000"'),
    z.number().int().min(0),
  ])
  .transform(String);

export const contractConfigSchema = z.strictObject({
  address,
  start_block: int().default(0),
});

export const baseConfigSchema = z.strictObject({
  chain: z.strictObject({
    chain_id: int(1),
    rpc_url: z.url({ protocol: /^https?$/ }),
    rpc_urls: z.array(z.url({ protocol: /^https?$/ })).default([]),
    rank_interval_ms: int(100).default(10_000),
    ws_url: z.url({ protocol: /^wss?$/ }).optional(),
    startup_attempts: int(1).default(5),
    request_timeout_ms: int(100).default(10_000),
  }),
  redis: z
    .strictObject({
      url: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
      prefix: z
        .string()
        .regex(/^[a-z0-9_-]+$/, 'expected lower-case letters, digits, _ or -')
        .default('stoa'),
    })
    .prefault({}),
  /** A Redis Cluster instead of `redis.url` (which is then unused); `redis.prefix` still applies. */
  redis_cluster: z
    .strictObject({
      nodes: z
        .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'))
        .min(1, 'expected at least one host:port'),
      username: z.string().optional(),
      password: z.string().optional(),
      tls: z.boolean().default(false),
    })
    .optional(),
  contracts: z.record(z.string(), contractConfigSchema).default({}),
  ingest: z
    .strictObject({
      confirmations: int().default(2),
      poll_interval_ms: int(10).default(1_000),
      max_block_range: int(1).default(2_000),
      min_block_range: int(1).default(1),
      max_logs_per_step: int(1).default(5_000),
      reorg_window: int(1).default(256),
      backoff_max_ms: int(10).default(30_000),
    })
    .prefault({}),
  queue: z
    .strictObject({
      concurrency: int(1).default(16),
      attempts: int(1).default(8),
      backoff_ms: int(0).default(1_000),
      lock_ms: int(500).default(30_000),
      max_stalled: int(0).default(10),
      keep_completed_s: int(1).default(86_400),
      keep_completed: int(1).default(100_000),
    })
    .prefault({}),
  sweep: z
    .strictObject({
      enabled: z.boolean().default(true),
      cron: z
        .string()
        .refine((value) => isCron(value), 'not a valid cron expression')
        .default('*/30 * * * * *'),
    })
    .prefault({}),
  sender: z
    .strictObject({
      key_env: z.string().default('STOA_PRIVATE_KEY'),
      key_file: z.string().optional(),
      confirmations: int(1).default(1),
      poll_interval_ms: int(10).default(500),
      stuck_after_ms: int(100).default(30_000),
      fee_bump_percent: int(10).default(20),
      /** Most this key offers per gas (wei): first versions are signed at most at it, replacements stop there. */
      max_fee_per_gas: wei.default('500000000000'),
      /** Most priority fee (tip) per gas (wei), likewise. */
      max_priority_fee_per_gas: wei.default('50000000000'),
      gas_margin_percent: int(0).default(20),
      action_lock_ms: int(500).default(10_000),
      record_ttl_s: int(60).default(2_592_000),
    })
    .prefault({}),
  http: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1'),
      port: int().max(65_535).default(9464),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(logLevels).default('info') }).prefault({}),
  shutdown_grace_ms: int(0).default(10_000),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export type AgentConfig<TRole = unknown> = BaseConfig & { role: TRole };

/** Environment variables `STOA__<SECTION>__<KEY>` override the file (see README.md). */
export const envPrefix = 'STOA__';

export type LoadConfigArgs<TSchema extends z.ZodType> = {
  /** Path of the JSON config file; omitted: only defaults and the environment. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** The role's own settings, found under `role` in the file. */
  roleSchema: TSchema;
};

export function loadConfig<TSchema extends z.ZodType>({
  file,
  env = process.env,
  roleSchema,
}: LoadConfigArgs<TSchema>): AgentConfig<z.infer<TSchema>> {
  const raw = file === undefined ? {} : readConfigFile(file);
  applyEnv(raw, env);
  return parseConfig({ raw, roleSchema, source: file ?? 'environment' });
}

export function parseConfig<TSchema extends z.ZodType>({
  raw,
  roleSchema,
  source = 'config',
}: {
  raw: unknown;
  roleSchema: TSchema;
  source?: string;
}): AgentConfig<z.infer<TSchema>> {
  const schema = baseConfigSchema.extend({ role: roleSchema });
  const parsed = schema.safeParse(withRoleDefault(raw));
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigError(`config error (${source}): ${issues.join('; ')}`);
  }
  return parsed.data as AgentConfig<z.infer<TSchema>>;
}

function withRoleDefault(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && !('role' in raw)) return { ...raw, role: {} };
  return raw;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`config error: cannot read ${file} (${code})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config error: ${file} is not valid JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`config error: ${file} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** `STOA__CHAIN__RPC_URL=http://...` sets `chain.rpc_url`; values that parse as JSON are used as such. */
function applyEnv(target: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(envPrefix) || value === undefined) continue;
    const path = name.slice(envPrefix.length).toLowerCase().split('__');
    let node = target;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      node[key] = next && typeof next === 'object' && !Array.isArray(next) ? next : {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1)!] = parseEnvValue(value);
  }
}

function parseEnvValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The signing key: from the file `sender.key_file` when set, else from the environment variable
 * named by `sender.key_env`. The key never appears in an error or a log line.
 */
/**
 * The text of a key file, refused when its mode lets the group or others read or write it (as
 * ssh does): `chmod 600`. Errors are made by `fail` (the caller's kind and wording).
 */
export function readKeyFile(path: string, fail: (message: string) => Error): string {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fail(`cannot read the key file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if ((mode & 0o077) !== 0)
    throw fail(
      `the key file's mode ${(mode & 0o777).toString(8)} lets others read or write it: chmod 600 it`,
    );
  return text.trim();
}

/** Keys taken out of an environment by `loadPrivateKey`, by environment and variable name. */
const readFromEnv = new WeakMap<NodeJS.ProcessEnv, Map<string, string>>();

export function loadPrivateKey({
  sender,
  env = process.env,
}: {
  sender: BaseConfig['sender'];
  env?: NodeJS.ProcessEnv;
}): `0x${string}` {
  let key: string | undefined;
  let source: string;
  if (sender.key_file !== undefined) {
    source = `sender.key_file (${sender.key_file})`;
    key = readKeyFile(sender.key_file, (message) => new ConfigError(`config error: ${source}: ${message}`));
  } else {
    source = `environment variable ${sender.key_env} (sender.key_env)`;
    key = env[sender.key_env]?.trim() ?? readFromEnv.get(env)?.get(sender.key_env);
    if (!key) throw new ConfigError(`config error: ${source} is not set; the role sends transactions`);
    // Read once: child processes inherit the environment, and Node's diagnostic report prints it. Kept in this
    // module for a second reader in the process (a role that signs with the agent's key, as the MPC node does).
    const read = readFromEnv.get(env) ?? new Map<string, string>();
    read.set(sender.key_env, key);
    readFromEnv.set(env, read);
    delete env[sender.key_env];
  }
  const prefixed = key.startsWith('0x') ? key : `0x${key}`;
  if (!isHex(prefixed) || prefixed.length !== 66) {
    throw new ConfigError(`config error: ${source} does not hold a 32-byte hex private key`);
  }
  return prefixed;
}
