/**
 * Folders the converter must refuse, each with a typed error that names the problem and the file,
 * and no output (not even a temporary file) left behind.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convertHfToGguf } from "../../src/convert/index.js";
import { ConversionError, MissingConfigKeyError, OutputError, ShapeMismatchError, UnknownArchitectureError } from "../../src/errors.js";
import { openHfCheckpoint, writeSafetensors } from "../../src/tensor/safetensors/index.js";
import { buildBpeTokenizer } from "../helpers/bpe-fixture.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyHfModel, type TinyHfModelOptions } from "../helpers/tiny-hf-model.js";

const path = useTempDir("convert-bad");
const bpe = buildBpeTokenizer("qwen2", 60);
const SHAPE = { vocabSize: bpe.size, dim: 32, layers: 1, heads: 2, kvHeads: 2, ffnDim: 32, contextLength: 64 };
let n = 0;

async function folder(patch: Partial<TinyHfModelOptions> = {}): Promise<string> {
  const dir = path(`case-${n++}`);
  await writeTinyHfModel(dir, { modelType: "qwen2", config: SHAPE, seed: 1, tokenizer: bpe.files, bosTokenId: bpe.bosId, eosTokenId: bpe.eosId, ...patch });
  return dir;
}

/** Runs the conversion into a fresh folder, returns the error and what the folder holds afterwards. */
async function attempt(dir: string): Promise<{ error: unknown; left: string[] }> {
  const outDir = path(`out-${n++}`);
  await mkdir(outDir);
  const error = await convertHfToGguf(dir, { output: join(outDir, "model.gguf") }).then(() => undefined, (e: unknown) => e);
  return { error, left: await readdir(outDir) };
}

async function tokenizerWith(change: (json: Record<string, unknown>) => void): Promise<string> {
  const json = structuredClone(bpe.files["tokenizer.json"]);
  change(json);
  return folder({ tokenizer: { ...bpe.files, "tokenizer.json": json } });
}

