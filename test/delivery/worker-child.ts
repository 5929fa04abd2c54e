import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const VITE_NODE = resolve(ROOT, 'node_modules/vite-node/vite-node.mjs');
const SCRIPT = resolve(import.meta.dirname, 'worker-process.ts');

/** A worker-process.ts child (TypeScript run through vite-node, which vitest ships). */
export interface WorkerChild {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no cleanup, no last write, leases left behind */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop */
  stop(): Promise<void>;
}

export async function startWorkerChild(env: Record<string, string>, timeoutMs = 20_000): Promise<WorkerChild> {
  const child = spawn(process.execPath, [VITE_NODE, SCRIPT], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.stdout!.on('data', () => {
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`worker exited (${code}) before it was ready:\n${out}`));
    });
  });
  const signal = async (s: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(s);
    await exited;
  };
  return { child, output: () => out, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
