import { parseRange } from './csv-file.js';
import { parseNdjsonRange } from './ndjson-range.js';
import type { TaskHandlers } from './worker-pool.js';

/** Tasks of the column readers, by name: run inline or served by csv-worker.ts. */
export const COLUMN_TASKS = {
  parseCsvRange: parseRange,
  parseNdjsonRange,
} satisfies TaskHandlers;

/** The worker script serving {@link COLUMN_TASKS} (exists once built to JavaScript). */
export const COLUMN_WORKER = new URL('./csv-worker.js', import.meta.url);
