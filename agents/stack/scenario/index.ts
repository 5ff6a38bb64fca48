/** The demonstration that `npm start` runs, one scenario per layer, in order. */
import type { ScenarioStep } from './context.js';
import { governanceSteps } from './governance.js';
import { oracleSteps } from './oracle.js';
import { tokenSteps } from './token.js';

export type Scenario = { title: string; steps: ScenarioStep[] };

export const scenarios: Scenario[] = [
  { title: 'Compliant security token', steps: tokenSteps },
  { title: 'Shareholder governance (NNS) on the security token', steps: governanceSteps },
  { title: 'Oracle: a lying NAV report disputed and corrected', steps: oracleSteps },
];
