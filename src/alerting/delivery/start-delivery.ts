import type { ReadinessChecks } from '../../observability/readiness.js';
import type { Store } from '../../store/store.js';
import type { DeliverySetup } from './delivery-setup.js';
import { type DeliveryObserver, DeliveryWorker, type WorkerLog } from './delivery-worker.js';

export interface StartDeliveryOptions {
  store: Store;
  setup: DeliverySetup;
  /** server.public_url: dashboard links in notifications */
  publicUrl: string;
  log: WorkerLog;
  observer?: DeliveryObserver;
  readiness?: ReadinessChecks;
}

/** A started worker; `stop` finishes its sends in flight and closes the channels' connections. */
export interface RunningDelivery {
  worker: DeliveryWorker;
  stop(): Promise<void>;
}

/**
 * Start the delivery worker of a server process (unless `delivery.enabled` is false): it listens
 * to the outbox bell, and on the embedded store (one process) releases the leases a crashed run
 * left, so its deliveries go out at once. Returns null when disabled.
 */
export function startDeliveryWorker(o: StartDeliveryOptions): RunningDelivery | null {
  if (!o.setup.settings.enabled) {
    o.readiness?.register('delivery', () => ({ ok: true, detail: 'disabled in this instance' }));
    return null;
  }
  const worker = new DeliveryWorker({
    outbox: o.store.outbox,
    channels: o.setup.channels,
    settings: o.setup.settings,
    publicUrl: o.publicUrl,
    log: o.log,
    observer: o.observer,
    releaseLeasesAtStart: !o.store.capabilities.multiInstance,
  });
  let state: 'running' | 'stopping' = 'running';
  const unlisten = o.setup.bell.listen(() => worker.wake());
  o.readiness?.register('delivery', () => (state === 'running' ? { ok: true, detail: `${o.setup.channels.names().length} channel(s)` } : { ok: false, detail: state }));
  worker.start();
  return {
    worker,
    async stop() {
      state = 'stopping';
      unlisten();
      await worker.stop();
      await o.setup.channels.close();
    },
  };
}
