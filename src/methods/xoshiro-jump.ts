/**
 * Jumps ahead in createRandom's xoshiro128** stream. Its state update (xors, shifts and rotations
 * of the 128-bit state [a, b, c, d]) is linear over GF(2): the state after n steps is T^n times the
 * state, for a 128x128 bit matrix T. A matrix is stored as its 128 columns, column j (the image of
 * the state with only bit j set: word j >>> 5, bit j & 31) as 4 words at [4j, 4j + 4). Powers of
 * two of T are built by squaring, once per thread, as needed; a jump by n applies one per set bit
 * of n (powers of T commute). The SIMD draw kernel (wasm/assembly/random-drop.ts) takes a jump
 * matrix as a jumpTable to start its four streams at once.
 */

/** One xoshiro128** state update of `state` (4 words) in place, as createRandom steps. */
export function stepState(state: Uint32Array): void {
  const [a, b, c, d] = state;
  const t = b << 9;
  const c1 = c ^ a;
  const d1 = d ^ b;
  state[1] = b ^ c1;
  state[0] = a ^ d1;
  state[2] = c1 ^ t;
  state[3] = (d1 << 11) | (d1 >>> 21);
}

/** `out = matrix * state` (out may be state). */
export function applyMatrix(matrix: Uint32Array, state: Uint32Array, out: Uint32Array = state): void {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let j = 0; j < 128; j++) {
    if (((state[j >>> 5] >>> (j & 31)) & 1) === 0) continue;
    a ^= matrix[4 * j];
    b ^= matrix[4 * j + 1];
    c ^= matrix[4 * j + 2];
    d ^= matrix[4 * j + 3];
  }
  out[0] = a;
  out[1] = b;
  out[2] = c;
  out[3] = d;
}

/** The product `left * right` (apply right, then left). */
function multiply(left: Uint32Array, right: Uint32Array): Uint32Array {
  const out = new Uint32Array(512);
  for (let j = 0; j < 128; j++) applyMatrix(left, right.subarray(4 * j, 4 * j + 4), out.subarray(4 * j, 4 * j + 4));
  return out;
}

/** T^(2^k) for k = 0, 1, ...: built on demand. */
const powersOfTwo: Uint32Array[] = [];

function powerOfTwo(k: number): Uint32Array {
  if (powersOfTwo.length === 0) {
    const step = new Uint32Array(512);
    for (let j = 0; j < 128; j++) {
      const column = step.subarray(4 * j, 4 * j + 4);
      column[j >>> 5] = (1 << (j & 31)) >>> 0;
      stepState(column);
    }
    powersOfTwo.push(step);
  }
  while (powersOfTwo.length <= k) {
    const last = powersOfTwo[powersOfTwo.length - 1];
    powersOfTwo.push(multiply(last, last));
  }
  return powersOfTwo[k];
}

function checkSteps(steps: number): void {
  if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(`a jump must be a safe non-negative integer of steps, got ${steps}`);
}

/** Advances `state` (4 words) by `steps` xoshiro128** steps, in place, as `steps` calls would. */
export function jumpState(state: Uint32Array, steps: number): void {
  checkSteps(steps);
  for (let k = 0, rest = steps; rest > 0; k++, rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) applyMatrix(powerOfTwo(k), state);
  }
}

/** The matrix T^steps (columns as above). */
export function jumpMatrix(steps: number): Uint32Array {
  checkSteps(steps);
  let out: Uint32Array | undefined;
  for (let k = 0, rest = steps; rest > 0; k++, rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) out = out ? multiply(powerOfTwo(k), out) : powerOfTwo(k).slice();
  }
  if (out) return out;
  const identity = new Uint32Array(512);
  for (let j = 0; j < 128; j++) identity[4 * j + (j >>> 5)] = (1 << (j & 31)) >>> 0;
  return identity;
}

/**
 * A jump matrix as a table for applying it a nibble of the state at a time: entry (k, v), at words
 * [4 * (16k + v), +4), is the xor of the columns 4k..4k+3 whose bit in v is set, so `matrix *
 * state` is the xor over the 32 nibbles k of the state of entry (k, nibble k). 8 KiB.
 */
export function jumpTable(matrix: Uint32Array): Uint32Array {
  const table = new Uint32Array(32 * 16 * 4);
  for (let k = 0; k < 32; k++) {
    for (let v = 1; v < 16; v++) {
      const low = v & -v;
      const bit = 31 - Math.clz32(low);
      const at = 4 * (16 * k + v);
      const rest = 4 * (16 * k + (v ^ low));
      const column = 4 * (4 * k + bit);
      for (let w = 0; w < 4; w++) table[at + w] = table[rest + w] ^ matrix[column + w];
    }
  }
  return table;
}
