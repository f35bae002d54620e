/**
 * The byte-level vocabulary smelt's toy models use (FIELD-NOTES §5): token id = byte value for
 * ids 0-255, then `<s>` = 256 and `</s>` = 257. It is stored as a GPT-2 BPE tokenizer with no
 * merges, because llama.cpp's "gpt2" tokenizer maps text to bytes through GPT-2's
 * `bytes_to_unicode` table and then looks each single-byte symbol up: with the 256 symbols listed
 * in byte order and nothing to merge, every byte becomes the token with its own value, and any
 * UTF-8 text round-trips exactly.
 */
import { ggufEntry, ggufValue, type GgufMetadataEntry } from "../tensor/gguf/index.js";

/** Token id of the begin-of-sequence control token. */
export const BYTE_BOS_ID = 256;
/** Token id of the end-of-sequence control token. */
export const BYTE_EOS_ID = 257;
/** 256 byte tokens plus BOS and EOS. */
export const BYTE_VOCAB_SIZE = 258;

/** llama.cpp's `llama_token_type` values (`tokenizer.ggml.token_type`). */
export const TOKEN_TYPE_NORMAL = 1;
export const TOKEN_TYPE_CONTROL = 3;

/**
 * GPT-2's `bytes_to_unicode`: printable Latin-1 bytes map to themselves, the other 68 bytes map
 * in order to code points 256, 257, ... so that every byte has a visible, non-space symbol.
 * Returns the symbol for each byte, indexed by byte value.
 */
export function gpt2ByteSymbols(): string[] {
  const printable = (b: number): boolean =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const symbols: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) {
    symbols.push(String.fromCodePoint(printable(b) ? b : next++));
  }
  return symbols;
}

/** The tokenizer part of a byte-level model's GGUF metadata, as plain values. */
export interface ByteTokenizerMetadata {
  readonly "tokenizer.ggml.model": "gpt2";
  /** "qwen2" keeps spaces before punctuation; "default" and "gpt-2" drop them (FIELD-NOTES §5). */
  readonly "tokenizer.ggml.pre": "qwen2";
  readonly "tokenizer.ggml.tokens": readonly string[];
  readonly "tokenizer.ggml.token_type": readonly number[];
  /** Must be present even though empty: llama.cpp refuses a gpt2 tokenizer without merges. */
  readonly "tokenizer.ggml.merges": readonly string[];
  readonly "tokenizer.ggml.bos_token_id": number;
  readonly "tokenizer.ggml.eos_token_id": number;
  readonly "tokenizer.ggml.add_bos_token": boolean;
  readonly "tokenizer.ggml.add_eos_token": boolean;
}

/** Tokenizer metadata for the byte vocabulary: 256 byte symbols in byte order, then `<s>`, `</s>`. */
export function byteTokenizerMetadata(): ByteTokenizerMetadata {
  const tokens = [...gpt2ByteSymbols(), "<s>", "</s>"];
  const types = tokens.map((_, id) => (id < 256 ? TOKEN_TYPE_NORMAL : TOKEN_TYPE_CONTROL));
  return {
    "tokenizer.ggml.model": "gpt2",
    "tokenizer.ggml.pre": "qwen2",
    "tokenizer.ggml.tokens": tokens,
    "tokenizer.ggml.token_type": types,
    "tokenizer.ggml.merges": [],
    "tokenizer.ggml.bos_token_id": BYTE_BOS_ID,
    "tokenizer.ggml.eos_token_id": BYTE_EOS_ID,
    "tokenizer.ggml.add_bos_token": true,
    "tokenizer.ggml.add_eos_token": false,
  };
}

/** The byte vocabulary's `tokenizer.ggml.*` entries, typed as llama.cpp reads them. */
export function byteTokenizerGgufEntries(): GgufMetadataEntry[] {
  const tok = byteTokenizerMetadata();
  return [
    ggufEntry("tokenizer.ggml.model", ggufValue.string(tok["tokenizer.ggml.model"])),
    ggufEntry("tokenizer.ggml.pre", ggufValue.string(tok["tokenizer.ggml.pre"])),
    ggufEntry("tokenizer.ggml.tokens", ggufValue.array("string", tok["tokenizer.ggml.tokens"])),
    ggufEntry("tokenizer.ggml.token_type", ggufValue.array("int32", tok["tokenizer.ggml.token_type"])),
    ggufEntry("tokenizer.ggml.merges", ggufValue.array("string", tok["tokenizer.ggml.merges"])),
    ggufEntry("tokenizer.ggml.bos_token_id", ggufValue.u32(tok["tokenizer.ggml.bos_token_id"])),
    ggufEntry("tokenizer.ggml.eos_token_id", ggufValue.u32(tok["tokenizer.ggml.eos_token_id"])),
    ggufEntry("tokenizer.ggml.add_bos_token", ggufValue.bool(tok["tokenizer.ggml.add_bos_token"])),
    ggufEntry("tokenizer.ggml.add_eos_token", ggufValue.bool(tok["tokenizer.ggml.add_eos_token"])),
  ];
}

/** Byte-vocabulary encoding done in JS (what llama.cpp produces for this vocabulary): UTF-8 bytes. */
export function byteTokenize(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}
