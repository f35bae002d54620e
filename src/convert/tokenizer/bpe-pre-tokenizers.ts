/**
 * Byte-level BPE pre-tokenizers smelt can name for llama.cpp (`tokenizer.ggml.pre`), keyed by the
 * split regex their tokenizer.json carries. llama.cpp implements each name with its own regex
 * engine (llama-vocab.cpp); the name must describe exactly the HF pre-tokenizer or tokens differ
 * silently, so an unknown regex is refused instead of approximated. llama.cpp's converter
 * identifies pre-tokenizers by hashing token ids of a probe text instead (it runs the HF
 * tokenizer); matching the regex itself needs no tokenizer at conversion time.
 *
 * `ignoreMerges` is what llama.cpp does for the name (whole pre-tokens found in the vocabulary
 * are taken as one token before any merge): it must equal the tokenizer.json's `ignore_merges`.
 */

export interface BpePreTokenizer {
  /** `tokenizer.ggml.pre`. */
  readonly name: string;
  /** The `Split` pre-tokenizer's regex as tokenizer.json spells it. */
  readonly regex: string;
  readonly ignoreMerges: boolean;
  /** Where the pattern comes from, for error messages. */
  readonly models: string;
}

export const BPE_PRE_TOKENIZERS: readonly BpePreTokenizer[] = [
  {
    name: "llama-bpe",
    regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ignoreMerges: true,
    models: "Llama 3",
  },
  {
    name: "qwen2",
    regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    ignoreMerges: false,
    models: "Qwen2, Qwen2.5, Qwen3",
  },
];

/** "llama-bpe (Llama 3), qwen2 (...)": what error messages list as supported. */
export const SUPPORTED_BPE_PRE_TOKENIZERS = BPE_PRE_TOKENIZERS.map((p) => `${p.name} (${p.models})`).join(", ");

export function findBpePreTokenizer(regex: string): BpePreTokenizer | undefined {
  return BPE_PRE_TOKENIZERS.find((p) => p.regex === regex);
}
