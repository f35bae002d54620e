// The WebAssembly SIMD kernels of smelt's merge engine (built by `npm run build:wasm` into
// ../kernels.wasm). Each kernel is the twin of a TypeScript loop named in its comment and gives
// the same bits for every input it accepts; where NaN bits could depend on operand order it says
// so in its result, and the TypeScript loop runs instead. Memory is imported: the caller owns it.
export { decodeBf16, decodeF16, copyF32, encodeBf16, encodeF16 } from "./codecs";
export { weightedSum, sumTaskVectors, sumTensorDeltas, mix } from "./weighted-sums";
export { weightedSumBf16, sumTensorDeltasBf16 } from "./fused-sums";
export { tiesConsensus } from "./ties-consensus";
export { taskVector, taskVectorL1, addL1, applyKeepBits } from "./task-vectors";
export { fillDraws, dropDraws, randomDrop } from "./random-drop";
export { addHighDigits, addLowDigits, keepAtOrAbove, addTaskVectorHighDigits, addTaskVectorLowDigits, flagCutBucket, gatherFlagged, trimTaskVectorAtBucket, trimTaskVectorInBracket, gatherFlaggedBits } from "./digits";
export { addDots } from "./slerp";
export { anyNonFinite16, anyNonFinite32 } from "./non-finite";

/** First byte above the module's static data: where the caller may start using memory. */
export function heapBase(): usize {
  return __heap_base;
}
