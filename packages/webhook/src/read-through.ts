/**
 * Makes every member of `standard()` (Request.prototype, Response.prototype) that `fast` does not
 * define itself read through to the real object `real(this)` returns, and chains the prototypes,
 * so a cheap stand-in is `instanceof` the standard class and behaves as one in every respect.
 *
 * Done on the first stand-in made, not when the module loads: Node loads its fetch
 * implementation the first time `Request`, `Response` or `Headers` is touched, which would
 * double the time `import('@siphook/webhook')` takes (bench/cold-start.bench.mjs).
 */
export function readThroughOnce<T extends object>(
  fast: object,
  standard: () => T,
  real: (self: never) => T,
): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    readThrough(fast, standard(), real);
  };
}

function readThrough<T extends object>(fast: object, standard: T, real: (self: never) => T): void {
  Object.setPrototypeOf(fast, standard);
  const served = new Set<string | symbol>(Reflect.ownKeys(fast));
  for (const key of Reflect.ownKeys(standard)) {
    if (served.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(standard, key)!;
    if (typeof descriptor.value === 'function') {
      Object.defineProperty(fast, key, {
        value(this: never, ...args: unknown[]) {
          const target = real(this) as unknown as Record<
            string | symbol,
            (...values: unknown[]) => unknown
          >;
          return target[key]!(...args);
        },
        configurable: true,
        writable: true,
      });
    } else if (descriptor.get !== undefined) {
      Object.defineProperty(fast, key, {
        get(this: never) {
          return (real(this) as unknown as Record<string | symbol, unknown>)[key];
        },
        configurable: true,
      });
    }
  }
}
