/**
 * Agent health: each agent process's `/healthz` (JSON) and `/metrics` (Prometheus text), polled
 * when the page is drawn. The local stack's agents are found from their config files
 * (`.stoa/agents/<name>.json`, written by agents/stack/agents.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One agent process the dashboard watches. */
export type AgentEndpoint = {
  name: string;
  /** Base URL of its health and metrics server, e.g. http://127.0.0.1:9464. */
  url: string;
  /** Its Redis key prefix (the queue prefix), when known. */
  prefix?: string;
};

export type AgentStatus = AgentEndpoint & {
  reachable: boolean;
  ok: boolean;
  role?: string;
  cursorBlock?: number | null;
  failedJobs?: number | null;
  lastError?: string | null;
  /** Selected metrics: name{labels} -> value. */
  metrics: Record<string, number>;
  error?: string;
};

/** The metrics shown on the page (the rest is on the agent's /metrics). */
const SHOWN =
  /^stoa_(head_block|cursor_block|jobs_total|events_enqueued_total|tx_total|reorgs_total|jobs_failed_kept)\b/;

/** Agents of the local stack, from the config files in `dir` (http.port, redis.prefix). */
export function agentsFromConfigDir(dir: string): AgentEndpoint[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().flatMap((file) => {
    try {
      const config = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        http?: { port?: number; host?: string };
        redis?: { prefix?: string };
      };
      if (!config.http?.port) return [];
      const host = !config.http.host || config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
      return [
        {
          name: file.replace(/\.json$/, ''),
          url: `http://${host}:${config.http.port}`,
          prefix: config.redis?.prefix ?? 'stoa',
        },
      ];
    } catch {
      return [];
    }
  });
}

export function parseMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!SHOWN.test(line)) continue;
    const at = line.lastIndexOf(' ');
    // The role is in its own column; drop its label.
    const name = line
      .slice(0, at)
      .replace(/role="[^"]*",?/, '')
      .replace(/,}$/, '}')
      .replace('{}', '');
    out[name] = Number(line.slice(at + 1));
  }
  return out;
}

export async function pollAgent(agent: AgentEndpoint, timeoutMs: number): Promise<AgentStatus> {
  const get = (path: string) => fetch(`${agent.url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  try {
    const [health, metrics] = await Promise.all([get('/healthz'), get('/metrics')]);
    const h = (await health.json()) as {
      ok?: boolean;
      role?: string;
      cursor_block?: number | null;
      failed_jobs?: number | null;
      last_error?: string | null;
    };
    return {
      ...agent,
      reachable: true,
      ok: health.ok && h.ok === true,
      role: h.role,
      cursorBlock: h.cursor_block,
      failedJobs: h.failed_jobs,
      lastError: h.last_error,
      metrics: metrics.ok ? parseMetrics(await metrics.text()) : {},
    };
  } catch (error) {
    return { ...agent, reachable: false, ok: false, metrics: {}, error: (error as Error).message };
  }
}
