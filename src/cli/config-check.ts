import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { parseChannels } from '../alerting/channels/channel-config.js';
import { parseWorkerSettings } from '../alerting/delivery/delivery-config.js';
import { parseLifecycleSettings } from '../registry/lifecycle-settings.js';
import { type Config, ConfigError, type ConfigExtensions } from '../config/config.js';
import { cronProblem } from '../scheduler/scheduler.js';
import { createStore } from '../store/create-store.js';
import { describeStore, loadCommandConfig, maskUrl, storeConfigOf } from './cli-store.js';

// webhook_url: a Slack webhook's token is its path; routing_key: PagerDuty's integration key
const SECRET_KEY = /(token|secret|password|passwd|api[_-]?key|private[_-]?key|credentials?|webhook_url|routing_key|authorization)$/i;
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/\s]*:[^@/\s]*@/i;

/** A copy of a config value with secrets replaced by `***` (keys that name secrets, passwords in URLs). */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && value.length > 0) return '***';
    if (URL_WITH_CREDENTIALS.test(value)) return maskUrl(value);
  }
  return value;
}

/** The problems a section parser throws (none when it parses). */
function problemsOf(parse: () => unknown): { key: string; problem: string }[] {
  try {
    parse();
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

/** Problems `loadConfig` does not see but a start would fail on. */
export function extraProblems(config: Config): { key: string; problem: string }[] {
  const problems: { key: string; problem: string }[] = [];
  for (const key of ['retention_cron', 'compaction_cron'] as const) {
    const cron = cronProblem(config.scheduler[key]);
    if (cron) problems.push({ key: `scheduler.${key}`, problem: cron });
  }
  return problems;
}

/** `scheduler.retention_cron` as written in the file (when it is a string). */
function rawRetentionCron(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    const doc = parseYaml(readFileSync(file, 'utf8')) as { scheduler?: { retention_cron?: unknown } } | null;
    const v = doc?.scheduler?.retention_cron;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The result of a check: the effective config (masked) or every problem, naming the key. */
export async function checkConfig(
  opts: { config?: string; connect?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ok: true; text: string } | { ok: false; text: string }> {
  let config: Config & { extensions: ConfigExtensions };
  try {
    config = loadCommandConfig({ config: opts.config }, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // loadConfig stops at its own problems; add the ones it does not check so the list is whole
    const cron = rawRetentionCron(opts.config ?? env.DRIFTWATCH_CONFIG);
    const problem = cron === undefined ? null : cronProblem(cron);
    const all = problem && !e.problems.some((p) => p.key === 'scheduler.retention_cron') ? [...e.problems, { key: 'scheduler.retention_cron', problem }] : e.problems;
    return { ok: false, text: new ConfigError(all).message };
  }
  // the channels and delivery sections are checked as the server would (env channels included)
  const problems = [...extraProblems(config), ...problemsOf(() => parseChannels(config.extensions, env)), ...problemsOf(() => parseWorkerSettings(config.extensions))];
  // lifecycle: (registry, triggers, legal holds, evidence), its event channels among the configured ones
  const channelNames = problemsOf(() => parseChannels(config.extensions, env)).length ? null : ['console', ...parseChannels(config.extensions, env).map((c) => c.name)];
  problems.push(...problemsOf(() => parseLifecycleSettings(config.extensions, channelNames)));
  if (problems.length) return { ok: false, text: new ConfigError(problems).message };
  const lines: string[] = [];
  if (opts.connect) {
    try {
      const store = await createStore(storeConfigOf(config), { migrate: false });
      try {
        await store.ping();
        const m = await store.migrationStatus();
        lines.push(`store: ${describeStore(config)} reachable; migrations applied ${m.applied.length}, pending ${m.pending.length}`);
      } finally {
        await store.close();
      }
    } catch (e) {
      return { ok: false, text: `invalid configuration:\n  store: cannot open ${describeStore(config)}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  const { extensions, ...known } = config;
  const effective = { ...(maskSecrets(known) as object), ...(maskSecrets(extensions) as object) };
  return { ok: true, text: [`configuration is valid${opts.config ? ` (${opts.config} + environment)` : ' (defaults + environment)'}`, ...lines, '', toYaml(effective).trimEnd()].join('\n') };
}

/** `driftwatch config check`: validate without starting. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate the configuration (file + env) without starting; print it with secrets masked, or every problem')
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .option('--connect', 'also open the store and check that it answers')
    .action(async (opts: { config?: string; connect?: boolean }) => {
      const result = await checkConfig(opts);
      if (result.ok) console.log(result.text);
      else {
        console.error(result.text);
        process.exitCode = 1;
      }
    });
}
