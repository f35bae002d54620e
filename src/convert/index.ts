export { convertHfToGguf, type ConvertOptions, type ConvertResult } from "./convert-hf-to-gguf.js";
export { readHfConversion, type HfConversion } from "./hf-conversion.js";
export { createHfGgufSink, type HfGgufSinkOptions } from "./hf-gguf-sink.js";
export { convertHfTokenizer, type ConvertedTokenizer, type HfTokenizerOptions } from "./tokenizer/convert-hf-tokenizer.js";
export { BPE_PRE_TOKENIZERS, type BpePreTokenizer } from "./tokenizer/bpe-pre-tokenizers.js";
export { TOKEN_TYPE, type TokenType } from "./tokenizer/token-types.js";
export { ggufForModel, type GgufForModel, type GgufForModelOptions, type GgufConversion } from "./gguf-for-model.js";
