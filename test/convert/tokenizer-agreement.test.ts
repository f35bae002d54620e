/**
 * Tokenizer conversion proven through llama.cpp: for tokenizer.json fixtures built in code
 * (Llama-3-style and Qwen2-style byte-level BPE, and a Llama-2-style SentencePiece vocabulary with
 * byte fallback), llama.cpp's tokenization of 200 varied strings through the converted GGUF
 * (node-llama-cpp `model.tokenize(text, true)`: specials parsed, no BOS added) equals the ids
 * Hugging Face's tokenizer gives for the same tokenizer.json (`encode(text, { add_special_tokens:
 * false })`).
 *
 * The HF side is @huggingface/tokenizers, the tokenizer implementation inside
 * @huggingface/transformers (transformers.js 4 cannot be installed offline here: its sharp and
 * onnxruntime dependencies download native binaries at install time).
 */
import { writeFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import type { LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertHfToGguf } from "../../src/convert/index.js";
import { getSharedLlama } from "../../src/eval/llama/shared-llama.js";
import { buildBpeTokenizer, type TokenizerFiles } from "../helpers/bpe-fixture.js";
import { buildSpmTokenizer } from "../helpers/spm-fixture.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyHfModel } from "../helpers/tiny-hf-model.js";
import { tokenizationStrings } from "./tokenization-strings.js";

const path = useTempDir("tokenizer-agreement");
const STRINGS = tokenizationStrings(200);

interface Flavour {
  readonly name: string;
  readonly modelType: "llama" | "qwen2" | "mistral";
  readonly fixture: { files: TokenizerFiles; size: number; bosId: number; eosId: number };
  /** Strings with the flavour's special and user-defined tokens, checked besides the 200. */
  readonly extra: readonly string[];
  readonly ggufModel: string;
  readonly pre: string;
}

const FLAVOURS: Flavour[] = [
  {
    name: "Llama-3-style BPE (llama-bpe)",
    modelType: "llama",
    fixture: buildBpeTokenizer("llama-bpe"),
    extra: ["<|begin_of_text|>Hello", "a<|eot_id|>b", "<|end_of_text|>\n<|begin_of_text|>"],
    ggufModel: "gpt2",
    pre: "llama-bpe",
  },
  {
    name: "Qwen2-style BPE (qwen2)",
    modelType: "qwen2",
    fixture: buildBpeTokenizer("qwen2"),
    extra: ["<|im_start|>user\nhi<|im_end|>\n", "call <tool_call>now", "x<|endoftext|>y"],
    ggufModel: "gpt2",
    pre: "qwen2",
  },
  {
    name: "SentencePiece-style byte fallback",
    modelType: "mistral",
    fixture: buildSpmTokenizer(),
    extra: [],
    ggufModel: "llama",
    pre: "default",
  },
];

let llama: Awaited<ReturnType<typeof getSharedLlama>>;
beforeAll(async () => {
  llama = await getSharedLlama(1);
});

describe.each(FLAVOURS)("$name", (f) => {
  let model: LlamaModel;
  let hf: Tokenizer;
  beforeAll(async () => {
    const { dir } = await writeTinyHfModel(path(f.modelType), {
      modelType: f.modelType,
      config: { vocabSize: f.fixture.size, dim: 32, layers: 1, heads: 2, kvHeads: 2, ffnDim: 32, contextLength: 512 },
      seed: 3,
      tokenizer: f.fixture.files,
      bosTokenId: f.fixture.bosId,
      eosTokenId: f.fixture.eosId,
    });
    await convertHfToGguf(dir, { output: path(`${f.modelType}.gguf`), outType: "f32" });
    model = await llama.loadModel({ modelPath: path(`${f.modelType}.gguf`) });
    hf = new Tokenizer(f.fixture.files["tokenizer.json"], f.fixture.files["tokenizer_config.json"]);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it(`is stored as tokenizer.ggml.model "${f.ggufModel}" with pre-tokenizer "${f.pre}"`, () => {
    const meta = model.fileInfo.metadata.tokenizer.ggml;
    expect(meta.model).toBe(f.ggufModel);
    expect(meta.pre).toBe(f.pre);
  });

  it("llama.cpp and the HF tokenizer give the same ids for 200 varied strings", async () => {
    const mismatches: { text: string; llama: number[]; hf: number[] }[] = [];
    for (const text of [...STRINGS, ...f.extra]) {
      const ours = Array.from(model.tokenize(text, true), Number);
      const theirs = hf.encode(text, { add_special_tokens: false }).ids;
      if (ours.join(",") !== theirs.join(",")) mismatches.push({ text, llama: ours, hf: theirs });
    }
    const total = STRINGS.length + f.extra.length;
    console.info(`${f.name}: ${total - mismatches.length}/${total} strings tokenized identically`);
    await writeFile(path(`${f.modelType}-mismatches.json`), JSON.stringify(mismatches, null, 1));
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
