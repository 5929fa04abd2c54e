import { type ConfigExtensions, ConfigError } from '../config/config.js';
import { cronProblem } from '../scheduler/scheduler.js';

/**
 * The `lifecycle:` section of the config file: service-wide settings of the registry, the
 * retraining triggers, legal holds and evidence export (per-model gates and triggers live in
 * the store, see lifecycle-config.ts).
 *
 * ```yaml
 * lifecycle:
 *   event_channels: [mlops-hook]      # where retrain.recommended goes; default: every webhook channel
 *   trigger_check_cron: "7 * * * *"   # when scheduled retraining triggers are looked at
 *   legal_hold:
 *     release_on: [export, resolution]  # what ends a hold; [export] keeps resolved incidents held until exported
 *   evidence:
 *     dir: /var/lib/driftwatch/evidence  # where bundles are written; default: `evidence/` next to the SQLite file
 * ```
 */
export interface LifecycleSettings {
  /** channel names; null: every configured channel of type webhook */
  event_channels: string[] | null;
  trigger_check_cron: string;
  legal_hold: { release_on: ('export' | 'resolution')[] };
  /** null: `evidence/` beside the SQLite file (./data/evidence on PostgreSQL) */
  evidence: { dir: string | null };
}

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  event_channels: null,
  trigger_check_cron: '7 * * * *',
  legal_hold: { release_on: ['export', 'resolution'] },
  evidence: { dir: null },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read and validate `lifecycle:`; throws ConfigError naming every bad key. `channelNames` null: event channels are not checked (CLI). */
export function parseLifecycleSettings(extensions: ConfigExtensions, channelNames: readonly string[] | null): LifecycleSettings {
  const out = structuredClone(DEFAULT_LIFECYCLE_SETTINGS);
  const raw = extensions.lifecycle;
  if (raw === undefined || raw === null) return out;
  const problems: { key: string; problem: string }[] = [];
  if (!isObj(raw)) throw new ConfigError([{ key: 'lifecycle', problem: 'must be a mapping' }]);
  for (const [k, v] of Object.entries(raw)) {
    const key = `lifecycle.${k}`;
    if (k === 'event_channels') {
      if (!Array.isArray(v) || v.some((c) => typeof c !== 'string')) problems.push({ key, problem: 'must be a list of channel names' });
      else {
        const unknown = channelNames ? (v as string[]).filter((c) => !channelNames.includes(c)) : [];
        if (unknown.length) problems.push({ key, problem: `names channels that are not configured: ${unknown.join(', ')}` });
        out.event_channels = v as string[];
      }
    } else if (k === 'trigger_check_cron') {
      const problem = typeof v === 'string' ? cronProblem(v) : 'must be a cron expression';
      if (problem) problems.push({ key, problem });
      else out.trigger_check_cron = v as string;
    } else if (k === 'legal_hold') {
      const release = isObj(v) ? v.release_on : undefined;
      if (!isObj(v) || Object.keys(v).some((x) => x !== 'release_on') || !Array.isArray(release) || release.length === 0 || release.some((r) => r !== 'export' && r !== 'resolution')) {
        problems.push({ key, problem: 'must be { release_on: [export, resolution] } (one or both)' });
      } else out.legal_hold.release_on = [...new Set(release as ('export' | 'resolution')[])];
    } else if (k === 'evidence') {
      if (!isObj(v) || Object.keys(v).some((x) => x !== 'dir') || typeof v.dir !== 'string' || v.dir.length === 0) problems.push({ key, problem: 'must be { dir: <directory> }' });
      else out.evidence.dir = v.dir;
    } else problems.push({ key, problem: 'is not a known setting' });
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}
