/** Worker thread entry of the column readers: parses byte ranges of CSV and NDJSON files. */
import { COLUMN_TASKS } from './column-tasks.js';
import { serveTasks } from './worker-pool.js';

serveTasks(COLUMN_TASKS);
