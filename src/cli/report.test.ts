import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTestSelection, parseThresholds, resolveFormat } from './report-command.js';
import { registerReport } from './report.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/report/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dw-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `driftwatch report …` in-process; commander errors throw instead of exiting. */
async function report(...args: string[]): Promise<void> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  registerReport(program);
  await program.parseAsync(['node', 'driftwatch', 'report', ...args]);
}
const files = ['--reference', fixture('reference.csv'), '--current', fixture('current.csv'), '--schema', fixture('schema.json')];

describe('driftwatch report', () => {
  it('writes the report in the format of --out', async () => {
    const json = join(dir, 'r.json');
    await report(...files, '--out', json, '--tests', 'ks,PSI,chisquare', '--threads', '1');
    const parsed = JSON.parse(readFileSync(json, 'utf8'));
    expect(parsed.features).toHaveLength(5);
    expect(parsed.features[0].tests.map((t: { test: string }) => t.test)).toEqual(['ks', 'psi']);
    const html = join(dir, 'r.html');
    await report(...files, '--out', html, '--threads', '1');
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const text = join(dir, 'r.txt');
    await report(...files, '--out', text, '--format', 'text', '--threshold', 'ks=0.001', '--threads', '1');
    expect(readFileSync(text, 'utf8')).toMatch(/num_a +\| numeric +\| ks +\| [\d.]+ +\| [\de.-]+ +\| 0\.001 /);
  });

  it('fails naming the file, field or option on bad input', async () => {
    const badSchema = join(dir, 'bad-schema.json');
    writeFileSync(badSchema, JSON.stringify({ features: [{ name: 'num_a', type: 'float' }] }));
    await expect(report(...files.slice(0, 4), '--schema', badSchema)).rejects.toThrow(/bad-schema\.json, field 'features\[0\]\.type'/);
    const missingColumn = join(dir, 'missing-column.json');
    writeFileSync(missingColumn, JSON.stringify({ features: [{ name: 'income', type: 'numeric' }] }));
    await expect(report(...files.slice(0, 4), '--schema', missingColumn)).rejects.toThrow(/reference\.csv, line 1, field 'income': the header has no column 'income'/);
    await expect(report('--reference', join(dir, 'nope.csv'), ...files.slice(2))).rejects.toThrow(/nope\.csv: cannot read the file/);
    await expect(report(...files, '--tests', 'ks,bogus')).rejects.toThrow(/field '--tests': unknown drift test "bogus"; valid names: .*wasserstein/);
    await expect(report(...files, '--format', 'pdf')).rejects.toThrow(/field '--format': must be json, text or html/);
    await expect(report(...files.slice(2))).rejects.toThrow(/required option '--reference <file>' not specified/);
  });
});

describe('report options', () => {
  it('parses --tests, --threshold and the format', () => {
    expect(parseTestSelection(undefined)).toEqual({ mode: 'default' });
    expect(parseTestSelection('ALL')).toEqual({ mode: 'all' });
    expect(parseTestSelection('kl_div, jensenshannon,ks,ks')).toEqual({ mode: 'list', names: ['kl_divergence', 'jensen_shannon', 'ks'] });
    expect(parseThresholds('ks=0.01, psi=0.2')).toEqual({ ks: 0.01, psi: 0.2 });
    expect(() => parseThresholds('ks')).toThrow(/"ks" must be test=number/);
    expect(() => parseThresholds('ks=abc')).toThrow(/must be test=number/);
    expect(resolveFormat(undefined, 'x.HTML')).toBe('html');
    expect(resolveFormat(undefined, 'x.json')).toBe('json');
    expect(resolveFormat(undefined, undefined)).toBe('text');
  });
});
