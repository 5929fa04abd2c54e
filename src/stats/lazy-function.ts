/**
 * A function from a CommonJS package, loaded on its first call. Each @stdlib package is dozens of
 * small files, and loading one costs tens of milliseconds; the drift tests that only some
 * analyses run (t-tests, Mann–Whitney, the TVD permutation test) load theirs when they first run,
 * so `driftwatch report` with other tests, and every start-up that imports the test registry, does
 * not pay for them.
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
