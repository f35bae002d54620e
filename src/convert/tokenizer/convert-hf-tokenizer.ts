/**
 * A Hugging Face tokenizer folder (tokenizer.json, tokenizer_config.json, special_tokens_map.json,
 * chat template files) as GGUF `tokenizer.*` metadata for llama.cpp. Byte-level BPE becomes the
 * "gpt2" tokenizer, byte-fallback (SentencePiece-style) BPE the "llama" one, and a folder without
 * tokenizer files that describes smelt's byte vocabulary gets it (byte-tokenizer.ts). Anything
 * else is refused with what is supported.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BYTE_BOS_ID, BYTE_EOS_ID, BYTE_VOCAB_SIZE, byteTokenizerGgufEntries } from "../../arch/byte-tokenizer.js";
import { ConversionError } from "../../errors.js";
import { ggufEntry, ggufValue, type GgufMetadataEntry } from "../../tensor/gguf/index.js";
import { convertBpeVocabulary } from "./bpe-vocabulary.js";
import { readChatTemplates, type ChatTemplates } from "./chat-template.js";
import { resolveSpecialTokens, SPECIAL_ROLES, type SpecialRole, type SpecialTokens } from "./special-tokens.js";
import { convertSpmVocabulary } from "./spm-vocabulary.js";
import { buildTokenTable } from "./token-table.js";
import { BpeModelSchema, TokenizerJsonSchema } from "./tokenizer-json.js";

export interface HfTokenizerOptions {
  /** config.json's vocab_size: rows of the embedding, which the token list is padded to. */
  readonly vocabSize: number;
  /** config.json's `bos_token_id` etc., the last fallback for special tokens. */
  readonly configIds?: Readonly<Partial<Record<SpecialRole, number | undefined>>>;
}

export interface ConvertedTokenizer {
  /** `tokenizer.ggml.model`, or "byte" for smelt's byte vocabulary (stored as "gpt2"). */
  readonly kind: "gpt2" | "llama" | "byte";
  readonly entries: GgufMetadataEntry[];
}

const GGUF_ID_KEYS: Record<SpecialRole, string> = {
  bos: "tokenizer.ggml.bos_token_id",
  eos: "tokenizer.ggml.eos_token_id",
  unk: "tokenizer.ggml.unknown_token_id",
  pad: "tokenizer.ggml.padding_token_id",
};

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConversionError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new ConversionError(path, `is not a valid JSON object (${(cause as Error).message})`, { cause });
  }
}

function specialEntries(special: SpecialTokens, templates: ChatTemplates): GgufMetadataEntry[] {
  const entries: GgufMetadataEntry[] = [];
  for (const role of SPECIAL_ROLES) {
    const id = special.ids[role];
    if (id !== undefined) entries.push(ggufEntry(GGUF_ID_KEYS[role], ggufValue.u32(id)));
  }
  entries.push(
    ggufEntry("tokenizer.ggml.add_bos_token", ggufValue.bool(special.addBos)),
    ggufEntry("tokenizer.ggml.add_eos_token", ggufValue.bool(special.addEos)),
  );
  if (templates.default !== undefined) entries.push(ggufEntry("tokenizer.chat_template", ggufValue.string(templates.default)));
  for (const [name, template] of Object.entries(templates.named)) entries.push(ggufEntry(`tokenizer.chat_template.${name}`, ggufValue.string(template)));
  return entries;
}

function byteVocabulary(dir: string, options: HfTokenizerOptions): ConvertedTokenizer {
  if (existsSync(join(dir, "tokenizer.model"))) {
    throw new ConversionError(
      join(dir, "tokenizer.model"),
      "is a SentencePiece model without a tokenizer.json; smelt converts tokenizer.json only (save the tokenizer with transformers' fast tokenizer to get one)",
    );
  }
  const ids = options.configIds ?? {};
  if (options.vocabSize !== BYTE_VOCAB_SIZE || ids.bos !== BYTE_BOS_ID || ids.eos !== BYTE_EOS_ID) {
    throw new ConversionError(
      dir,
      `has no tokenizer.json (smelt reads tokenizers from tokenizer.json only; transformers' fast tokenizers write one with save_pretrained), and config.json does not describe smelt's byte-level vocabulary (vocab_size ${BYTE_VOCAB_SIZE}, bos_token_id ${BYTE_BOS_ID}, eos_token_id ${BYTE_EOS_ID})`,
    );
  }
  return { kind: "byte", entries: byteTokenizerGgufEntries() };
}

/** Reads the tokenizer files of `dir` (the model folder, or a recipe's tokenizer source). */
export async function convertHfTokenizer(dir: string, options: HfTokenizerOptions): Promise<ConvertedTokenizer> {
  const file = join(dir, "tokenizer.json");
  const raw = await readJson(file);
  if (raw === undefined) return byteVocabulary(dir, options);
  const parsed = TokenizerJsonSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConversionError(file, `is not a tokenizer.json smelt understands: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const json = parsed.data;
  if (json.model.type !== "BPE") {
    throw new ConversionError(file, `model type ${JSON.stringify(json.model.type)} is not supported; smelt converts BPE tokenizers (byte-level, or with byte_fallback)`);
  }
  const model = BpeModelSchema.safeParse(json.model);
  if (!model.success) {
    throw new ConversionError(file, `model is not a valid BPE model: ${model.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const table = buildTokenTable(model.data.vocab, json.added_tokens, options.vocabSize, file);
  const tokenizerConfig = await readJson(join(dir, "tokenizer_config.json"));
  const special = resolveSpecialTokens({
    tokenizerConfig,
    specialTokensMap: await readJson(join(dir, "special_tokens_map.json")),
    configIds: options.configIds ?? {},
    postProcessor: json.post_processor,
    idOf: table.idOf,
    vocabSize: options.vocabSize,
  });
  const tail = specialEntries(special, await readChatTemplates(dir, tokenizerConfig));
  if (model.data.byte_fallback) {
    const v = convertSpmVocabulary(json, model.data, table, file);
    return {
      kind: "llama",
      entries: [
        ggufEntry("tokenizer.ggml.model", ggufValue.string("llama")),
        ggufEntry("tokenizer.ggml.pre", ggufValue.string("default")),
        ggufEntry("tokenizer.ggml.tokens", ggufValue.array("string", v.tokens)),
        ggufEntry("tokenizer.ggml.scores", ggufValue.array("float32", v.scores)),
        ggufEntry("tokenizer.ggml.token_type", ggufValue.array("int32", v.types)),
        ggufEntry("tokenizer.ggml.add_space_prefix", ggufValue.bool(v.addSpacePrefix)),
        ...tail,
      ],
    };
  }
  const v = convertBpeVocabulary(json, model.data, table, file);
  return {
    kind: "gpt2",
    entries: [
      ggufEntry("tokenizer.ggml.model", ggufValue.string("gpt2")),
      ggufEntry("tokenizer.ggml.pre", ggufValue.string(v.pre.name)),
      ggufEntry("tokenizer.ggml.tokens", ggufValue.array("string", v.tokens)),
      ggufEntry("tokenizer.ggml.token_type", ggufValue.array("int32", v.types)),
      ggufEntry("tokenizer.ggml.merges", ggufValue.array("string", v.merges)),
      ...tail,
    ],
  };
}
