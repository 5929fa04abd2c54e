/** What the exit hooks need from a client. */
export interface ExitFlushable {
  /** rows queued or in flight */
  hasPending(): boolean;
  close(): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const open = new Set<ExitFlushable>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  const clients = [...open];
  open.clear();
  uninstall(); // a second signal gets Node's default: exit at once
  const othersListening = process.listenerCount(signal) > 0;
  void Promise.allSettled(clients.map((c) => c.close())).then(() => {
    // we kept the process alive by listening; if nobody else handles the signal, do what Node would have
    if (!othersListening) process.kill(process.pid, signal);
  });
}

function onBeforeExit(): void {
  // the event loop is empty: buffered rows would be lost on exit. Closing starts requests, which
  // keep the process alive until they end; beforeExit then fires again with nothing pending.
  for (const c of [...open]) {
    if (!c.hasPending()) continue;
    open.delete(c);
    void c.close();
  }
  if (open.size === 0) uninstall();
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('beforeExit', onBeforeExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.removeListener('beforeExit', onBeforeExit);
}

/**
 * Flush `client` when the process is told to stop (SIGTERM, SIGINT) or runs out of work
 * (beforeExit). One set of process listeners serves every client. On a signal, the clients are
 * closed (each within its closeTimeoutMs) and then, if no one else listens for that signal, it is
 * raised again so the process ends as it would have.
 */
export function flushOnExit(client: ExitFlushable): void {
  open.add(client);
  install();
}

/** Stop watching `client` (it was closed). */
export function forgetOnExit(client: ExitFlushable): void {
  open.delete(client);
  if (open.size === 0) uninstall();
}
