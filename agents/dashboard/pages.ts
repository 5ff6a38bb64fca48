/** The dashboard's pages: each loads its data from the chain (or the agents) and renders HTML. */
import { formatUnits } from 'viem';
import { type AgentEndpoint, type AgentStatus, pollAgent } from './agents.js';
import { loadBaskets } from './basket.js';
import type { PageContext } from './context.js';
import { loadGovernance, TOPIC_NAMES } from './governance.js';
import { followGraph, type Html, html, layout, lineChart, table } from './html.js';
import { loadMpc } from './mpc.js';
import { loadOracle } from './oracle.js';
import type { QueueBoard } from './queues.js';

export type PageDeps = {
  ctx: PageContext;
  agents: () => AgentEndpoint[];
  queues: QueueBoard;
  healthTimeoutMs: number;
};

export type Page = { path: string; title: string; render: (deps: PageDeps) => Promise<Html> };

const notDeployed = (key: string) =>
  html`<p class="not-deployed"><strong>not deployed</strong>: the deployment has no <code>${key}</code>.</p>`;
const time = (seconds: bigint | number) =>
  new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');

async function proposals({ ctx }: PageDeps): Promise<Html> {
  const g = await loadGovernance(ctx);
  if (!g.deployed) return notDeployed('governance');
  const label = g.neuronLabel;
  const power = (x: bigint | undefined) => (x === undefined ? '?' : formatUnits(x, g.decimals));
  const edges = g.following.flatMap((f) =>
    f.followees.map((to) => ({ from: f.neuron, to, label: TOPIC_NAMES[f.topic] ?? String(f.topic) })),
  );
  return html`
<section><h2>Neurons</h2>${table(g.neurons, [
    { title: 'neuron', cell: (n) => n.label },
    { title: 'owner', cell: (n) => ctx.nameOf(n.owner) },
    { title: 'stake', cell: (n) => n.stake, num: true },
    { title: 'dissolve delay (days)', cell: (n) => n.dissolveDelayDays, num: true },
    { title: 'dissolving', cell: (n) => (n.dissolving ? 'yes' : 'no') },
    { title: 'voting power', cell: (n) => power(n.power), num: true },
  ])}</section>
<section><h2>Follow graph</h2><p class="muted">An arrow goes from a follower to a followee, labelled with the topic.</p>
${followGraph(
  g.neurons.map((n) => ({ id: n.id, label: n.label })),
  edges,
)}
${table(g.following, [
  { title: 'follower', cell: (f) => label(f.neuron) },
  { title: 'topic', cell: (f) => TOPIC_NAMES[f.topic] },
  { title: 'follows', cell: (f) => f.followees.map(label).join(', ') },
])}</section>
${
  g.proposals.length === 0
    ? html`<section><h2>Proposals</h2><p class="muted">no proposals yet</p></section>`
    : g.proposals.map(
        (p) => html`<section class="proposal"><h2>Proposal ${p.id}: ${p.summaryURI}</h2>
<p>Topic <strong>${TOPIC_NAMES[p.topic]}</strong>, proposed by ${label(p.neuron)} (${ctx.nameOf(p.proposer)}),
${p.actions} action(s). Status <strong class="status">${p.status}</strong>: yes ${power(p.yes)}, no ${power(p.no)} of
${power(p.totalPower)}; deadline ${time(p.deadline)}.
${p.settled ? html` Settled at block ${p.settled.block} (${p.settled.adopted ? 'adopted' : 'rejected'}).` : ''}
${p.executed ? html` Executed at block ${p.executed.block}.` : ''}</p>
<h3>How the votes resolved</h3>
${table(p.ballots, [
  { title: 'neuron', cell: (b) => label(b.neuron) },
  { title: 'vote', cell: (b) => (b.yes ? 'yes' : 'no') },
  { title: 'power', cell: (b) => power(b.power), num: true },
  {
    title: 'how',
    cell: (b) =>
      b.decidedBy.length === 0 ? 'direct vote' : `following, decided by ${b.decidedBy.map(label).join(', ')}`,
  },
  { title: 'block', cell: (b) => b.block, num: true },
])}</section>`,
      )
}`;
}

