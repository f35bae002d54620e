import type { ChunkedTensors } from "./chunked-merge.js";
import { ABS_MASK, countHighDigitsInto, cutDigit, floatBits } from "./select-top-k.js";
import { taskVector } from "./task-vectors.js";
import { scratchFloats, scratchWords } from "./wasm/kernel-scratch.js";

/**
 * Where a magnitude trim's cut probably lies, from a sample of the task vector: keys (|d| as
 * float32 bits, sign cleared) in [lo, hi] hold the k-th largest with high probability. A guess
 * only: combine-in-brackets.ts counts the whole tensor against it and says when it was wrong.
 * Bounds are whole 16-bit digits (lo's low digit 0, hi's 0xffff), so counting high digits alone
 * tells what lies inside, above and below.
 */
export interface Bracket {
  readonly lo: number;
  readonly hi: number;
  /** Share of the sampled keys inside [lo, hi]: about the share of the tensor's elements. */
  readonly share: number;
}

/** How a tensor is sampled. */
export interface Sampling {
  /** Pieces read, evenly spread over the tensor. */
  readonly pieces: number;
  /** Elements per piece at most (a multiple of 256); smaller pieces for smaller tensors. */
  readonly pieceLength: number;
  /** Smallest tensor (elements) worth sampling; smaller ones are selected exactly. */
  readonly minLength: number;
  /** Standard errors between the estimated cut and each side of the bracket. */
  readonly spread: number;
}

/**
 * 32 pieces of up to 2048 elements (at most an eighth of the tensor): 64Ki keys per model, read in
 * 32 positioned reads per input. Four standard errors each side: on an unlucky tensor the cut
 * falls outside and that tensor pays one more pass, nothing else.
 */
export const SAMPLING: Sampling = { pieces: 32, pieceLength: 2048, minLength: 1 << 18, spread: 4 };

/**
 * Brackets for the cuts of `models` (model models[j] keeping its k[j] largest |d|), from one
 * sample of the base and those models (`io.sample`), or undefined when the tensor is too small to
 * sample (or `io` cannot). Piece starts are multiples of 256 elements (whole blocks of every stored
 * type). Each bracket is the estimated cut's quantile q = k / n widened by `spread` standard errors
 * of the sampled share above it, measured between pieces (cluster sampling: rows of a weight
 * matrix differ in scale, so pieces vary more than single elements would), and never narrower than
 * the binomial error of the whole sample.
 */
export function sampleBrackets(io: ChunkedTensors, models: readonly number[], k: readonly number[], sampling: Sampling = SAMPLING): Bracket[] | undefined {
  const n = io.length;
  if (!io.sample || n < sampling.minLength || models.length === 0) return undefined;
  const pieces = sampling.pieces;
  const length = Math.min(sampling.pieceLength, Math.floor(n / (8 * pieces) / 256) * 256);
  if (length < 256) return undefined;
  const readers = io.sample();
  const m = pieces * length;
  const keys = models.map(() => scratchWords(m));
  const base = scratchFloats(length);
  const x = scratchFloats(length);
  const d = scratchFloats(length);
  const bits = floatBits(d);
  for (let p = 0; p < pieces; p++) {
    const middle = Math.floor(((p + 0.5) * n) / pieces);
    const start = Math.min(middle - (middle % 256), Math.floor((n - length) / 256) * 256);
    readers.base!(start, base);
    models.forEach((model, j) => {
      readers.tensors[model](start, x);
      taskVector(x, base, d);
      const into = keys[j];
      for (let i = 0; i < length; i++) into[p * length + i] = bits[i] & ABS_MASK;
    });
  }
  const even = scratchWords(65536);
  const odd = scratchWords(65536);
  return models.map((_, j) => bracketOf(keys[j], countHighDigitsInto(keys[j], m, even, odd), k[j] / n, pieces, length, sampling.spread));
}

/**
 * The bracket around quantile q (share of keys kept) of sampled `keys` (`pieces` pieces of
 * `length`), whose high-digit counts are `counts`.
 */
function bracketOf(keys: Uint32Array, counts: Uint32Array, q: number, pieces: number, length: number, spread: number): Bracket {
  const m = keys.length;
  const digitOf = (rank: number) => cutDigit(counts, Math.min(m, Math.max(1, rank))).digit;
  // The share at or above the estimated cut's digit, piece by piece: its spread between pieces is the error.
  const estimate = digitOf(Math.round(q * m)) * 65536;
  let sum = 0;
  let squares = 0;
  for (let p = 0; p < pieces; p++) {
    let at = 0;
    for (let i = p * length; i < (p + 1) * length; i++) if (keys[i] >= estimate) at++;
    sum += at / length;
    squares += (at / length) ** 2;
  }
  const mean = sum / pieces;
  const between = Math.max(0, (squares - pieces * mean * mean) / (pieces - 1));
  const error = Math.max(Math.sqrt(between / pieces), Math.sqrt(Math.max(q * (1 - q), 1 / m) / m));
  const margin = spread * error + 1 / m;
  const hiRank = Math.floor((q - margin) * m);
  const loRank = Math.ceil((q + margin) * m);
  const hiDigit = hiRank < 1 ? 0x7fff : digitOf(hiRank);
  const loDigit = loRank > m ? 0 : digitOf(loRank);
  let inside = 0;
  for (let b = loDigit; b <= hiDigit; b++) inside += counts[b];
  return { lo: loDigit * 65536, hi: hiDigit * 65536 + 0xffff, share: inside / m };
}
