/** One readiness check's answer. */
export interface CheckResult {
  ok: boolean;
  detail?: string;
  /** structured facts shown next to the check in /ready (e.g. the cluster's roles and lag) */
  info?: Record<string, unknown>;
}

/**
 * Named readiness checks `/ready` runs (besides the store and migrations): the scheduler, later
 * the delivery worker. Components register themselves when they start.
 */
export class ReadinessChecks {
  private readonly checks = new Map<string, () => CheckResult | Promise<CheckResult>>();

  /** Add or replace a check. */
  register(name: string, check: () => CheckResult | Promise<CheckResult>): void {
    this.checks.set(name, check);
  }

  /** Run every check; a check that throws is not ok. */
  async run(): Promise<Record<string, CheckResult>> {
    const out: Record<string, CheckResult> = {};
    for (const [name, check] of this.checks) {
      try {
        out[name] = await check();
      } catch (e) {
        out[name] = { ok: false, detail: (e instanceof Error ? e.message : String(e)).slice(0, 200) };
      }
    }
    return out;
  }
}