async function questions({ ctx }: PageDeps): Promise<Html> {
  const o = await loadOracle(ctx);
  if (!o.deployed) return notDeployed('oracle');
  if (o.questions.length === 0) return html`<p class="muted">no questions yet</p>`;
  return html`${o.questions.map(
    (q) => html`<section class="question"><h2>Question ${q.id}: ${q.uri}</h2>
<p>${q.kind} question by ${ctx.nameOf(q.creator)}, designated reporter ${ctx.nameOf(q.designatedReporter)}.
Status <strong class="status">${q.status}</strong>${q.tentative ? html`, outcome <strong>${q.tentative}</strong>` : ''};
total stake ${q.totalStake} REP.
${q.final ? html` Final: <strong>${q.final.outcome}</strong>${q.final.escalated ? ' (by the arbitrator)' : ''}, ${q.final.burned} REP burned.` : ''}</p>
${table(q.rounds, [
  { title: 'round', cell: (r) => (r.index === 0 ? '0 (initial report)' : r.index) },
  {
    title: 'who',
    cell: (r) =>
      r.kind === 'report'
        ? `${ctx.nameOf(r.reporter ?? '')}${r.designated ? ' (designated)' : ''}`
        : r.contributions.map((c) => `${ctx.nameOf(c.who)}: ${c.amount} REP on ${c.outcome}`).join('; '),
  },
  { title: 'outcome', cell: (r) => r.outcome ?? '' },
  { title: 'stake (REP)', cell: (r) => r.stake ?? '', num: true },
  { title: 'filled', cell: (r) => (r.filled ? 'yes' : 'no') },
])}</section>`,
  )}`;
}

async function baskets({ ctx }: PageDeps): Promise<Html> {
  const b = await loadBaskets(ctx);
  if (!b.deployed) return notDeployed('basketFactory');
  if (b.baskets.length === 0) return html`<p class="muted">no baskets yet</p>`;
  return html`${b.baskets.map(
    (k) => html`<section class="basket"><h2>${k.name} (${k.symbol})</h2>
<p>Status <strong>${k.status}</strong>, supply ${k.supply}, NAV per token <strong>${k.nav ?? 'unavailable'}</strong>.
<code>${k.address}</code></p>
<h3>Composition (per token)</h3>
${table(k.components, [
  { title: 'component', cell: (c) => c.symbol },
  { title: 'unit', cell: (c) => c.unit, num: true },
  { title: 'usable', cell: (c) => c.usable, num: true },
  { title: 'required', cell: (c) => c.required, num: true },
])}
<h3>NAV over time</h3>
${lineChart(
  k.navHistory.map((p) => ({
    x: p.time,
    y: p.nav,
    label: `${time(p.time).slice(0, 10)} (block ${p.block})`,
  })),
  { yLabel: 'NAV per token' },
)}
<h3>History</h3>
${table(k.history, [
  { title: 'block', cell: (e) => e.block, num: true },
  { title: 'event', cell: (e) => e.event },
  { title: 'detail', cell: (e) => e.detail },
])}</section>`,
  )}`;
}

