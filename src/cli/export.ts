import type { Command } from 'commander';
import type { Config, ConfigExtensions } from '../config/config.js';
import { type ExportResult, exportEvidence } from '../evidence/export-bundle.js';
import { type VerifyResult, verifyBundle } from '../evidence/verify-bundle.js';
import { AuditLog } from '../observability/audit.js';
import { evidenceDirOf } from '../registry/lifecycle-services.js';
import { parseLifecycleSettings } from '../registry/lifecycle-settings.js';
import { LegalHolds } from '../scheduler/legal-hold.js';
import type { Store } from '../store/store.js';
import { addStoreOptions, type StoreCommandOptions, withStore } from './cli-store.js';

const CLI_ACTOR = { actor: 'cli', request_id: null };

/** Export an incident's evidence with the configured settings (evidence dir, legal-hold release). */
export async function runExport(store: Store, config: Config & { extensions: ConfigExtensions }, incidentId: string, out?: string): Promise<ExportResult> {
  const settings = parseLifecycleSettings(config.extensions, null);
  return exportEvidence(store, incidentId, {
    dir: evidenceDirOf(config, settings),
    outPath: out,
    actor: CLI_ACTOR,
    audit: new AuditLog(store),
    holds: new LegalHolds(store, settings.legal_hold.release_on),
  });
}

export function formatExport(r: ExportResult): string {
  const width = Math.max(...r.manifest.files.map((f) => f.path.length));
  return [
    `evidence bundle ${r.bundle_id} of incident ${r.incident_id}`,
    `  file    ${r.path}`,
    `  size    ${r.bytes.toLocaleString('en-US')} bytes`,
    `  sha256  ${r.sha256}`,
    `  period  ${r.manifest.analysis_period ? `${r.manifest.analysis_period.start} – ${r.manifest.analysis_period.end}` : '(none)'}`,
    ...r.manifest.files.map((f) => `  ${f.path.padEnd(width)}  ${String(f.bytes).padStart(12)} bytes${f.rows === undefined ? '' : `  ${f.rows.toLocaleString('en-US')} rows`}`),
    `check it with: driftwatch verify ${r.path} --sha256 ${r.sha256}`,
  ].join('\n');
}

export function formatVerify(path: string, v: VerifyResult): string {
  const lines = [`${v.ok ? 'OK' : 'FAILED'}: ${path}${v.bundle_id ? ` (bundle ${v.bundle_id}, incident ${v.incident_id})` : ''}`];
  for (const f of v.files) lines.push(`  ${f.ok ? 'ok ' : 'BAD'}  ${f.path}${f.problem ? `: ${f.problem}` : ''}`);
  for (const p of v.problems.filter((p) => !v.files.some((f) => p.startsWith(`${f.path}:`)))) lines.push(`  BAD  ${p}`);
  lines.push(`  archive sha256 ${v.archive_sha256}`);
  return lines.join('\n');
}

/** `driftwatch export --incident ID [--out FILE]`. */
export function registerExport(program: Command): void {
  addStoreOptions(
    program
      .command('export')
      .description('export an incident’s evidence (incident, alerts, deliveries, record, report, baseline, predictions, outcomes, audit) as a verifiable .tar.gz')
      .requiredOption('--incident <id>', 'the incident (INC-…)')
      .option('-o, --out <file>', 'where to write the bundle (default: the evidence directory)')
      .option('--json', 'print the result as JSON'),
  ).action(async (opts: StoreCommandOptions & { incident: string; out?: string; json?: boolean }) => {
    const result = await withStore(opts, (store, config) => runExport(store, config as Config & { extensions: ConfigExtensions }, opts.incident, opts.out));
    console.log(opts.json ? JSON.stringify(result, null, 2) : formatExport(result));
  });
}

/** `driftwatch verify BUNDLE`. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check an evidence bundle against its manifest (exit 0 when every file matches, 1 naming the bad ones)')
    .argument('<bundle>', 'the .tar.gz')
    .option('--sha256 <hex>', 'the archive hash the server recorded (catches a rewritten manifest)')
    .option('--json', 'print the result as JSON')
    .action(async (bundle: string, opts: { sha256?: string; json?: boolean }) => {
      const v = await verifyBundle(bundle, { expectedSha256: opts.sha256 });
      console.log(opts.json ? JSON.stringify(v, null, 2) : formatVerify(bundle, v));
      if (!v.ok) process.exitCode = 1;
    });
}
