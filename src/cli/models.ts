import type { Command } from 'commander';
import { toIso } from '../domain/time.js';
import type { ModelVersion, VersionEvent } from '../registry/types.js';
import type { Store } from '../store/store.js';
import { addStoreOptions, type StoreCommandOptions, withStore } from './cli-store.js';

/** A model's versions (newest first) and its registry history (oldest first). */
export interface ModelHistory {
  model_id: string;
  versions: ModelVersion[];
  events: VersionEvent[];
}

export async function modelHistory(store: Store, modelId: string): Promise<ModelHistory> {
  if (!(await store.getModel(modelId))) throw new Error(`no model "${modelId}" is registered`);
  return { model_id: modelId, versions: await store.lifecycle.listVersions(modelId), events: await store.lifecycle.versionEvents(modelId) };
}

/** The seed's listing (`v3 - Stage: production - 2024-12-24`), then every event. */
export function formatHistory(h: ModelHistory): string {
  if (h.versions.length === 0) return `model ${h.model_id} has no registered versions`;
  const w = Math.max(...h.versions.map((v) => v.version.length));
  const lines = [`versions of ${h.model_id}:`];
  for (const v of h.versions) {
    const metrics = Object.entries(v.metrics).map(([k, x]) => `${k}=${x}`).join(' ');
    lines.push(`  ${v.version.padEnd(w)} - Stage: ${v.stage.padEnd(11)} - ${toIso(v.created_at).slice(0, 10)}${v.sign_off ? ` - signed off by ${v.sign_off.by}` : ''}${metrics ? ` - ${metrics}` : ''}`);
  }
  lines.push('history:');
  for (const e of h.events) {
    const stages = e.from_stage || e.to_stage ? ` ${e.from_stage ?? '-'} → ${e.to_stage ?? '-'}` : '';
    const failed = Array.isArray(e.details.failed) ? ` (failed: ${(e.details.failed as string[]).join(', ')})` : '';
    lines.push(`  ${toIso(e.at)}  ${e.version.padEnd(w)}  ${e.kind}${stages}${failed}  by ${e.actor}`);
  }
  return lines.join('\n');
}

/** `driftwatch models history --model M`. */
export function registerModels(program: Command): void {
  const models = program.command('models').description('the model registry: versions, stages, history');
  addStoreOptions(
    models
      .command('history')
      .description('list a model’s versions with their stages, and its registry history (registrations, promotions, refusals, deployments, rollbacks)')
      .requiredOption('-m, --model <model_id>', 'the model')
      .option('--json', 'print as JSON'),
  ).action(async (opts: StoreCommandOptions & { model: string; json?: boolean }) => {
    const h = await withStore(opts, (store) => modelHistory(store, opts.model));
    console.log(opts.json ? JSON.stringify(h, null, 2) : formatHistory(h));
  });
}
