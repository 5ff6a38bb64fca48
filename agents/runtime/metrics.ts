/**
 * Prometheus metrics of one agent process (prom-client, own registry). Names and labels are
 * stable and documented in README.md.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import { FatalError } from './errors.js';

export type Metrics = ReturnType<typeof createMetrics>;

/** A metric a role declares: its name (`stoa_<area>_...`), help text and label names. */
export type MetricSpec<TLabel extends string = string> = {
  name: string;
  help: string;
  labelNames?: readonly TLabel[];
};

/**
 * The process registry as roles see it (`ctx.metrics`): get-or-create by name, so a role can
 * call `ctx.metrics.counter({...}).inc()` from any handler; every series gets the `role` label
 * and is served on the agent's `/metrics`. Asking for an existing name with another type or
 * other labels is a programming error (FatalError).
 */
export type RoleMetrics = {
  registry: Registry;
  counter: <TLabel extends string = string>(spec: MetricSpec<TLabel>) => Counter<TLabel>;
  gauge: <TLabel extends string = string>(spec: MetricSpec<TLabel>) => Gauge<TLabel>;
  histogram: <TLabel extends string = string>(
    spec: MetricSpec<TLabel> & { buckets?: number[] },
  ) => Histogram<TLabel>;
};

export function createRoleMetrics(registry: Registry): RoleMetrics {
  function getOrCreate<T extends Metric>(
    type: new (config: never) => T,
    spec: MetricSpec & { buckets?: number[] },
  ): T {
    const existing = registry.getSingleMetric(spec.name);
    if (existing) {
      const labels = (existing as unknown as { labelNames: readonly string[] }).labelNames;
      if (
        !(existing instanceof type) ||
        labels.length !== (spec.labelNames?.length ?? 0) ||
        labels.some((label, i) => spec.labelNames?.[i] !== label)
      ) {
        throw new FatalError(`metric ${spec.name} is already registered with another type or labels`);
      }
      return existing;
    }
    return new type({ ...spec, labelNames: spec.labelNames ?? [], registers: [registry] } as never);
  }
  return {
    registry,
    counter: (spec) => getOrCreate(Counter, spec),
    gauge: (spec) => getOrCreate(Gauge, spec),
    histogram: (spec) => getOrCreate(Histogram, spec),
  } as RoleMetrics;
}

export function createMetrics({ role }: { role: string }) {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry, prefix: 'stoa_process_' });
  const registers = [registry];
  return {
    registry,
    /** The same registry as roles see it (`ctx.metrics`). */
    role: createRoleMetrics(registry),
    headBlock: new Gauge({ name: 'stoa_head_block', help: 'Latest block number seen', registers }),
    cursorBlock: new Gauge({
      name: 'stoa_cursor_block',
      help: 'Block up to which events are enqueued (persisted cursor)',
      registers,
    }),
    blockRange: new Gauge({ name: 'stoa_log_block_range', help: 'Current getLogs block range', registers }),
    eventsEnqueued: new Counter({
      name: 'stoa_events_enqueued_total',
      help: 'Chain events turned into jobs',
      registers,
    }),
    reorgs: new Counter({
      name: 'stoa_reorgs_total',
      help: 'Reorgs below the cursor that made the ingestor rewind',
      registers,
    }),
    rpcErrors: new Counter({
      name: 'stoa_rpc_errors_total',
      help: 'Failed RPC calls by operation',
      labelNames: ['op'] as const,
      registers,
    }),
    loopErrors: new Counter({
      name: 'stoa_ingest_errors_total',
      help: 'Ingestion steps that failed and were retried after a backoff',
      registers,
    }),
    jobs: new Counter({
      name: 'stoa_jobs_total',
      help: 'Jobs finished, by kind (event, task) and outcome (completed, retried, failed)',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'stoa_job_duration_seconds',
      help: 'Handler duration',
      labelNames: ['kind'] as const,
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 60],
      registers,
    }),
    failedJobsKept: new Gauge({
      name: 'stoa_jobs_failed_kept',
      help: 'Jobs that exhausted their attempts and are kept in the failed set for inspection',
      registers,
    }),
    sweeps: new Counter({
      name: 'stoa_sweeps_total',
      help: 'Periodic sweeps by outcome (ok, error)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    txs: new Counter({
      name: 'stoa_tx_total',
      help: 'Sender outcomes: sent, replaced (fee bump), mined, reverted, already_done, rebroadcast',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}
