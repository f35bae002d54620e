/**
 * IEEE-754 binary16 (half) <-> float32. Decoding uses a 65,536-entry table of float32 bit
 * patterns (256 KiB), so the hot loop is a table lookup per element and NaN payloads survive bit
 * for bit. Encoding is branchy bit arithmetic with round-to-nearest-even.
 */
import { HOST_IS_LITTLE_ENDIAN } from "./host-endianness.js";

/** float32 bits for one half-precision bit pattern. */
function halfBitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) {
    // Inf or NaN: keep the payload in the top mantissa bits, as a hardware conversion does.
    return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  }
  if (exp !== 0) {
    return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0; // 112 = 127 - 15 (bias change)
  }
  if (mant === 0) return sign >>> 0;
  // Subnormal half: normalise it, since every half subnormal is a normal float32.
  let e = 113; // exponent of 2^-14 in float32 bias, decremented per shift
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

function buildDecodeTable(): Uint32Array {
  const t = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = halfBitsToF32Bits(h);
  return t;
}

/**
 * float32 bit pattern for every half bit pattern, as int32 (V8 keeps int32 unboxed; uint32 values
 * above 2^31 would go through doubles). Built eagerly: about a millisecond at import.
 */
const DECODE_TABLE = new Int32Array(buildDecodeTable().buffer);

function checkLength(what: string, need: number, have: number): void {
  if (have < need) {
    throw new RangeError(`${what}: destination holds ${have} elements but ${need} are needed`);
  }
}

/**
 * Decodes half-precision values (raw 16-bit patterns) to float32. Exact for every input.
 * @param dst - Optional output array (at least `src.length` long); a new one is allocated otherwise.
 *   It must not overlap `src`, with one exception readers use to skip a buffer: `src` may sit in
 *   the upper half of `dst`'s bytes (src.byteOffset === dst.byteOffset + 2 * n), because each
 *   32-bit input word is read before the outputs that would cover it are written.
 */
export function f16ToF32(src: Uint16Array, dst?: Float32Array): Float32Array {
  const n = src.length;
  const out = dst ?? new Float32Array(n);
  checkLength("f16ToF32", n, out.length);
  const table = DECODE_TABLE;
  const bits = new Int32Array(out.buffer, out.byteOffset, n);
  // Two halves per 32-bit load (after peeling one element if src is not 4-byte aligned).
  const first = n > 0 && (src.byteOffset & 3) !== 0 ? 1 : 0;
  const pairs = (n - first) >> 1;
  if (!HOST_IS_LITTLE_ENDIAN || pairs === 0) {
    for (let i = 0; i < n; i++) bits[i] = table[src[i]];
    return out;
  }
  if (first === 1) bits[0] = table[src[0]];
  const words = new Int32Array(src.buffer, src.byteOffset + 2 * first, pairs);
  for (let j = 0, k = first; j < pairs; j++, k += 2) {
    const w = words[j];
    bits[k] = table[w & 0xffff];
    bits[k + 1] = table[w >>> 16];
  }
  if (first + 2 * pairs < n) bits[n - 1] = table[src[n - 1]];
  return out;
}

/** Smallest float32 magnitude (bits) that rounds to half Inf: 65520 = 65504 + half an ulp. */
const F32_BITS_HALF_OVERFLOW = 0x477ff000;
/** float32 bits of 2^-14, the smallest normal half; anything below becomes a half subnormal. */
const F32_BITS_HALF_MIN_NORMAL = 0x38800000;
/** 2^24: one half-subnormal ulp is 2^-24. */
const HALF_SUBNORMAL_SCALE = 16777216;
/** Adding then subtracting 2^52 rounds a double in [0, 2^52) to an integer, ties to even. */
const ROUND_TO_INT = 4503599627370496;

/**
 * Encodes float32 to half precision with IEEE round-to-nearest, ties-to-even: values at or above
 * 65520 in magnitude become ±Inf, tiny values become half subnormals or ±0, NaN stays a quiet NaN
 * keeping the top 10 payload bits.
 * @param dst - Optional output array (at least `src.length` long); a new one is allocated otherwise.
 */
export function f32ToF16(src: Float32Array, dst?: Uint16Array): Uint16Array {
  const n = src.length;
  const out = dst ?? new Uint16Array(n);
  checkLength("f32ToF16", n, out.length);
  const bits = new Uint32Array(src.buffer, src.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const x = bits[i];
    const sign = (x >>> 16) & 0x8000;
    const abs = x & 0x7fffffff;
    if (abs >= F32_BITS_HALF_OVERFLOW) {
      if (abs > 0x7f800000) out[i] = sign | 0x7e00 | ((abs >>> 13) & 0x3ff);
      else out[i] = sign | 0x7c00;
    } else if (abs < F32_BITS_HALF_MIN_NORMAL) {
      // |v| * 2^24 < 2^10 is exact in a double; rounding it to an integer gives the subnormal
      // mantissa, and a result of 1024 is exactly the smallest normal's bit pattern (0x0400).
      const scaled = Math.abs(src[i]) * HALF_SUBNORMAL_SCALE;
      out[i] = sign | (scaled + ROUND_TO_INT - ROUND_TO_INT);
    } else {
      // Rebias the exponent (127 -> 15), then round the 13 dropped mantissa bits to nearest-even;
      // a carry ripples into the exponent, which is the correct rounding up to the next binade.
      const e = abs - 0x38000000;
      out[i] = sign | ((e + 0x0fff + ((e >>> 13) & 1)) >>> 13);
    }
  }
  return out;
}
