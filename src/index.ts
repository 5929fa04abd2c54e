/** driftwatch as a library: the server, the store and the statistics core. */
export { buildApp } from './server/app.js';
export { startServer } from './server/server.js';
export { loadConfig, DEFAULT_CONFIG, type Config } from './config/config.js';
export { createStore } from './store/create-store.js';
export type { Store } from './store/store.js';
export { getDriftTest, listDriftTests } from './stats/registry.js';
export type { DriftTest, DriftTestResult, NumericSample, CategoricalSample, Severity } from './stats/types.js';
export { MonitoringService } from './analysis/monitoring-service.js';
