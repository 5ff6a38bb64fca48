/**
 * viem clients over HTTP (requests, batched; over several providers with `chain.rpc_urls`, viem's
 * fallback ranked by health) and WebSocket (new heads), and the startup checks: the RPC answers,
 * every RPC URL reports the configured chain id, and every configured contract has code.
 */
import {
  type Address,
  createPublicClient,
  defineChain,
  fallback,
  http,
  type PublicClient,
  webSocket,
} from 'viem';
import type { BaseConfig } from './config.js';
import { FatalError, RetryableError, redactUrl, shortMessage } from './errors.js';
import type { Logger } from './log.js';
import { backoffMs, sleep } from './time.js';

export type Chain = {
  id: number;
  /** Requests (getLogs, blocks, calls, sending): HTTP with JSON-RPC batching. */
  client: PublicClient;
  /** New-head subscriptions when `chain.ws_url` is set. */
  ws: PublicClient | undefined;
  close: () => Promise<void>;
};

export function createChain({ config }: { config: BaseConfig['chain'] }): Chain {
  const chain = defineChain({
    id: config.chain_id,
    name: `chain-${config.chain_id}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpc_url], webSocket: config.ws_url ? [config.ws_url] : [] } },
  });
  const httpTransport = (url: string) =>
    // Transient provider failures (429 after its Retry-After, 5xx, a dropped connection) are
    // retried here, so that one of them fails no startup check, send or job; the ingestor's
    // getLogs opts out (it shrinks the range or backs off itself).
    http(url, {
      batch: { batchSize: 1_000, wait: 0 },
      retryCount: 3,
      retryDelay: 150,
      timeout: config.request_timeout_ms,
    });
  const urls = [config.rpc_url, ...config.rpc_urls];
  // One provider failing a request sends it to the next; the order follows each one's latency and
  // success rate, sampled every `rank_interval_ms`.
  const transport =
    urls.length === 1
      ? httpTransport(config.rpc_url)
      : fallback(urls.map(httpTransport), {
          retryCount: 0,
          rank: { interval: config.rank_interval_ms, timeout: config.request_timeout_ms },
        });
  const client = createPublicClient({ chain, transport });
  const ws = config.ws_url
    ? createPublicClient({
        chain,
        transport: webSocket(config.ws_url, { retryCount: 0, timeout: config.request_timeout_ms }),
      })
    : undefined;
  return {
    id: config.chain_id,
    client,
    ws,
    close: async () => {
      if (!ws) return;
      const socket = await ws.transport.getRpcClient?.().catch(() => undefined);
      socket?.close();
    },
  };
}

export type VerifyChainArgs = {
  chain: Chain;
  config: BaseConfig;
  logger: Logger;
  signal?: AbortSignal;
};

/**
 * Startup checks. Unreachable RPC (after `chain.startup_attempts` tries with backoff):
 * RetryableError. Wrong chain id or a configured contract without code: FatalError.
 */
export async function verifyChain({ chain, config, logger, signal }: VerifyChainArgs): Promise<void> {
  const url = redactUrl(config.chain.rpc_url);
  let reported: number | undefined;
  for (let attempt = 0; reported === undefined; attempt++) {
    try {
      reported = await chain.client.getChainId();
    } catch (error) {
      if (attempt + 1 >= config.chain.startup_attempts || signal?.aborted) {
        throw new RetryableError(`rpc unreachable at ${url}: ${shortMessage(error)}`, { cause: error });
      }
      logger.warn({ rpc_url: url, attempt, err_message: shortMessage(error) }, 'rpc not reachable yet');
      await sleep(backoffMs({ attempt, baseMs: 250, maxMs: 5_000 }), signal);
    }
  }
  if (reported !== config.chain.chain_id) {
    throw new FatalError(
      `wrong chain: rpc ${url} reports chain id ${reported}, config chain.chain_id is ${config.chain.chain_id}`,
    );
  }
  // A fallback provider of another chain would answer with that chain's state: refuse it. One that
  // is down now is only a warning (the fallback skips it while it fails).
  for (const [i, other] of config.chain.rpc_urls.entries()) {
    const id = await createPublicClient({
      transport: http(other, { retryCount: 0, timeout: config.chain.request_timeout_ms }),
    })
      .getChainId()
      .catch((error: unknown) => {
        logger.warn(
          { rpc_url: redactUrl(other), err_message: shortMessage(error) },
          'fallback rpc not reachable',
        );
        return undefined;
      });
    if (id !== undefined && id !== config.chain.chain_id) {
      throw new FatalError(
        `wrong chain: chain.rpc_urls[${i}] (${redactUrl(other)}) reports chain id ${id}, config chain.chain_id is ${config.chain.chain_id}`,
      );
    }
  }
  for (const [name, contract] of Object.entries(config.contracts)) {
    const code = await chain.client.getCode({ address: contract.address as Address });
    if (!code || code === '0x') {
      throw new FatalError(
        `missing contract: no code at ${contract.address} (contracts.${name}.address) on chain ${reported}`,
      );
    }
  }
}
