import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ABS_MASK, addHighDigits, addLowDigits } from "../../../src/methods/select-top-k.js";
import { keepAtOrAbove } from "../../../src/methods/sparsify-magnitude.js";
import { resetKernelScratch, scratchBytes, simdKernels } from "../../../src/methods/wasm/index.js";
import { flagCutBucket, gatherFlagged, gatherFlaggedBits, trimTaskVectorAtBucket, trimTaskVectorInBracket } from "../../../src/methods/cut-bucket.js";
import { addTaskVectorHighDigits, addTaskVectorLowDigits } from "../../../src/methods/task-vector-digits.js";
import { taskVector } from "../../../src/methods/task-vectors.js";
import { simdAddHighDigits, simdAddLowDigits, simdFlagCutBucket, simdGatherFlagged, simdGatherFlaggedBits, simdKeepAtOrAbove, simdTaskVectorHighDigits, simdTaskVectorLowDigits, simdTrimTaskVectorAtBucket, simdTrimTaskVectorInBracket } from "../../../src/methods/wasm/simd-digits.js";
import { seededRandom, type SeededRandom } from "../../helpers/seeded-random.js";
import { randomBits, plainCopy } from "./float-bits.js";
import { NUM_RUNS, caseArb, outcomes, kernelFloats, kernelOut, kernelWords, useKernels } from "./kernel-cases.js";

/**
 * The magnitude-digit kernels (radix-select counting passes and the trim) against the TypeScript
 * loops of select-top-k.ts and sparsify-magnitude.ts, on the same keys in kernel memory and as
 * ordinary arrays. Integer work: they must agree on every input.
 */

useKernels();

/**
 * Keys as task vectors give them: from a small pool of float32 bits (with either sign, so ties
 * and crowded digits occur) or any 32-bit pattern.
 */
function randomKeys(r: SeededRandom, n: number, into: Uint32Array): Uint32Array {
  const pool = Array.from({ length: r.int(1, 6) }, () => randomBits(r));
  for (let i = 0; i < n; i++) into[i] = r.next() < 0.7 ? (pool[r.int(0, pool.length - 1)] ^ (r.next() < 0.5 ? 0x80000000 : 0)) >>> 0 : randomBits(r);
  return into;
}

/** A digit table (65536 counts) in kernel memory with arbitrary counts already in it. */
function kernelTable(r: SeededRandom): Uint32Array {
  const table = kernelWords(65536);
  const salt = randomBits(r);
  for (let b = 0; b < 65536; b++) table[b] = (Math.imul(b, 0x9e3779b1) ^ salt) >>> 20;
  return table;
}

function inKernelBytes(n: number): Uint8Array {
  const bytes = scratchBytes(n);
  expect(bytes.buffer).toBe(simdKernels()!.buffer);
  return bytes;
}

function inKernelCopy(values: Float32Array): Float32Array {
  const copy = kernelOut(values.length);
  copy.set(values);
  return copy;
}

/** Where a gather puts its elements: 320-element targets and indices (filled with markers), a start and a cap (sometimes small). */
function gatherTargets(r: SeededRandom, arrays: number): { at: number; cap: number; targets: Uint32Array[]; indices: Uint32Array } {
  const size = 320;
  const at = r.int(0, 20);
  const cap = r.next() < 0.8 ? size : r.int(at, at + 10);
  return { at, cap, targets: Array.from({ length: arrays }, () => kernelWords(size).fill(0xdeadbeef)), indices: kernelWords(size).fill(7) };
}

