import { AppError } from '../errors/catalog.js';

/** Where a problem with an input file was found, for messages and API details. */
export interface InputLocation {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
}

/**
 * A problem with a user's input file (CSV, NDJSON, schema): a 400 `validation_failed` in the
 * API, a non-zero exit in the CLI. The message names the file, and the line or field when known.
 */
export function inputError(location: InputLocation, problem: string): AppError {
  const where = [
    location.file,
    location.line !== undefined ? `line ${location.line}` : undefined,
    location.field !== undefined ? `field '${location.field}'` : undefined,
  ].filter((x) => x !== undefined);
  return new AppError('validation_failed', `${where.join(', ')}: ${problem}`, location);
}
