#!/usr/bin/env node
/**
 * Checks that driftwatch's JSON report and the anchor's JSON give the same numbers per feature.
 * Usage: compare.mjs anchor.json driftwatch.json [relTol=1e-6]. Exit 1 on any mismatch.
 */
import { readFileSync } from 'node:fs';

const [anchorPath, oursPath, tolText] = process.argv.slice(2);
const tol = Number(tolText ?? 1e-6);
const anchor = JSON.parse(readFileSync(anchorPath, 'utf8'));
const ours = JSON.parse(readFileSync(oursPath, 'utf8'));
const byName = new Map(ours.features.map((f) => [f.name, f]));

// anchor key → [our test, which number of it]
const PAIRS = {
  ks: [['ks', 'statistic'], ['ks', 'p_value']],
  wasserstein: [['wasserstein', 'value']],
  cvm: [['cramer_von_mises', 'statistic'], ['cramer_von_mises', 'p_value']],
  chi_square: [['chi_square', 'statistic'], ['chi_square', 'p_value']],
  psi: [['psi', 'statistic']],
  js: [['jensen_shannon', 'statistic']],
  kl: [['kl_divergence', 'statistic']],
};

const relDiff = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
let checked = 0;
const mismatches = [];
for (const [feature, values] of Object.entries(anchor)) {
  const f = byName.get(feature);
  if (!f) {
    mismatches.push(`${feature}: missing from driftwatch's report`);
    continue;
  }
  for (const [key, value] of Object.entries(values)) {
    const expected = Array.isArray(value) ? value : [value];
    (PAIRS[key] ?? []).forEach(([test, field], i) => {
      const run = f.tests.find((t) => t.test === test);
      const got = run?.[field];
      checked++;
      if (got === undefined || got === null || !(relDiff(expected[i], got) <= tol)) {
        mismatches.push(`${feature} ${key}[${i}] (${test}.${field}): anchor ${expected[i]}, driftwatch ${got} (rel ${got == null ? '-' : relDiff(expected[i], got).toExponential(2)})`);
      }
    });
  }
}
console.log(`compared ${checked} numbers over ${Object.keys(anchor).length} features at ${tol} relative: ${mismatches.length} mismatch(es)`);
for (const m of mismatches) console.log(`  ${m}`);
process.exit(mismatches.length === 0 ? 0 : 1);
