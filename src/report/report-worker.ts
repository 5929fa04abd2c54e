/** Worker thread entry of the report: parses and summarises chunks, sorts numeric samples. */
import { serveTasks } from './csv/worker-pool.js';
import { REPORT_TASKS } from './report-tasks.js';

serveTasks(REPORT_TASKS);
