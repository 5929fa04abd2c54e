/**
 * Rung after outbox rows have been committed, so the delivery worker claims them at once instead
 * of at its next poll. Whoever writes outbox rows may ring it (the alerting services, the server
 * after an analysis or an alerting request); ringing too often costs one claim query, not ringing
 * costs at most one poll interval.
 */
export interface OutboxSignal {
  ring(): void;
}

/** The bell: rings every listener (the delivery worker's `wake`). */
export class OutboxBell implements OutboxSignal {
  private readonly listeners = new Set<() => void>();

  ring(): void {
    for (const l of this.listeners) l();
  }

  /** Listen until the returned function is called. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
