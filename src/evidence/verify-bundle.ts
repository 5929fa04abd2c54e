import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { BUNDLE_FORMAT, MANIFEST, type Manifest } from './export-bundle.js';
import { readTar } from './tar.js';

/** The verdict on one file of a bundle. */
export interface FileCheck {
  path: string;
  ok: boolean;
  bytes: number | null;
  sha256: string | null;
  expected_sha256: string | null;
  problem?: string;
}

export interface VerifyResult {
  ok: boolean;
  bundle_id: string | null;
  incident_id: string | null;
  /** SHA-256 of the .tar.gz itself */
  archive_sha256: string;
  files: FileCheck[];
  /** every problem found, naming the file */
  problems: string[];
}

const MAX_MANIFEST = 16 << 20;
const isManifest = (v: unknown): v is Manifest =>
  typeof v === 'object' && v !== null && (v as Manifest).format === BUNDLE_FORMAT && Array.isArray((v as Manifest).files) && (v as Manifest).files.every((f) => typeof f?.path === 'string' && typeof f?.sha256 === 'string' && typeof f?.bytes === 'number');

/**
 * Check a bundle against its manifest, streaming (no file is held whole, except the manifest):
 * every listed file present once with its size and SHA-256, nothing unlisted, the archive
 * intact. With `expectedSha256` (the hash the server recorded), the archive itself must match
 * too, which catches a bundle whose manifest was rewritten along with a file.
 */
export async function verifyBundle(path: string, options: { expectedSha256?: string } = {}): Promise<VerifyResult> {
  const problems: string[] = [];
  const files: FileCheck[] = [];
  const archiveHash = createHash('sha256');
  let manifest: Manifest | null = null;
  let prefix: string | null = null;
  const seen = new Set<string>();

  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip();
  raw.on('data', (c) => archiveHash.update(c as Buffer));
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);

  try {
    let first = true;
    await readTar(gunzip, (entry) => {
      const isFirst = first;
      first = false;
      if (isFirst) {
        const slash = entry.name.lastIndexOf('/');
        prefix = slash >= 0 ? entry.name.slice(0, slash + 1) : '';
        const chunks: Buffer[] = [];
        let size = 0;
        return {
          data: (c) => {
            size += c.length;
            if (size <= MAX_MANIFEST) chunks.push(Buffer.from(c));
          },
          end: () => {
            if (entry.name.slice(prefix!.length) !== MANIFEST) return void problems.push(`${entry.name}: the first file is not ${MANIFEST}`);
            try {
              const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (isManifest(v)) manifest = v;
              else problems.push(`${MANIFEST}: not a ${BUNDLE_FORMAT} manifest`);
            } catch {
              problems.push(`${MANIFEST}: not valid JSON`);
            }
          },
        };
      }
      const rel = prefix !== null && entry.name.startsWith(prefix) ? entry.name.slice(prefix.length) : entry.name;
      const hash = createHash('sha256');
      let bytes = 0;
      return {
        data: (c) => {
          hash.update(c);
          bytes += c.length;
        },
        end: () => {
          const actual = hash.digest('hex');
          const listed = (manifest as Manifest | null)?.files.find((f) => f.path === rel);
          const check: FileCheck = { path: rel, ok: true, bytes, sha256: actual, expected_sha256: listed?.sha256 ?? null };
          if (seen.has(rel)) check.problem = 'appears more than once';
          else if (!listed) check.problem = 'is not listed in the manifest';
          else if (listed.bytes !== bytes) check.problem = `has ${bytes} bytes, the manifest says ${listed.bytes}`;
          else if (listed.sha256 !== actual) check.problem = `SHA-256 ${actual} differs from the manifest's ${listed.sha256}`;
          seen.add(rel);
          if (check.problem) {
            check.ok = false;
            problems.push(`${rel}: ${check.problem}`);
          }
          files.push(check);
        },
      };
    });
  } catch (e) {
    problems.push(`the archive is damaged or not a tar.gz: ${e instanceof Error ? e.message : String(e)}`);
  }
  const m = manifest as Manifest | null;
  if (!m && !problems.some((p) => p.startsWith(MANIFEST))) problems.push(`${MANIFEST}: missing`);
  for (const f of m?.files ?? []) {
    if (!seen.has(f.path)) {
      files.push({ path: f.path, ok: false, bytes: null, sha256: null, expected_sha256: f.sha256, problem: 'is missing from the archive' });
      problems.push(`${f.path}: is missing from the archive`);
    }
  }
  const archiveSha = archiveHash.digest('hex');
  if (options.expectedSha256 && options.expectedSha256.toLowerCase() !== archiveSha) problems.push(`the archive's SHA-256 ${archiveSha} differs from the expected ${options.expectedSha256}`);
  return { ok: problems.length === 0, bundle_id: m?.bundle_id ?? null, incident_id: m?.incident_id ?? null, archive_sha256: archiveSha, files, problems };
}
