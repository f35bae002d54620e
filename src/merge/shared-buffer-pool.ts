/**
 * Large buffers the executor reuses from tensor to tensor: inputs are read into them and outputs
 * encoded into them, and worker threads see the same memory (SharedArrayBuffer), so nothing is
 * copied or transferred between threads. Reuse matters more than it seems: a fresh buffer costs a
 * page fault and a zeroed page per 4 KiB on first touch, which on the project's VM is several
 * times slower than reading the same bytes from the page cache.
 *
 * Buffers are handed out best-fit (the smallest free one that is large enough), but never one much
 * larger than asked for: a 23 MB tensor parked in a 131 MB buffer would hold memory the executor's
 * budget does not see. The pool keeps at most `limit` bytes allocated when it can: on a miss it
 * first lets go of free buffers (the GC reclaims them) so that the new one fits under the limit;
 * buffers in use are never dropped, so a single request larger than the limit still succeeds.
 */
export class SharedBufferPool {
  readonly #limit: number;
  #free: SharedArrayBuffer[] = [];
  #allocated = 0;
  #fresh = 0;

  /** @param limit - Bytes the pool tries to stay under (in use plus free). */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Bytes currently allocated (in use plus free). */
  get allocated(): number {
    return this.#allocated;
  }

  /** Bytes of all buffers ever allocated (what reuse saves is this minus `allocated`). */
  get allocatedEver(): number {
    return this.#fresh;
  }

  /** A view of exactly `bytes` bytes at the start of a shared buffer; give it back with `release`. */
  acquire(bytes: number): Uint8Array {
    // Fits: at most an eighth (or 1 MiB, the rounding step) larger than the rounded request.
    const largest = roundUp(bytes) + Math.max(1 << 20, roundUp(bytes) >> 3);
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i].byteLength;
      if (size >= bytes && size <= largest && (best < 0 || size < this.#free[best].byteLength)) best = i;
    }
    if (best >= 0) return new Uint8Array(this.#free.splice(best, 1)[0], 0, bytes);
    // None fits: let free buffers go, largest first, until a new one fits under the limit.
    const size = roundUp(bytes);
    this.#free.sort((a, b) => b.byteLength - a.byteLength);
    while (this.#free.length > 0 && this.#allocated + size > this.#limit) this.#allocated -= this.#free.shift()!.byteLength;
    this.#allocated += size;
    this.#fresh += size;
    return new Uint8Array(new SharedArrayBuffer(size), 0, bytes);
  }

  /** Returns a buffer from `acquire` to the pool. */
  release(view: Uint8Array): void {
    const buffer = view.buffer;
    if (!(buffer instanceof SharedArrayBuffer) || this.#free.includes(buffer)) return;
    this.#free.push(buffer);
  }

  /** Lets every free buffer go. */
  clear(): void {
    for (const b of this.#free) this.#allocated -= b.byteLength;
    this.#free = [];
  }
}

/** Sizes are rounded up (to 1 MiB above 1 MiB) so buffers serve tensors of slightly different sizes. */
function roundUp(bytes: number): number {
  return bytes <= 1 << 20 ? Math.max(bytes, 64) : Math.ceil(bytes / (1 << 20)) * (1 << 20);
}
