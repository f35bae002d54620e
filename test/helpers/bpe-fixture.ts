/**
 * Small byte-level BPE tokenizers built in code (house style §12), shaped like Llama 3's and
 * Qwen2's tokenizer.json: GPT-2 byte symbols, merges learned on a fixed corpus with the flavour's
 * own pre-tokenizer regex, special and user-defined added tokens, and the tokenizer_config.json
 * that names BOS/EOS and carries a chat template. The regexes are the public patterns those
 * models ship; the training loop is a plain pair-count BPE.
 */
import { gpt2ByteSymbols } from "../../src/arch/byte-tokenizer.js";
import { BPE_PRE_TOKENIZERS } from "../../src/convert/index.js";
import { learnMerges } from "./learn-merges.js";

export type BpeFlavour = "llama-bpe" | "qwen2";

export type TokenizerFiles = {
  readonly "tokenizer.json": Record<string, unknown>;
  readonly "tokenizer_config.json": Record<string, unknown>;
};

export interface BpeFixture {
  readonly files: TokenizerFiles;
  /** Tokens including added ones (the embedding may have more rows). */
  readonly size: number;
  /** config.json's bos_token_id / eos_token_id for a model using this tokenizer. */
  readonly bosId: number;
  readonly eosId: number;
  /** Whether the tokenizer puts BOS in front of every text (Llama 3 yes, Qwen2 no). */
  readonly addBos: boolean;
}

export const TRAINING_CORPUS = [
  "The quick brown fox jumps over the lazy dog. The dog didn't care; it's asleep and we're leaving.",
  "I'll be there at 10:30, they'd said, and you've got 12345 reasons to believe it. She's right!",
  "function add(a, b) { return a + b; } // adds two numbers\nconst total = add(40, 2);\n",
  "    if (x >= 100) {\n        print(\"large\")\n    }\n\n",
  "Prices: $3.50, €4.99, ¥1200 — about 3.14159 or 2.71828 in the long run...",
  "Héllo wörld, ça va? Ünïcödé tëxt with accents: naïve café résumé.",
  "你好世界，今天天气很好。我们在学习分词。日本語のテキストも少しあります。",
  "Emoji time 🙂🚀🎉 and flags 🇫🇷 with hearts ❤️ mixed in text.",
  "Numbers 0123456789 and 99 bottles of beer, 1,000,000 and 3.0e-5.",
  "WE'RE SHOUTING NOW. THEY'LL HEAR IT. Isn't it? Wasn't it? Don't!",
].join("\n");

/** A flavour's regex in JavaScript syntax (no inline `(?i:...)` groups in Node 20). */
function jsRegex(flavour: BpeFlavour): RegExp {
  const digits = flavour === "llama-bpe" ? "\\p{N}{1,3}" : "\\p{N}";
  return new RegExp(
    `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|${digits}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
    "gu",
  );
}

/** Learns `count` merges on the corpus: the most frequent adjacent pair first, ties by text. */
export function trainByteLevelMerges(corpus: string, regex: RegExp, count: number): [string, string][] {
  const symbols = gpt2ByteSymbols();
  const counts = new Map<string, number>();
  for (const word of corpus.match(regex) ?? []) {
    const mapped = [...new TextEncoder().encode(word)].map((b) => symbols[b]).join("\u0000");
    counts.set(mapped, (counts.get(mapped) ?? 0) + 1);
  }
  return learnMerges([...counts].map(([w, n]) => ({ parts: w.split("\u0000"), n })), count);
}

const CHAT_TEMPLATE = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}";

/**
 * Whole words no merge produces: with `ignore_merges` (Llama 3) a pre-token equal to one of them
 * is a single token, without it (Qwen2) it is merged from bytes. They make the fixtures tell the
 * two behaviours apart.
 */
const UNREACHABLE_WORDS = ["Hello", "Ġworld", "Ġzebra", "ĠĠĠ"];

export function buildBpeTokenizer(flavour: BpeFlavour, mergeCount = 300): BpeFixture {
  const pre = BPE_PRE_TOKENIZERS.find((p) => p.name === flavour)!;
  // Merges are learned with Llama 3's regex for both flavours, so the vocabulary holds multi-digit
  // tokens that Qwen2's one-digit pre-tokens must never produce: the two regexes give different ids.
  const merges = trainByteLevelMerges(TRAINING_CORPUS, jsRegex("llama-bpe"), mergeCount);
  const vocab: Record<string, number> = {};
  for (const s of gpt2ByteSymbols()) vocab[s] = Object.keys(vocab).length;
  for (const [a, b] of merges) if (vocab[a + b] === undefined) vocab[a + b] = Object.keys(vocab).length;
  for (const w of UNREACHABLE_WORDS) if (vocab[w] === undefined) vocab[w] = Object.keys(vocab).length;
  const base = Object.keys(vocab).length;
  const addedSpecs =
    flavour === "llama-bpe"
      ? [
          { content: "<|begin_of_text|>", special: true },
          { content: "<|end_of_text|>", special: true },
          { content: "<|eot_id|>", special: true },
        ]
      : [
          { content: "<|endoftext|>", special: true },
          { content: "<|im_start|>", special: true },
          { content: "<|im_end|>", special: true },
          { content: "<tool_call>", special: false },
        ];
  const added = addedSpecs.map((t, i) => ({ id: base + i, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.special }));
  const split = { type: "Split", pattern: { Regex: pre.regex }, behavior: "Isolated", invert: false };
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false };
  const llama = flavour === "llama-bpe";
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: llama ? null : { type: "NFC" },
    pre_tokenizer: { type: "Sequence", pretokenizers: [split, byteLevel] },
    post_processor: llama
      ? {
          type: "Sequence",
          processors: [
            { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
            {
              type: "TemplateProcessing",
              single: [{ SpecialToken: { id: "<|begin_of_text|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
              pair: [{ SpecialToken: { id: "<|begin_of_text|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { Sequence: { id: "B", type_id: 1 } }],
              special_tokens: { "<|begin_of_text|>": { id: "<|begin_of_text|>", ids: [base], tokens: ["<|begin_of_text|>"] } },
            },
          ],
        }
      : { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: pre.ignoreMerges,
      vocab,
      // Llama 3's file spells merges "a b", newer files (and Qwen's) as pairs: cover both.
      merges: llama ? merges.map(([a, b]) => `${a} ${b}`) : merges,
    },
  };
  const tokenizerConfig = llama
    ? { bos_token: "<|begin_of_text|>", eos_token: "<|end_of_text|>", chat_template: CHAT_TEMPLATE, model_max_length: 131072, tokenizer_class: "PreTrainedTokenizerFast" }
    : { bos_token: null, eos_token: "<|im_end|>", pad_token: "<|endoftext|>", add_prefix_space: false, chat_template: CHAT_TEMPLATE, model_max_length: 32768, tokenizer_class: "Qwen2Tokenizer" };
  return {
    files: { "tokenizer.json": tokenizerJson, "tokenizer_config.json": tokenizerConfig },
    size: base + added.length,
    bosId: base,
    eosId: llama ? base + 1 : base + 2,
    addBos: llama,
  };
}
