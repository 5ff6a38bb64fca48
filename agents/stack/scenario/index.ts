/**
 * The layers of the demonstration that `npm start` runs, in order. Each layer may start its agent
 * processes (before any scenario runs) and has its scenario steps. A layer adds itself here.
 */
import { basketSteps, startBasketAgents } from './basket.js';
import type { LayerAgents, ScenarioStep, StackInfo } from './context.js';
import { governanceSteps, startGovernanceAgents } from './governance.js';
import { oracleSteps, startOracleAgents } from './oracle.js';
import { privacySteps, startPrivacyAgents } from './privacy.js';
import { startTokenAgents, tokenSteps } from './token.js';

export type Layer = {
  title: string;
  steps: ScenarioStep[];
  startAgents?: (stack: StackInfo) => Promise<LayerAgents>;
};

export const layers: Layer[] = [
  { title: 'Compliant security token', steps: tokenSteps, startAgents: startTokenAgents },
  {
    title: 'Shareholder governance (NNS) on the security token',
    steps: governanceSteps,
    startAgents: startGovernanceAgents,
  },
  {
    title: 'Oracle: a lying NAV report disputed and corrected',
    steps: oracleSteps,
    startAgents: startOracleAgents,
  },
  {
    title: 'Baskets: a basket of the share tokens priced by the oracle, rebalanced by auction',
    steps: basketSteps,
    startAgents: startBasketAgents,
  },
  {
    title: 'Secret contracts: an MPC committee tallies a secret ballot and checks the cap table privately',
    steps: privacySteps,
    startAgents: startPrivacyAgents,
  },
];
