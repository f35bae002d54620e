/**
 * Reusable float32 buffers for task vectors, which live only during one `merge` call.
 *
 * Why module-level: a fresh 64 MiB Float32Array costs ~65 ms in page faults and zeroing before the
 * first useful write, more than the whole delta pass that fills it (~12 ms into a reused buffer),
 * and large ArrayBuffers push V8 into extra full GCs. Merges run synchronously, one at a time per
 * thread (each worker has its own module instance), and no returned value ever aliases these
 * buffers, so sharing them between calls is safe.
 *
 * Retention is bounded: requests needing more than RETAIN_LIMIT elements in total get fresh
 * arrays that the GC reclaims as before. Below it the pool only grows to the largest request, so
 * a thread's peak memory is what it was without the pool; only the idle footprint is higher.
 */

/** At most this many float32 elements (1 GiB) stay allocated between calls, per thread. */
const RETAIN_LIMIT = 2 ** 28;

let pool: Float32Array[] = [];

/**
 * `count` arrays of `n` elements with unspecified contents (callers overwrite every element).
 * Valid until the next call; never return them to a caller of `merge`.
 */
export function scratchVectors(count: number, n: number): Float32Array[] {
  if (count * n > RETAIN_LIMIT) {
    pool = [];
    return Array.from({ length: count }, () => new Float32Array(n));
  }
  const out: Float32Array[] = [];
  for (let m = 0; m < count; m++) {
    if (m >= pool.length || pool[m].length < n) pool[m] = new Float32Array(n);
    out.push(pool[m].subarray(0, n));
  }
  // Buffers kept from earlier, larger requests can add up past the limit: then start over.
  if (pool.reduce((total, buffer) => total + buffer.length, 0) > RETAIN_LIMIT) pool = [];
  return out;
}
