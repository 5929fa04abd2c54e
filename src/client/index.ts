/**
 * driftwatch/client: log predictions and outcomes from any Node service without slowing it.
 *
 *   import { DriftwatchClient } from 'driftwatch/client';
 *   const dw = new DriftwatchClient({ url: 'http://driftwatch:8080', apiKey: process.env.DW_KEY!, modelId: 'credit' });
 *   const id = dw.log({ features, prediction: { label: 'approve', probabilities } });
 *
 * Also: middleware for Express and Fastify, and the reverse proxy behind `driftwatch proxy`.
 * Nothing here needs more than Node's built-ins.
 */
export { DriftwatchClient, type LogResult } from './driftwatch-client.js';
export type { ClientOptions, ClientStats, FailedRow, OnFull, OutcomeInput, PredictionInput, PredictionValue, RetryOptions } from './types.js';
export { uuidv7 } from './uuidv7.js';
export { expressMiddleware, type ExpressLikeRequest, type ExpressLikeResponse } from './express.js';
export { fastifyPlugin, type FastifyPluginOptions } from './fastify.js';
export { type CaptureOptions, type PredictionSink, type RequestView, defaultFeatures, toPredictionValue } from './capture.js';
export { createProxy, startProxy, type ProxyOptions, type ProxyStats } from './proxy.js';
export { compileMapping, type ProxyMapping, type ProxiedCall } from './proxy-mapping.js';
export { type CallLogger, type CapturedCall, InlineLogger, ThreadLogger, type ThreadClientOptions, loggerThreadScript } from './proxy-logger.js';
