export { type AgentEndpoint, agentsFromConfigDir } from './agents.js';
export { demoLabels } from './labels.js';
export { type Dashboard, type DashboardOptions, dashboardOptionsSchema, startDashboard } from './server.js';
