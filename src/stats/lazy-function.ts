/**
 * A function from a CommonJS package, loaded on its first call. Each @stdlib package is dozens of
 * small files, and loading one costs tens of milliseconds: a test loads its functions when it
 * first runs, so a start-up that imports the test registry pays only for the tests it runs, and
 * when it runs them (`driftwatch report` loads the chi-square test's incomplete gamma function
 * while the worker thread prepares the last numeric feature).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyFunction<F extends (...args: never[]) => unknown>(id: string): F {
  let f: F | undefined;
  return ((...args: Parameters<F>) => {
    f ??= require(id) as F;
    return f(...args);
  }) as F;
}