describe("convert refuses", () => {
  it("an unknown architecture, naming it and listing the supported ones", async () => {
    const { error, left } = await attempt(await folder({ configPatch: { model_type: "gemma", architectures: ["GemmaForCausalLM"] } }));
    expect(error).toBeInstanceOf(UnknownArchitectureError);
    expect(error).toMatchObject({ architecture: "gemma", code: "unknown-architecture" });
    expect((error as Error).message).toMatch(/config\.json: architecture "gemma" cannot be converted to GGUF; supported: llama \(LlamaForCausalLM\), mistral \(MistralForCausalLM\), qwen2 \(Qwen2ForCausalLM\), qwen3 \(Qwen3ForCausalLM\)/);
    expect(left).toEqual([]);
  });

  it("a known model_type with a head that is not a causal LM", async () => {
    const { error } = await attempt(await folder({ configPatch: { architectures: ["Qwen2ForSequenceClassification"] } }));
    expect(error).toMatchObject({ architecture: "Qwen2ForSequenceClassification" });
  });

  it.each(["hidden_size", "num_hidden_layers", "max_position_embeddings", "vocab_size"])("a config.json without %s, naming the key and the file", async (key) => {
    const { error, left } = await attempt(await folder({ configPatch: { [key]: undefined } }));
    expect(error).toBeInstanceOf(MissingConfigKeyError);
    expect(error).toMatchObject({ key });
    expect((error as Error).message).toMatch(new RegExp(`case-\\d+/config\\.json: the key "${key}" is missing`));
    expect(left).toEqual([]);
  });

  it.each([
    [{ rope_scaling: { rope_type: "yarn", factor: 4, original_max_position_embeddings: 32 } }, /rope_scaling type "yarn" is not supported/],
    [{ rope_scaling: { rope_type: "llama3", factor: 8 } }, /the key "rope_scaling\.low_freq_factor" is missing/],
    [{ hidden_act: "gelu" }, /"hidden_act": "gelu" is not supported for qwen2/],
    [{ use_sliding_window: true }, /"use_sliding_window": true is not supported/],
    [{ num_key_value_heads: 3 }, /kvHeads: heads 2 is not a multiple of kvHeads 3/],
  ])("config values the GGUF would not reproduce: %j", async (patch, message) => {
    const { error, left } = await attempt(await folder({ configPatch: patch }));
    expect(error).toBeInstanceOf(ConversionError);
    expect((error as Error).message).toMatch(message);
    expect(left).toEqual([]);
  });

  it("a tokenizer.json with an unknown pre-tokenizer regex, listing the supported ones", async () => {
    const dir = await tokenizerWith((json) => {
      ((json.pre_tokenizer as { pretokenizers: { pattern: { Regex: string } }[] }).pretokenizers[0].pattern.Regex = "\\s+|\\w+");
    });
    const { error, left } = await attempt(dir);
    expect(error).toBeInstanceOf(ConversionError);
    expect((error as Error).message).toMatch(/tokenizer\.json: the pre-tokenizer regex "\\\\s\+\|\\\\w\+" is not one smelt can name for llama\.cpp; supported: llama-bpe \(Llama 3\), qwen2/);
    expect(left).toEqual([]);
  });

  it("a GPT-2 ByteLevel pre-tokenizer (its own regex), which smelt does not map", async () => {
    const dir = await tokenizerWith((json) => {
      json.pre_tokenizer = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
    });
    expect((await attempt(dir)).error).toMatchObject({ message: expect.stringMatching(/pre_tokenizer .* is not supported/) });
  });

  it("a tokenizer.json of another model type", async () => {
    const dir = await tokenizerWith((json) => {
      json.model = { type: "Unigram", vocab: [["a", 0]], unk_id: 0 };
    });
    const { error, left } = await attempt(dir);
    expect(error).toBeInstanceOf(ConversionError);
    expect((error as Error).message).toMatch(/tokenizer\.json: model type "Unigram" is not supported; smelt converts BPE tokenizers/);
    expect(left).toEqual([]);
  });

  it("ignore_merges that contradicts what llama.cpp does for the pre-tokenizer", async () => {
    const dir = await tokenizerWith((json) => {
      (json.model as { ignore_merges: boolean }).ignore_merges = true;
    });
    expect((await attempt(dir)).error).toMatchObject({ message: expect.stringMatching(/ignore_merges is true, but llama\.cpp's "qwen2" pre-tokenizer applies merges/) });
  });

  it("a tokenizer with more tokens than the embedding has rows", async () => {
    const { error } = await attempt(await folder({ config: { ...SHAPE, vocabSize: bpe.size - 2 } }));
    expect((error as Error).message).toMatch(/has id \d+, but config\.json's vocab_size \(the embedding's rows\) is/);
  });

  it("a tensor whose shape contradicts config.json, naming it, with no partial output", async () => {
    // The tensors are written for an FFN width of 32; config.json says 48.
    const { error, left } = await attempt(await folder({ configPatch: { intermediate_size: 48 } }));
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect((error as Error).message).toMatch(/tensor "model\.layers\.0\.mlp\.gate_proj\.weight": has shape \[32, 32\], but .*config\.json implies \[48, 32\]/);
    expect(left).toEqual([]);
  });

  it("missing tensors, and tensors the architecture does not have", async () => {
    const dir = await folder();
    await writeSafetensors(join(dir, "model.safetensors"), [{ name: "model.embed_tokens.weight", dtype: "F32", shape: [bpe.size, 32], data: new Float32Array(bpe.size * 32) }]);
    expect((await attempt(dir)).error).toMatchObject({ message: expect.stringMatching(/tensors the config implies are missing: blk\.0\.attn_norm\.weight, blk\.0\.attn_q\.weight, blk\.0\.attn_q\.bias and \d+ more/) });
    const extra = await folder({ modelType: "llama", config: SHAPE });
    const source = await openHfCheckpoint(extra);
    const tensors = await Promise.all(source.list().map(async (t) => ({ name: t.name, dtype: "F32" as const, shape: t.shape, data: await source.readF32(t.name) })));
    await source.close();
    await writeSafetensors(join(extra, "model.safetensors"), [...tensors, { name: "model.layers.0.self_attn.q_proj.bias", dtype: "F32", shape: [32], data: new Float32Array(32) }]);
    const { error, left } = await attempt(extra);
    expect((error as Error).message).toMatch(/the checkpoint has a tensor "model\.layers\.0\.self_attn\.q_proj\.bias" that a llama model as config\.json describes it does not have \(GGUF blk\.0\.attn_q\.bias\); refusing to drop weights/);
    expect(left).toEqual([]);
  });

  it("an existing output without --force", async () => {
    const dir = await folder();
    const out = path("exists.gguf");
    await writeFile(out, "keep me");
    await expect(convertHfToGguf(dir, { output: out })).rejects.toBeInstanceOf(OutputError);
    expect(await readFile(out, "utf8")).toBe("keep me");
  });
});
