import { describe, expect, it } from "vitest";
import { SharedBufferPool } from "../../src/merge/shared-buffer-pool.js";

const MiB = 1 << 20;

describe("SharedBufferPool", () => {
  it("hands out shared views of the size asked for and reuses released buffers that fit", () => {
    const pool = new SharedBufferPool(100 * MiB);
    const a = pool.acquire(3 * MiB + 5);
    expect(a.byteLength).toBe(3 * MiB + 5);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    pool.release(a);
    const b = pool.acquire(3 * MiB);
    expect(b.buffer).toBe(a.buffer);
    expect(pool.allocatedEver).toBe(4 * MiB);
  });

  it("does not park a small tensor in a much larger buffer", () => {
    const pool = new SharedBufferPool(1000 * MiB);
    const big = pool.acquire(64 * MiB);
    pool.release(big);
    const small = pool.acquire(8 * MiB);
    expect(small.buffer).not.toBe(big.buffer);
    // A slightly smaller request still reuses it.
    pool.release(small);
    expect(pool.acquire(60 * MiB).buffer).toBe(big.buffer);
  });

  it("lets free buffers go to stay under its limit, but never fails a request", () => {
    const pool = new SharedBufferPool(32 * MiB);
    const held = [pool.acquire(10 * MiB), pool.acquire(10 * MiB)];
    for (const h of held) pool.release(h);
    expect(pool.allocated).toBe(20 * MiB);
    // 20 MiB does not fit either free buffer: they are dropped, largest first, until it fits.
    const next = pool.acquire(20 * MiB);
    expect(pool.allocated).toBe(30 * MiB);
    // Larger than the limit with nothing free to drop: still served.
    expect(pool.acquire(40 * MiB).byteLength).toBe(40 * MiB);
    pool.release(next);
    pool.clear();
    expect(pool.allocated).toBe(40 * MiB);
  });
});
