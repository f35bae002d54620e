/**
 * Fast random Q8_0 blocks for synthetic benchmark models: 34 bytes per 32 values, a half scale
 * then 32 int8 quants. xorshift32 fills four quants per step, so a 0.5B model takes about a second,
 * not the minutes a per-value normal sampler would.
 */
import { f32ToF16 } from "../../src/index.js";

const BLOCK = 32;
const BLOCK_BYTES = 34;
/** Standard deviation of a uniform int8 in [-127, 127]. */
const UNIFORM_INT8_STD = 73.6;

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** `elements` values (a multiple of 32) as Q8_0 blocks whose decoded values have std ~`std`. */
export function randomQ8_0(elements: number, std: number, seed: number): Uint8Array {
  if (elements % BLOCK !== 0) throw new RangeError(`Q8_0 needs a multiple of ${BLOCK} values, got ${elements}`);
  const blocks = elements / BLOCK;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  const next = xorshift(seed);
  const scale = f32ToF16(new Float32Array([std / UNIFORM_INT8_STD]))[0];
  for (let b = 0, p = 0; b < blocks; b++, p += BLOCK_BYTES) {
    out[p] = scale & 0xff;
    out[p + 1] = scale >> 8;
    for (let i = 0; i < BLOCK; i += 4) {
      const r = next();
      for (let k = 0; k < 4; k++) {
        const q = (r >>> (8 * k)) & 0xff;
        // -128 is outside the range ggml's dot kernels assume for Q8_0 quants.
        out[p + 2 + i + k] = q === 0x80 ? 0x81 : q;
      }
    }
  }
  return out;
}

/** Nudges every fourth quant by -4..4 in place (clamped to +-127): a small, dense "task vector". */
export function perturbQ8_0(blocks: Uint8Array, seed: number): void {
  const next = xorshift(seed);
  for (let p = 0; p < blocks.length; p += BLOCK_BYTES) {
    for (let i = 0; i < BLOCK; i += 4) {
      const at = p + 2 + i + (next() & 3);
      const q = (blocks[at] << 24) >> 24;
      const v = Math.max(-127, Math.min(127, q + ((next() % 9) - 4)));
      blocks[at] = v & 0xff;
    }
  }
}
