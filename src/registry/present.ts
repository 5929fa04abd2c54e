import { toIso } from '../domain/time.js';
import type { StageChange } from './registry-service.js';
import type { GateReport, ModelVersion, RetrainTrigger, VersionEvent } from './types.js';

/** API views of the registry's objects: times as UTC ISO-8601. */

export const presentVersion = (v: ModelVersion) => ({
  ...v,
  sign_off: v.sign_off ? { ...v.sign_off, at: toIso(v.sign_off.at) } : null,
  created_at: toIso(v.created_at),
  updated_at: toIso(v.updated_at),
  stage_changed_at: toIso(v.stage_changed_at),
});

export const presentVersionEvent = (e: VersionEvent) => ({ ...e, at: toIso(e.at) });

export const presentGates = (r: GateReport) => ({ ...r, evaluated_at: toIso(r.evaluated_at) });

export const presentTrigger = (t: RetrainTrigger) => ({ ...t, fired_at: toIso(t.fired_at) });

export const presentStageChange = (c: StageChange) => ({
  version: presentVersion(c.version),
  replaced: c.replaced ? presentVersion(c.replaced) : null,
  gates: c.gates ? presentGates(c.gates) : null,
});
