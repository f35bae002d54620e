/**
 * Whether a tensor outside the layers sits before them (token and position embeddings) rather
 * than after them (final norm, lm_head / output). In a `slices:` merge mergekit takes the tensors
 * before the layers from the first output slice's sources and those after from the last slice's,
 * so a frankenmerge keeps the embeddings of the model its first layers come from and the head of
 * the model its last layers come from.
 */
const PRE_LAYER = /(^|\.)(embed_tokens|embed_positions|embeddings|wte|wpe|word_embeddings|tok_embeddings|token_embd|position_embd|embed_in)(\.|$)/;

export function isPreLayerTensor(tensorName: string): boolean {
  return PRE_LAYER.test(tensorName);
}
