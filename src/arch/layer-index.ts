/**
 * Which transformer block a tensor belongs to, read from its name.
 *
 * Checkpoints spell the block container differently (`model.layers.N.` for Llama/Mistral/Qwen,
 * `model.decoder.layers.N.` for OPT, `transformer.h.N.` / `h.N.` for GPT-2 and Falcon,
 * `gpt_neox.layers.N.`, `transformer.blocks.N.` for MPT, `encoder.layer.N.` for BERT, `blk.N.` for
 * GGUF), but every one is "<container>.<integer>." where the container is one of a handful of
 * words. Matching that segment, rather than a per-architecture table, keeps names we have never
 * seen (a `model.language_model.layers.N.` wrapper) working. The first match wins, so expert or
 * head indices further right (`layers.3.mlp.experts.7.`) are never taken for the layer.
 */
const LAYER_SEGMENT = /(^|\.)(layers|layer|h|blk|blocks|block)\.(\d+)\./;

/**
 * A layer index is bounded so that `withLayerIndex` can never produce a name that does not round
 * trip through `Number` (no model comes near it: the deepest public checkpoints have a few hundred).
 */
const MAX_LAYER_INDEX = 1_000_000;

/** The block index of `tensorName`, or undefined for tensors outside the blocks (embeddings, final norm, lm_head). */
export function layerIndexOf(tensorName: string): number | undefined {
  const m = LAYER_SEGMENT.exec(tensorName);
  if (m === null) return undefined;
  const n = Number(m[3]);
  return n <= MAX_LAYER_INDEX ? n : undefined;
}

/**
 * `tensorName` moved to block `index` (used by `slices:` recipes, which copy layer 12 of a source
 * to layer 30 of the output). Throws for tensors outside the blocks: renaming those is a bug.
 */
export function withLayerIndex(tensorName: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_LAYER_INDEX) {
    throw new RangeError(`layer index must be an integer in [0, ${MAX_LAYER_INDEX}], got ${index}`);
  }
  const m = LAYER_SEGMENT.exec(tensorName);
  if (m === null) {
    throw new RangeError(`tensor "${tensorName}" is not inside a numbered layer, so it cannot be moved to layer ${index}`);
  }
  const start = m.index + m[1].length + m[2].length + 1;
  return tensorName.slice(0, start) + String(index) + tensorName.slice(start + m[3].length);
}
