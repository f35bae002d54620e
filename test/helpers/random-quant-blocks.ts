/**
 * Random but valid quantised tensors: every scale is a finite half, every quant in range, and the
 * decoded values have roughly the requested standard deviation. Random bytes exercise every bit of
 * a block layout, which values produced by a quantiser would not (e.g. all 6-bit Q4_K mins).
 */
import { f32ToF16 } from "../../src/tensor/codecs/float16.js";
import type { SeededRandom } from "./seeded-random.js";

export type RandomQuantDType = "Q8_0" | "Q6_K" | "Q4_K";

const GEOMETRY: Record<RandomQuantDType, { block: number; bytes: number }> = {
  Q8_0: { block: 32, bytes: 34 },
  Q6_K: { block: 256, bytes: 210 },
  Q4_K: { block: 256, bytes: 144 },
};

function putHalf(out: Uint8Array, at: number, value: number): void {
  const h = f32ToF16(new Float32Array([value]))[0];
  out[at] = h & 0xff;
  out[at + 1] = h >> 8;
}

function fillBytes(out: Uint8Array, from: number, to: number, random: SeededRandom): void {
  for (let i = from; i < to; i++) out[i] = random.int(0, 255);
}

/** `elements` values (a whole number of blocks) of `dtype`, decoded std about `std`. */
export function randomQuantBlocks(dtype: RandomQuantDType, elements: number, std: number, random: SeededRandom): Uint8Array {
  const { block, bytes } = GEOMETRY[dtype];
  if (elements % block !== 0) throw new RangeError(`${dtype} needs a multiple of ${block} values, got ${elements}`);
  const blocks = elements / block;
  const out = new Uint8Array(blocks * bytes);
  for (let b = 0; b < blocks; b++) {
    const p = b * bytes;
    // Vary the scale per block so per-block scales are exercised, not just the quants.
    const jitter = 0.5 + random.next();
    switch (dtype) {
      case "Q8_0": // d (half), 32 x int8; |q| <= 127 keeps the block valid for ggml's dot kernels
        putHalf(out, p, (std * jitter) / 73);
        for (let i = 0; i < 32; i++) out[p + 2 + i] = random.int(-127, 127) & 0xff;
        break;
      case "Q6_K": // ql[128], qh[64], int8 scales[16], d (half); value = d * scale * (q - 32)
        fillBytes(out, p, p + 192, random);
        for (let i = 0; i < 16; i++) out[p + 192 + i] = random.int(-127, 127) & 0xff;
        putHalf(out, p + 208, (std * jitter) / (18.5 * 73));
        break;
      case "Q4_K": {
        // d, dmin (halves), 12 bytes of packed 6-bit scales/mins, qs[128]; value = d*sc*q - dmin*m
        const d = (std * jitter) / (36 * 4.6);
        putHalf(out, p, d);
        putHalf(out, p + 2, d * 7.5);
        fillBytes(out, p + 4, p + 144, random);
        break;
      }
      default:
        void (dtype satisfies never);
    }
  }
  return out;
}
