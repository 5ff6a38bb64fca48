/** The demonstration that `npm start` runs, one scenario per layer, in order. */
import type { ScenarioStep } from './context.js';

export type Scenario = { title: string; steps: ScenarioStep[] };

export const scenarios: Scenario[] = [];
