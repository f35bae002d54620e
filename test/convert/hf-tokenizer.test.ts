/**
 * tokenizer.json (+ tokenizer_config.json, special_tokens_map.json, chat template files) to GGUF
 * `tokenizer.*` metadata, key by key: token types, padding, special token ids, add_bos/add_eos
 * and chat templates, as llama.cpp reads them.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convertHfTokenizer, TOKEN_TYPE } from "../../src/convert/index.js";
import { ConversionError } from "../../src/errors.js";
import type { GgufMetadataEntry } from "../../src/tensor/gguf/index.js";
import { buildBpeTokenizer, type TokenizerFiles } from "../helpers/bpe-fixture.js";
import { buildSpmTokenizer } from "../helpers/spm-fixture.js";
import { useTempDir } from "../helpers/temp-dir.js";

const path = useTempDir("hf-tokenizer");
let n = 0;

async function folder(files: object): Promise<string> {
  const dir = path(`t${n++}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files as Record<string, unknown>)) {
    if (content !== undefined) await writeFile(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

function byKey(entries: readonly GgufMetadataEntry[]): Map<string, unknown> {
  return new Map(entries.map((e) => [e.key, e.value]));
}

describe("byte-level BPE", () => {
  const llama = buildBpeTokenizer("llama-bpe", 80);
  const qwen = buildBpeTokenizer("qwen2", 80);

  it("Llama-3 style: gpt2 model, llama-bpe pre, merges, padding, control tokens, BOS from the post-processor", async () => {
    const dir = await folder(llama.files);
    const { kind, entries } = await convertHfTokenizer(dir, { vocabSize: llama.size + 3, configIds: { bos: llama.bosId, eos: llama.eosId } });
    const m = byKey(entries);
    expect(kind).toBe("gpt2");
    expect(m.get("tokenizer.ggml.model")).toBe("gpt2");
    expect(m.get("tokenizer.ggml.pre")).toBe("llama-bpe");
    const tokens = m.get("tokenizer.ggml.tokens") as string[];
    const types = m.get("tokenizer.ggml.token_type") as number[];
    expect(tokens).toHaveLength(llama.size + 3);
    expect(tokens.slice(-3)).toEqual([`[PAD${llama.size}]`, `[PAD${llama.size + 1}]`, `[PAD${llama.size + 2}]`]);
    expect(types.slice(-3)).toEqual([TOKEN_TYPE.unused, TOKEN_TYPE.unused, TOKEN_TYPE.unused]);
    expect(tokens[llama.bosId]).toBe("<|begin_of_text|>");
    expect(types[llama.bosId]).toBe(TOKEN_TYPE.control);
    expect(types[0]).toBe(TOKEN_TYPE.normal);
    expect(m.get("tokenizer.ggml.merges")).toEqual((llama.files["tokenizer.json"].model as { merges: string[] }).merges);
    expect(m.get("tokenizer.ggml.bos_token_id")).toBe(llama.bosId);
    expect(m.get("tokenizer.ggml.eos_token_id")).toBe(llama.eosId);
    expect(m.get("tokenizer.ggml.add_bos_token")).toBe(true);
    expect(m.get("tokenizer.ggml.add_eos_token")).toBe(false);
    expect(m.get("tokenizer.chat_template")).toMatch(/<\|im_start\|>/);
  });

  it("Qwen2 style: qwen2 pre, no BOS added, EOS/PAD from tokenizer_config, user-defined added tokens, pair merges as 'a b'", async () => {
    const dir = await folder(qwen.files);
    const { entries } = await convertHfTokenizer(dir, { vocabSize: qwen.size, configIds: { bos: qwen.bosId, eos: 999999 } });
    const m = byKey(entries);
    expect(m.get("tokenizer.ggml.pre")).toBe("qwen2");
    const tokens = m.get("tokenizer.ggml.tokens") as string[];
    const types = m.get("tokenizer.ggml.token_type") as number[];
    expect(types[tokens.indexOf("<tool_call>")]).toBe(TOKEN_TYPE.userDefined);
    expect(types[tokens.indexOf("<|im_start|>")]).toBe(TOKEN_TYPE.control);
    expect(m.get("tokenizer.ggml.bos_token_id")).toBe(qwen.bosId);
    expect(m.get("tokenizer.ggml.eos_token_id")).toBe(tokens.indexOf("<|im_end|>"));
    expect(m.get("tokenizer.ggml.padding_token_id")).toBe(tokens.indexOf("<|endoftext|>"));
    expect(m.get("tokenizer.ggml.add_bos_token")).toBe(false);
    const pairs = (qwen.files["tokenizer.json"].model as { merges: [string, string][] }).merges;
    expect((m.get("tokenizer.ggml.merges") as string[]).slice(0, 3)).toEqual(pairs.slice(0, 3).map((p) => p.join(" ")));
  });

  it("special_tokens_map.json names tokens tokenizer_config.json leaves out; tokenizer_config's add_bos_token wins", async () => {
    const config = { ...llama.files["tokenizer_config.json"], bos_token: undefined, eos_token: undefined, add_bos_token: false };
    const dir = await folder({ ...llama.files, "tokenizer_config.json": config, "special_tokens_map.json": { eos_token: { content: "<|eot_id|>" } } });
    const m = byKey((await convertHfTokenizer(dir, { vocabSize: llama.size, configIds: {} })).entries);
    expect(m.get("tokenizer.ggml.eos_token_id")).toBe(llama.bosId + 2);
    expect(m.get("tokenizer.ggml.add_bos_token")).toBe(false);
    // The template still tells which token BOS is.
    expect(m.get("tokenizer.ggml.bos_token_id")).toBe(llama.bosId);
  });
});

describe("SentencePiece-style byte fallback", () => {
  it("llama model with scores from merge ranks, byte/unknown/control types and the space prefix", async () => {
    const spm = buildSpmTokenizer(60);
    const dir = await folder(spm.files);
    const { kind, entries } = await convertHfTokenizer(dir, { vocabSize: spm.size, configIds: {} });
    const m = byKey(entries);
    expect(kind).toBe("llama");
    expect(m.get("tokenizer.ggml.pre")).toBe("default");
    const types = m.get("tokenizer.ggml.token_type") as number[];
    expect(types.slice(0, 4)).toEqual([TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control, TOKEN_TYPE.byte]);
    const tokens = m.get("tokenizer.ggml.tokens") as string[];
    const scores = m.get("tokenizer.ggml.scores") as number[];
    const merges = (spm.files["tokenizer.json"].model as { merges: [string, string][] }).merges;
    const first = merges[0].join("");
    expect(scores[tokens.indexOf(first)]).toBe(-1);
    // Later pieces score lower: merge order becomes score order.
    const last = merges[merges.length - 1].join("");
    expect(scores[tokens.indexOf(last)]).toBeLessThan(scores[tokens.indexOf(first)]);
    expect(m.get("tokenizer.ggml.add_space_prefix")).toBe(true);
    expect(m.get("tokenizer.ggml.add_bos_token")).toBe(true);
    expect(m.get("tokenizer.ggml.unknown_token_id")).toBe(0);
  });
});

describe("chat templates", () => {
  const base: TokenizerFiles = buildBpeTokenizer("qwen2", 20).files;
  const noTemplate = { ...base["tokenizer_config.json"], chat_template: undefined };

  it("a list of named templates: the default one and tokenizer.chat_template.<name>", async () => {
    const config = { ...noTemplate, chat_template: [{ name: "default", template: "D" }, { name: "tool_use", template: "T" }] };
    const m = byKey((await convertHfTokenizer(await folder({ ...base, "tokenizer_config.json": config }), { vocabSize: 400 })).entries);
    expect(m.get("tokenizer.chat_template")).toBe("D");
    expect(m.get("tokenizer.chat_template.tool_use")).toBe("T");
  });

  it("chat_template.jinja when tokenizer_config.json has none, and no key at all without either", async () => {
    const withFile = await folder({ ...base, "tokenizer_config.json": noTemplate, "chat_template.jinja": "{{ messages }}" });
    expect(byKey((await convertHfTokenizer(withFile, { vocabSize: 400 })).entries).get("tokenizer.chat_template")).toBe("{{ messages }}");
    const without = await folder({ ...base, "tokenizer_config.json": noTemplate });
    expect(byKey((await convertHfTokenizer(without, { vocabSize: 400 })).entries).has("tokenizer.chat_template")).toBe(false);
  });
});

describe("folders without tokenizer.json", () => {
  it("smelt's byte vocabulary when config.json describes it", async () => {
    const { kind, entries } = await convertHfTokenizer(await folder({}), { vocabSize: 258, configIds: { bos: 256, eos: 257 } });
    expect(kind).toBe("byte");
    expect(byKey(entries).get("tokenizer.ggml.tokens")).toHaveLength(258);
  });

  it("refuses a tokenizer.model-only folder and an undescribed vocabulary", async () => {
    await expect(convertHfTokenizer(await folder({ "tokenizer.model": "x" }), { vocabSize: 258, configIds: { bos: 256, eos: 257 } })).rejects.toThrow(
      /tokenizer\.model: is a SentencePiece model without a tokenizer\.json/,
    );
    await expect(convertHfTokenizer(await folder({}), { vocabSize: 32000 })).rejects.toBeInstanceOf(ConversionError);
  });
});