async function mpc({ ctx }: PageDeps): Promise<Html> {
  const m = await loadMpc(ctx);
  if (!m.deployed) return notDeployed('mpcCommittee');
  return html`<section><h2>Committee (epoch ${m.epoch}, threshold ${m.threshold})</h2>
${table(
  m.nodes,
  [
    { title: 'node', cell: (n) => ctx.nameOf(n.address) },
    { title: 'bond', cell: (n) => (n.bond === undefined ? '?' : formatUnits(n.bond, 18)), num: true },
  ],
  'no committee yet',
)}</section>
<section><h2>Computations</h2>${table(
    m.computations,
    [
      { title: 'id', cell: (c) => c.id, num: true },
      { title: 'kind', cell: (c) => c.kind },
      { title: 'requester', cell: (c) => ctx.nameOf(c.requester) },
      { title: 'inputs', cell: (c) => c.inputs, num: true },
      { title: 'inputs until', cell: (c) => time(c.inputDeadline) },
      { title: 'status', cell: (c) => c.status },
      { title: 'result', cell: (c) => (c.output ? html`<code>${c.output}</code>` : '') },
      { title: 'signed by', cell: (c) => c.signers.map(ctx.nameOf).join(', ') },
    ],
    'no computations yet',
  )}</section>`;
}

async function agentsPage({ agents, healthTimeoutMs }: PageDeps): Promise<Html> {
  const statuses = await Promise.all(agents().map((a) => pollAgent(a, healthTimeoutMs)));
  return html`${table(
    statuses,
    [
      { title: 'agent', cell: (a) => a.name },
      { title: 'role', cell: (a) => a.role ?? '' },
      {
        title: 'health',
        cell: (a: AgentStatus) =>
          a.ok
            ? html`<span class="ok">ok</span>`
            : html`<span class="bad">${a.reachable ? 'unhealthy' : 'unreachable'}</span>`,
      },
      { title: 'cursor block', cell: (a) => a.cursorBlock ?? '', num: true },
      { title: 'failed jobs kept', cell: (a) => a.failedJobs ?? '', num: true },
      { title: 'last error', cell: (a) => a.lastError ?? a.error ?? '' },
      {
        title: 'metrics',
        cell: (a) =>
          html`${Object.entries(a.metrics).map(([k, v]) => html`<code>${k} ${v}</code><br>`)}<a href="${a.url}/metrics">all</a> · <a href="${a.url}/healthz">healthz</a>`,
      },
    ],
    'no agents known',
  )}`;
}

async function overview(deps: PageDeps): Promise<Html> {
  const { ctx } = deps;
  const [head, counts] = await Promise.all([
    ctx.client.getBlockNumber({ cacheTime: 0 }),
    deps.queues.counts(),
  ]);
  return html`<section><h2>Chain</h2><p>Chain id ${ctx.client.chain?.id ?? '?'}, head block <strong>${head}</strong>.</p>
${table(Object.entries(ctx.deployment), [
  { title: 'contract', cell: ([name]) => name },
  { title: 'address', cell: ([, address]) => html`<code>${address}</code>` },
])}</section>
<section><h2>Queues</h2>${table(
    counts,
    [
      {
        title: 'queue',
        cell: (q) => html`<a href="/queues/queue/${q.prefix}:${q.name}">${q.prefix}:${q.name}</a>`,
      },
      ...(['active', 'waiting', 'delayed', 'completed', 'failed'] as const).map((state) => ({
        title: state,
        cell: (q: (typeof counts)[number]) => q.counts[state] ?? 0,
        num: true,
      })),
    ],
    'no queues in Redis yet',
  )}</section>`;
}

export const pages: readonly Page[] = [
  { path: '/', title: 'Overview', render: overview },
  { path: '/proposals', title: 'Proposals', render: proposals },
  { path: '/questions', title: 'Oracle questions', render: questions },
  { path: '/baskets', title: 'Baskets', render: baskets },
  { path: '/mpc', title: 'MPC computations', render: mpc },
  { path: '/agents', title: 'Agent health', render: agentsPage },
];

export async function renderPage(page: Page, deps: PageDeps): Promise<string> {
  const started = performance.now();
  const body = await page.render(deps);
  return layout({
    title: page.title,
    path: page.path,
    body,
    footer: `rendered in ${Math.round(performance.now() - started)} ms${deps.ctx.index.head() ? ` (chain read up to block ${deps.ctx.index.head()})` : ''}`,
  });
}
