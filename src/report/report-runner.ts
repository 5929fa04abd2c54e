import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultThreads } from './csv/read-columns.js';
import { InlineRunner, ThreadRunner } from './csv/worker-pool.js';
import type { TaskHandlers, TaskRunner } from './csv/worker-pool.js';

/** The worker script of the report (report-worker.ts once built to JavaScript). */
export const REPORT_WORKER = new URL('./report-worker.js', import.meta.url);

const loadTasks = (): Promise<TaskHandlers> => import('./report-tasks.js').then((m) => m.REPORT_TASKS);

/**
 * The threads a report runs on: the calling thread plus workers (default: up to 2 threads in
 * all). Light to import: the workers start booting before the statistics modules are loaded
 * here. Inline when one thread is asked for or the worker script is not built (vitest).
 */
export async function createReportRunner(threads = defaultThreads()): Promise<TaskRunner> {
  if (threads > 1 && existsSync(fileURLToPath(REPORT_WORKER))) return new ThreadRunner(REPORT_WORKER, threads, loadTasks);
  return new InlineRunner(await loadTasks());
}