const sameWords = (a: Uint32Array, b: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("digit kernels", () => {
  it("addHighDigits counts the high 16 bits of |key| into the even and odd tables as the loop does", () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), (c, share) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const keys = randomKeys(r, c.n, kernelWords(c.n));
        const length = Math.round(share * c.n);
        const even = kernelTable(r);
        const odd = kernelTable(r);
        const expectedEven = Uint32Array.from(even);
        const expectedOdd = Uint32Array.from(odd);
        addHighDigits(Uint32Array.from(keys), ABS_MASK, length, expectedEven, expectedOdd);
        expect(simdAddHighDigits(keys, length, even, odd)).toBe(true);
        expect(sameWords(even, expectedEven), "even table").toBe(true);
        expect(sameWords(odd, expectedOdd), "odd table").toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("addLowDigits counts the low 16 bits of the keys in one high digit as the loop does", () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), (c, share) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const keys = randomKeys(r, c.n, kernelWords(c.n));
        const length = Math.round(share * c.n);
        // Mostly a digit that occurs (the cut's bucket), else any.
        const high = c.n > 0 && r.next() < 0.8 ? (keys[r.int(0, c.n - 1)] & ABS_MASK) >>> 16 : r.int(0, 0xffff);
        const low = kernelTable(r);
        const expected = Uint32Array.from(low);
        addLowDigits(Uint32Array.from(keys), ABS_MASK, length, high, expected);
        expect(simdAddLowDigits(keys, length, high, low)).toBe(true);
        expect(sameWords(low, expected), "low table").toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("keepAtOrAbove trims as the loop does: the same bits kept and the same ties left", () => {
    let tiesAtCut = 0;
    fc.assert(
      fc.property(caseArb, fc.integer({ min: -3, max: 310 }), (c, ties) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const bits = randomKeys(r, c.n, kernelWords(c.n));
        const length = r.next() < 0.8 ? c.n : r.int(0, c.n);
        const u = r.next();
        const key = c.n > 0 && u < 0.7 ? (bits[r.int(0, c.n - 1)] & ABS_MASK) >>> 0 : u < 0.8 ? [0, 0x7fffffff, 0x7f800000][r.int(0, 2)] : randomBits(r) >>> 1;
        const expected = Uint32Array.from(bits);
        const left = keepAtOrAbove(expected, ABS_MASK, key, ties, length);
        if (left !== ties) tiesAtCut++;
        expect(simdKeepAtOrAbove(bits, key, ties, length)).toBe(left);
        expect(sameWords(bits, expected), "trimmed bits").toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(tiesAtCut, "runs with elements at the cut").toBeGreaterThan(NUM_RUNS / 4);
  });

  for (const which of ["high", "low"] as const) {
    it(`the fused task-vector ${which}-digit count gives taskVector + add${which === "high" ? "High" : "Low"}Digits' counts, stopping at a NaN task vector (its block of four)`, () => {
      const stopped = outcomes(`addTaskVector${which}Digits`);
      fc.assert(
        fc.property(caseArb, (c) => {
          resetKernelScratch();
          const r = seededRandom(c.seed);
          const x = kernelFloats(c.n, r, c.mix);
          // A base near x (crowded digits and exact zeros) or unrelated to it.
          const base = r.next() < 0.5 ? kernelFloats(c.n, r, c.mix) : inKernelCopy(x.map((v) => (r.next() < 0.3 ? v : Math.fround(v * (1 + (r.next() - 0.5) / 64)))));
          const d = new Float32Array(c.n);
          taskVector(plainCopy(x), plainCopy(base), d);
          const keys = new Uint32Array(d.buffer);
          const high = c.n > 0 && r.next() < 0.8 ? (keys[r.int(0, c.n - 1)] & ABS_MASK) >>> 16 : r.int(0, 0xffff);
          const tables = [kernelTable(r), kernelTable(r)];
          const start = tables.map((t) => Uint32Array.from(t));
          const done = which === "high" ? simdTaskVectorHighDigits(x, base, c.n, tables[0], tables[1]) : simdTaskVectorLowDigits(x, base, c.n, high, tables[0]);
          // The kernel counted elements [0, done): all, or up to the block of four holding the first NaN.
          const firstNaN = d.findIndex((v) => Number.isNaN(v));
          const blocks = c.n - (c.n % 4);
          expect(done).toBe(firstNaN < 0 ? c.n : firstNaN < blocks ? firstNaN - (firstNaN % 4) : firstNaN);
          stopped.record(done === c.n);
          const expected = start.map((t) => Uint32Array.from(t));
          if (which === "high") addHighDigits(keys, ABS_MASK, done, expected[0], expected[1]);
          else addLowDigits(keys, ABS_MASK, done, high, expected[0]);
          expect(sameWords(tables[0], expected[0]), "first table").toBe(true);
          expect(sameWords(tables[1], expected[1]), "second table").toBe(true);
          // The public function finishes the chunk with the loops: the counts of the whole chunk (for
          // high digits the sums of the two tables: the loops may count the rest from an odd element).
          const whole = start.map((t) => Uint32Array.from(t));
          if (which === "high") addHighDigits(keys, ABS_MASK, c.n, whole[0], whole[1]);
          else addLowDigits(keys, ABS_MASK, c.n, high, whole[0]);
          const got = [kernelWords(65536), kernelWords(65536)];
          got.forEach((t, i) => t.set(start[i]));
          const scratch = kernelOut(c.n);
          if (which === "high") addTaskVectorHighDigits(x, base, scratch, new Uint32Array(scratch.buffer, scratch.byteOffset, c.n), got[0], got[1]);
          else addTaskVectorLowDigits(x, base, scratch, new Uint32Array(scratch.buffer, scratch.byteOffset, c.n), high, got[0]);
          const summed = (t: Uint32Array[]) => (which === "high" ? t[0].map((v, b) => v + t[1][b]) : t[0]);
          expect(sameWords(summed(got), summed(whole)) && (which === "high" || sameWords(got[1], whole[1])), "counts of addTaskVector*Digits").toBe(true);
        }),
        // Fewer runs: each copies and compares several 65536-entry tables.
        { numRuns: NUM_RUNS / 3 },
      );
      stopped.expectBoth();
    });
  }

  it("flagCutBucket flags the elements in the cut's bucket and counts their low digits as the loop does", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const bits = randomKeys(r, c.n, kernelWords(c.n));
        const length = r.next() < 0.8 ? c.n : r.int(0, c.n);
        const high = c.n > 0 && r.next() < 0.8 ? (bits[r.int(0, c.n - 1)] & ABS_MASK) >>> 16 : r.int(0, 0xffff);
        const low = kernelTable(r);
        const flags = inKernelBytes(c.n);
        for (let i = 0; i < c.n; i++) flags[i] = r.next() < 0.1 ? 1 : 0;
        const expectedLow = Uint32Array.from(low);
        const expectedFlags = Uint8Array.from(flags);
        flagCutBucket(Uint32Array.from(bits), length, high, expectedLow, expectedFlags);
        expect(simdFlagCutBucket(bits, length, high, low, flags)).toBe(true);
        expect(sameWords(low, expectedLow), "low table").toBe(true);
        expect([...flags]).toEqual([...expectedFlags]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("trimTaskVectorAtBucket gives taskVector, flagCutBucket and the trim below the bucket as the loops do, stopping at a NaN task vector", () => {
    const stopped = outcomes("trimTaskVectorAtBucket");
    fc.assert(
      fc.property(caseArb, (c) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const x = kernelFloats(c.n, r, c.mix);
        const base = r.next() < 0.5 ? kernelFloats(c.n, r, c.mix) : inKernelCopy(x.map((v) => (r.next() < 0.3 ? v : Math.fround(v * (1 + (r.next() - 0.5) / 64)))));
        // The loops on plain arrays: the reference.
        const d = new Float32Array(c.n);
        taskVector(plainCopy(x), plainCopy(base), d);
        const keys = new Uint32Array(d.buffer);
        // Where the kernel stops (before the reference trims d in place).
        const firstNaN = d.findIndex((v) => Number.isNaN(v));
        const high = c.n > 0 && r.next() < 0.8 ? (keys[r.int(0, c.n - 1)] & ABS_MASK) >>> 16 : r.next() < 0.5 ? 0 : r.int(0, 0xffff);
        const low = kernelTable(r);
        const flags = inKernelBytes(c.n);
        for (let i = 0; i < c.n; i++) flags[i] = r.next() < 0.1 ? 1 : 0;
        const expectedLow = Uint32Array.from(low);
        const expectedFlags = Uint8Array.from(flags);
        flagCutBucket(keys, c.n, high, expectedLow, expectedFlags);
        keepAtOrAbove(keys, ABS_MASK, high * 65536 - 1, 0, c.n);
        // The kernel alone: the same up to where it stopped.
        const out = kernelOut(c.n);
        const lowK = kernelWords(65536);
        lowK.set(low);
        const flagsK = inKernelBytes(c.n);
        flagsK.set(flags);
        const done = simdTrimTaskVectorAtBucket(x, base, out, high, lowK, flagsK);
        const blocks = c.n - (c.n % 4);
        expect(done).toBe(firstNaN < 0 ? c.n : firstNaN < blocks ? firstNaN - (firstNaN % 4) : firstNaN);
        stopped.record(done === c.n);
        expect(sameWords(new Uint32Array(out.buffer, out.byteOffset, done), keys.subarray(0, done)), "trimmed task vector").toBe(true);
        expect([...flagsK.subarray(0, done)]).toEqual([...expectedFlags.subarray(0, done)]);
        if (done === c.n) expect(sameWords(lowK, expectedLow), "low table").toBe(true);
        // The public function (on the untouched `low` and `flags`): the whole chunk, the loops doing the rest.
        const whole = kernelOut(c.n);
        trimTaskVectorAtBucket(x, base, whole, high, low, flags);
        expect(sameWords(new Uint32Array(whole.buffer, whole.byteOffset, c.n), keys), "public: trimmed task vector").toBe(true);
        expect([...flags]).toEqual([...expectedFlags]);
        expect(sameWords(low, expectedLow), "public: low table").toBe(true);
      }),
      { numRuns: NUM_RUNS / 3 },
    );
    stopped.expectBoth();
  });

  it("gatherFlagged gathers the flagged elements' indices and bits in index order as the loop does, or reports the cap", () => {
    const seen = outcomes("gatherFlagged");
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1000 }), (c, arrays, start) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const sources = Array.from({ length: arrays }, () => randomKeys(r, c.n, kernelWords(c.n)));
        const flags = inKernelBytes(c.n);
        const share = r.next() * 0.3;
        for (let i = 0; i < c.n; i++) flags[i] = r.next() < share ? 1 + r.int(0, 254) : 0;
        const { at, cap, targets, indices } = gatherTargets(r, arrays);
        const expectedTargets = targets.map((t) => Uint32Array.from(t));
        const expectedIndices = Uint32Array.from(indices);
        const expectedFlags = Uint8Array.from(flags);
        const expected = gatherFlagged(expectedFlags, c.n, start, sources.map((s) => Uint32Array.from(s)), expectedTargets, expectedIndices, at, cap, new Uint32Array(2 * arrays));
        const got = simdGatherFlagged(flags, c.n, start, sources, targets, indices, at, cap, kernelWords(2 * arrays));
        expect(got).toBe(expected);
        seen.record(got !== -1);
        if (got === -1) return;
        expect([...flags].every((f) => f === 0), "flags cleared").toBe(true);
        expect(sameWords(indices, expectedIndices), "indices").toBe(true);
        targets.forEach((t, a) => expect(sameWords(t, expectedTargets[a]), `target ${a}`).toBe(true));
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });

  it("trimTaskVectorInBracket gives taskVector, the trim below the bracket, its flag bits and the count above it as the loop does, stopping at the first NaN task vector", () => {
    const stopped = outcomes("trimTaskVectorInBracket");
    fc.assert(
      fc.property(caseArb, (c) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const x = kernelFloats(c.n, r, c.mix);
        const base = r.next() < 0.5 ? kernelFloats(c.n, r, c.mix) : inKernelCopy(x.map((v) => (r.next() < 0.3 ? v : Math.fround(v * (1 + (r.next() - 0.5) / 64)))));
        // The reference, written out element by element on plain arrays.
        const d = new Float32Array(c.n);
        taskVector(plainCopy(x), plainCopy(base), d);
        const keys = new Uint32Array(d.buffer);
        const firstNaN = d.findIndex((v) => Number.isNaN(v));
        // Bounds at keys of the task vector (ties at both ends), or anywhere in [0, 0x7fffffff].
        const pick = () => (c.n > 0 && r.next() < 0.8 ? keys[r.int(0, c.n - 1)] & ABS_MASK : r.next() < 0.3 ? (r.next() < 0.5 ? 0 : ABS_MASK) : r.int(0, ABS_MASK));
        const [lo, hi] = [pick(), pick()].sort((a, b) => a - b);
        const words = Math.ceil(c.n / 32);
        const flags = kernelWords(words);
        for (let w = 0; w < words; w++) flags[w] = r.next() < 0.2 ? randomBits(r) : 0;
        const expectedFlags = Uint32Array.from(flags);
        let expectedAbove = 0;
        for (let i = 0; i < c.n; i++) {
          const v = keys[i] & ABS_MASK;
          if (v > hi) expectedAbove++;
          else if (v >= lo) expectedFlags[i >>> 5] |= 1 << (i & 31);
          if (v < lo) keys[i] = 0;
        }
        // The kernel alone: the same up to where it stopped.
        const out = kernelOut(c.n);
        const flagsK = kernelWords(words);
        flagsK.set(flags);
        const above = kernelWords(1).fill(5);
        const done = simdTrimTaskVectorInBracket(x, base, out, lo, hi, flagsK, above);
        expect(done).toBe(firstNaN < 0 ? c.n : firstNaN);
        stopped.record(done === c.n);
        expect(sameWords(new Uint32Array(out.buffer, out.byteOffset, done), keys.subarray(0, done)), "trimmed task vector").toBe(true);
        const flagged = (f: Uint32Array, i: number) => (f[i >>> 5] >>> (i & 31)) & 1;
        for (let i = 0; i < done; i++) if (flagged(flagsK, i) !== flagged(expectedFlags, i)) expect.fail(`flag ${i}`);
        if (done === c.n) {
          expect(above[0]).toBe(5 + expectedAbove);
          expect(sameWords(flagsK, expectedFlags), "flag words").toBe(true);
        }
        // The public function: the whole chunk, the loop doing the rest.
        const whole = kernelOut(c.n);
        expect(trimTaskVectorInBracket(x, base, whole, lo, hi, flags, kernelWords(1))).toBe(expectedAbove);
        expect(sameWords(new Uint32Array(whole.buffer, whole.byteOffset, c.n), keys), "public: trimmed task vector").toBe(true);
        expect(sameWords(flags, expectedFlags), "public: flag words").toBe(true);
      }),
      { numRuns: NUM_RUNS / 3 },
    );
    stopped.expectBoth();
  });

  it("gatherFlaggedBits gathers the elements whose bits are set, in index order, as the loop does, or reports the cap", () => {
    const seen = outcomes("gatherFlaggedBits");
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1000 }), (c, arrays, start) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const sources = Array.from({ length: arrays }, () => randomKeys(r, c.n, kernelWords(c.n)));
        const words = Math.ceil(c.n / 32);
        const flags = kernelWords(words).fill(0);
        const share = r.next() * 0.3;
        for (let i = 0; i < c.n; i++) if (r.next() < share) flags[i >>> 5] |= 1 << (i & 31);
        const { at, cap, targets, indices } = gatherTargets(r, arrays);
        // The reference, written out: every flagged element in index order.
        const expectedTargets = targets.map((t) => Uint32Array.from(t));
        const expectedIndices = Uint32Array.from(indices);
        let expected = at;
        for (let i = 0; i < c.n && expected !== -1; i++) {
          if (((flags[i >>> 5] >>> (i & 31)) & 1) === 0) continue;
          if (expected >= cap) expected = -1;
          else {
            expectedIndices[expected] = start + i;
            sources.forEach((s, a) => (expectedTargets[a][expected] = s[i]));
            expected++;
          }
        }
        const plainFlags = Uint32Array.from(flags);
        const plainTargets = targets.map((t) => Uint32Array.from(t));
        const plainIndices = Uint32Array.from(indices);
        const loop = gatherFlaggedBits(plainFlags, c.n, start, sources.map((s) => Uint32Array.from(s)), plainTargets, plainIndices, at, cap, new Uint32Array(2 * arrays));
        const got = simdGatherFlaggedBits(flags, c.n, start, sources, targets, indices, at, cap, kernelWords(2 * arrays));
        expect(got).toBe(expected);
        expect(loop).toBe(expected);
        seen.record(got !== -1);
        if (got === -1) return;
        expect([...flags, ...plainFlags].every((f) => f === 0), "flags cleared").toBe(true);
        for (const [ix, ts] of [[indices, targets], [plainIndices, plainTargets]] as const) {
          expect(sameWords(ix, expectedIndices), "indices").toBe(true);
          ts.forEach((t, a) => expect(sameWords(t, expectedTargets[a]), `target ${a}`).toBe(true));
        }
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });

  it("decline what their loops must do: tables shorter than 65536, keys outside [0, 0x7fffffff]", () => {
    resetKernelScratch();
    const keys = kernelWords(8).fill(0x3f800000);
    const short = kernelWords(65535);
    const table = kernelWords(65536);
    expect(simdAddHighDigits(keys, 8, short, table)).toBe(false);
    expect(simdAddHighDigits(keys, 8, table, short)).toBe(false);
    expect(simdAddLowDigits(keys, 8, 0x3f80, short)).toBe(false);
    // topKThreshold's keys for "keep everything" (-1) and "keep nothing" (+Infinity).
    for (const key of [-1, Infinity, 0x80000000, 0.5]) expect(simdKeepAtOrAbove(keys, key, 0, 8)).toBeUndefined();
  });
});
