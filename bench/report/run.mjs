#!/usr/bin/env node
/**
 * bench/report: `driftwatch report` against the anchor (pandas + scipy), side by side in one run.
 *
 *   node bench/report/run.mjs            # N=3 repetitions each, alternating
 *   N=5 SKIP_BUILD=1 ONE_THREAD=1 node bench/report/run.mjs   # also a one-thread run
 *
 * Generates the standard workload once into bench/.work/report/workload (100,000 reference
 * and 1,000,000 current rows, 15 numeric + 5 categorical features), builds (npm run build),
 * then per repetition runs the anchor and driftwatch with the anchor's tests, each under
 * /usr/bin/time -v (wall time, peak RSS). Prints medians and ratios, checks that both give
 * the same numbers per feature (1e-6 relative, compare.mjs), and writes results.json.
 * driftwatch runs twice per repetition: through dist/cli/main.js (what users type; its start-up
 * loads every subcommand) and through report-cli.mjs (the report command alone).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const anchors = process.env.ANCHORS ?? '/work/shared/anchors';
const work = join(root, 'bench', '.work', 'report');
const data = join(work, 'workload');
const N = Number(process.env.N ?? 3);
const TESTS = 'ks,wasserstein,cramer_von_mises,psi,jensen_shannon,kl_divergence,chi_square';
const PY = '/usr/bin/python3';

mkdirSync(work, { recursive: true });
if (!existsSync(join(data, 'current.csv'))) {
  console.log('generating the standard workload (100,000 + 1,000,000 rows)…');
  execFileSync(PY, [join(anchors, 'gen_workload.py'), data, '100000', '1000000'], { stdio: 'inherit' });
}
if (!process.env.SKIP_BUILD) {
  // tsc emits even when some file of the tree does not type-check; what matters is the output
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) console.warn(`npm run build reported errors (using what it emitted):\n${build.stdout.slice(0, 2000)}`);
}
if (!existsSync(join(root, 'dist', 'cli', 'report.js'))) throw new Error('dist/cli/report.js is missing: npm run build');
if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is missing: apt-get install -y time');

const files = ['--reference', join(data, 'reference.csv'), '--current', join(data, 'current.csv'), '--schema', join(data, 'schema.json')];
const main = join(root, 'dist', 'cli', 'main.js');
const mainKnowsReport = existsSync(main) && spawnSync('node', [main, 'report', '--help'], { encoding: 'utf8' }).status === 0;
const contenders = [
  { name: 'anchor (pandas + scipy)', out: join(work, 'anchor.json'), cmd: [PY, join(anchors, 'anchor_drift.py'), ...files.filter((_, i) => i % 2 === 1)] },
];
const reportArgs = (out) => ['report', ...files, '--tests', TESTS, '--format', 'json', '--out', out];
if (mainKnowsReport) {
  contenders.push({ name: 'driftwatch (dist/cli/main.js)', out: join(work, 'driftwatch.json'), cmd: ['node', main, ...reportArgs(join(work, 'driftwatch.json'))] });
}
contenders.push({
  name: 'driftwatch (report command alone)',
  out: join(work, 'driftwatch-lean.json'),
  cmd: ['node', join(here, 'report-cli.mjs'), ...reportArgs(join(work, 'driftwatch-lean.json'))],
});
if (process.env.ONE_THREAD) {
  contenders.push({
    name: 'driftwatch (alone, --threads 1)',
    out: join(work, 'driftwatch-1t.json'),
    cmd: ['node', join(here, 'report-cli.mjs'), ...reportArgs(join(work, 'driftwatch-1t.json')), '--threads', '1'],
  });
}

/** Runs a command under /usr/bin/time -v; the anchor writes JSON to stdout, driftwatch to --out. */
function measure(c) {
  const r = spawnSync('/usr/bin/time', ['-v', ...c.cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    // leave out /usr/bin/time's report (tab-indented), keep the program's own error
    const own = r.stderr.split('\n').filter((l) => !l.startsWith('\t')).join('\n');
    throw new Error(`${c.name} failed (exit ${r.status}):\n${own}`);
  }
  if (c.cmd[0] === PY) writeFileSync(c.out, r.stdout);
  const field = (label) => r.stderr.match(new RegExp(`${label}: (.*)`))[1].trim();
  const [m, s] = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').slice(-2).map(Number);
  return { wall_s: m * 60 + s, peak_rss_mb: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024, user_s: Number(field('User time \\(seconds\\)')), sys_s: Number(field('System time \\(seconds\\)')) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = contenders.map(() => []);
const load = [loadavg()[0]];
for (let i = 0; i < N; i++) {
  contenders.forEach((c, k) => {
    const m = measure(c);
    runs[k].push(m);
    console.log(`run ${i + 1}/${N}  ${c.name.padEnd(34)} ${m.wall_s.toFixed(2)} s  ${m.peak_rss_mb.toFixed(0)} MB  (cpu ${(m.user_s + m.sys_s).toFixed(2)} s)`);
  });
  load.push(loadavg()[0]);
}

const summary = contenders.map((c, k) => ({
  name: c.name,
  wall_s: runs[k].map((r) => r.wall_s),
  median_wall_s: median(runs[k].map((r) => r.wall_s)),
  median_cpu_s: median(runs[k].map((r) => r.user_s + r.sys_s)),
  median_peak_rss_mb: median(runs[k].map((r) => r.peak_rss_mb)),
}));
const anchor = summary[0];
console.log(`\n${'contender'.padEnd(36)} median wall   median cpu   peak RSS   speed-up`);
for (const s of summary) {
  const ratio = anchor.median_wall_s / s.median_wall_s;
  console.log(`${s.name.padEnd(36)} ${s.median_wall_s.toFixed(2).padStart(8)} s ${s.median_cpu_s.toFixed(2).padStart(9)} s ${s.median_peak_rss_mb.toFixed(0).padStart(7)} MB ${ratio.toFixed(1).padStart(8)}×`);
}
console.log(`load average during the run: ${load.map((l) => l.toFixed(2)).join(' → ')} (${cpus().length} cores)\n`);

let same = true;
for (const c of contenders.slice(1)) {
  const r = spawnSync('node', [join(here, 'compare.mjs'), contenders[0].out, c.out], { encoding: 'utf8' });
  console.log(`${c.name}: ${r.stdout.trim()}`);
  same &&= r.status === 0;
}
writeFileSync(
  join(work, 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), repetitions: N, tests: TESTS, load_average: load, summary, same_numbers: same }, null, 2),
);
console.log(`\nresults: ${join(work, 'results.json')}`);
process.exitCode = same ? 0 : 1;
