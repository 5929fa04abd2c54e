import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatExport, formatVerify, runExport } from '../../src/cli/export.js';
import { migrationExitCode, runJsonlMigration } from '../../src/cli/migrate-jsonl.js';
import { formatHistory, modelHistory } from '../../src/cli/models.js';
import { newAlertId, newIncidentId } from '../../src/alerting/ids.js';
import { openIncident } from '../../src/alerting/incident-lifecycle.js';
import { MonitoringService } from '../../src/analysis/monitoring-service.js';
import { loadConfig } from '../../src/config/config.js';
import { verifyBundle } from '../../src/evidence/verify-bundle.js';
import { AuditLog } from '../../src/observability/audit.js';
import { RegistryService } from '../../src/registry/registry-service.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { writeLegacyDir } from '../migration/legacy-dir.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const parts: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      parts.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY: boolean; text: () => string; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  Object.assign(w, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, text: () => parts.join('') });
  return w;
}

describe('lifecycle commands', () => {
  let dir: string;
  let store: SqliteStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-cli-life-'));
    store = SqliteStore.open({ path: join(dir, 'c.db'), blockWriter: null });
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrate --from-jsonl: a progress bar on a terminal, the summary, exit code 2 when lines were skipped, 0 on a clean directory', async () => {
    const legacy = writeLegacyDir(join(dir, 'legacy'), 200);
    const tty = sink(true);
    const summary = await runJsonlMigration(store, legacy.dir, { model: 'f1', batch: '50' }, tty);
    expect(tty.text()).toMatch(/importing .*100%/);
    expect(summary.files.find((f) => f.file === 'predictions.jsonl')!.imported).toBe(legacy.predictionIds.size);
    expect(migrationExitCode(summary)).toBe(2);
    const clean = join(dir, 'clean');
    writeLegacyDir(clean, 50);
    // only the well-formed lines, each id once
    const seen = new Set<string>();
    const good = readFileSync(join(clean, 'predictions.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => {
        try {
          const v = JSON.parse(l) as { prediction_id?: string; predicted_outcome?: unknown };
          if (!v.prediction_id || v.predicted_outcome == null || seen.has(v.prediction_id)) return false;
          seen.add(v.prediction_id);
          return true;
        } catch {
          return false;
        }
      });
    writeFileSync(join(clean, 'predictions.jsonl'), good.join('\n'));
    rmSync(join(clean, 'alerts.jsonl'));
    rmSync(join(clean, 'alert_rules.json'));
    rmSync(join(clean, 'metrics.jsonl'));
    const plain = sink(false);
    const cleanSummary = await runJsonlMigration(store, clean, { model: 'f1-clean' }, plain);
    expect(migrationExitCode(cleanSummary)).toBe(0);
    await expect(runJsonlMigration(store, clean, { model: 'x', batch: '0' }, plain)).rejects.toThrow(/--batch/);
    await expect(runJsonlMigration(store, join(dir, 'nowhere'), { model: 'x' }, plain)).rejects.toThrow(/not a directory/);
  });

  it('models history lists versions like the old registry and every event', async () => {
    const monitoring = new MonitoringService(store);
    const registry = new RegistryService(store, monitoring, new AuditLog(store));
    const actor = { actor: 'cli', request_id: null };
    await registry.register('f1', { version: 'v1', stage: 'staging', metrics: { accuracy: 0.61 } }, actor);
    await store.lifecycle.saveLifecycleConfig('f1', { gates: { latency_p95: { enabled: false }, disparate_impact: { enabled: false } } }, 1);
    await registry.signOff('f1', 'v1', 'ann', null, actor);
    await registry.promote('f1', 'v1', 'production', actor);
    const text = formatHistory(await modelHistory(store, 'f1'));
    expect(text).toMatch(/^versions of f1:\n {2}v1 - Stage: production {2}- \d{4}-\d{2}-\d{2} - signed off by ann - accuracy=0\.61$/m);
    expect(text).toMatch(/v1 {2}stage_changed staging → production {2}by cli/);
    await expect(modelHistory(store, 'nope')).rejects.toThrow(/no model "nope"/);
  });

  it('export writes the bundle where --out says; verify exits 1 naming a tampered file', async () => {
    const incidentId = newIncidentId(Date.UTC(2024, 11, 1));
    await store.alerting.insertIncident(
      openIncident(incidentId, {
        source: 'external', rule_id: null, model_id: 'f1', metric: 'accuracy', value: 0.5, threshold: 0.7, severity: 'WARNING', component: 'model', title: 'acc', message: '',
        affected_groups: [], labels: {}, monitoring_record_id: null, period: { start: Date.UTC(2024, 11, 1, 9), end: Date.UTC(2024, 11, 1, 12) }, channels: [],
      }, newAlertId(Date.UTC(2024, 11, 1)), Date.UTC(2024, 11, 1)),
    );
    const out = join(dir, 'out', 'bundle.tar.gz');
    const config = loadConfig({ env: { DRIFTWATCH_DB: join(dir, 'c.db') } });
    const result = await runExport(store, config, incidentId, out);
    expect(result.path).toBe(out);
    expect(statSync(out).size).toBe(result.bytes);
    expect(result.manifest.files.find((f) => f.path === 'predictions.ndjson')!.rows).toBe(180);
    expect(formatExport(result)).toContain(`driftwatch verify ${out} --sha256 ${result.sha256}`);
    const good = await verifyBundle(out, { expectedSha256: result.sha256 });
    expect(formatVerify(out, good)).toMatch(/^OK: /);

    const tar = gunzipSync(readFileSync(out));
    const at = tar.indexOf('"condition_key"'); // only in incident.json
    tar[at + 20] ^= 1;
    const bad = join(dir, 'bad.tar.gz');
    writeFileSync(bad, gzipSync(tar));
    const v = await verifyBundle(bad);
    expect(v.ok).toBe(false);
    const text = formatVerify(bad, v);
    expect(text).toMatch(/^FAILED: /);
    expect(text).toMatch(/BAD {2}incident\.json: SHA-256/);
  });
});
