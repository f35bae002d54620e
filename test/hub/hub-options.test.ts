import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultHubCacheDir, HubError, parseHubRef, repoFolderName, resolveHubOptions } from "../../src/index.js";
import { selectModelFiles } from "../../src/hub/select-model-files.js";

describe("Hub options follow huggingface_hub's environment variables", () => {
  it("cache folder: HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub", () => {
    expect(defaultHubCacheDir({ HF_HUB_CACHE: "/c/hub", HF_HOME: "/h" })).toBe("/c/hub");
    expect(defaultHubCacheDir({ HUGGINGFACE_HUB_CACHE: "/legacy" })).toBe("/legacy");
    expect(defaultHubCacheDir({ HF_HOME: "/h" })).toBe("/h/hub");
    expect(defaultHubCacheDir({ XDG_CACHE_HOME: "/x" })).toBe("/x/huggingface/hub");
    expect(defaultHubCacheDir({})).toBe(join(homedir(), ".cache", "huggingface", "hub"));
    expect(defaultHubCacheDir({ HF_HUB_CACHE: "~/models" })).toBe(join(homedir(), "models"));
  });

  it("endpoint, token and offline switch", () => {
    expect(resolveHubOptions({ env: { HF_HOME: "/nonexistent-smelt-home" } })).toMatchObject({ hubUrl: "https://huggingface.co", token: undefined, offline: false, verify: "hash", attempts: 3 });
    expect(resolveHubOptions({ env: { HF_ENDPOINT: "http://mirror.local:8080/", HF_TOKEN: "hf_abc" } })).toMatchObject({ hubUrl: "http://mirror.local:8080", token: "hf_abc" });
    expect(resolveHubOptions({ env: { HUGGING_FACE_HUB_TOKEN: "hf_old" } }).token).toBe("hf_old");
    expect(resolveHubOptions({ env: { HF_TOKEN: "hf_abc" }, token: null }).token).toBeUndefined();
    for (const on of ["1", "true", "YES", "On"]) expect(resolveHubOptions({ env: { HF_HUB_OFFLINE: on } }).offline).toBe(true);
    for (const off of ["0", "", "false", "no"]) expect(resolveHubOptions({ env: { HF_HUB_OFFLINE: off } }).offline).toBe(false);
    expect(resolveHubOptions({ env: { HF_HUB_OFFLINE: "1" }, offline: false }).offline).toBe(false);
  });

  it("repository folders and references", () => {
    expect(repoFolderName("Qwen/Qwen2.5-0.5B")).toBe("models--Qwen--Qwen2.5-0.5B");
    expect(repoFolderName("gpt2")).toBe("models--gpt2");
    expect(parseHubRef("org/name@v1.0")).toEqual({ repo: "org/name", revision: "v1.0" });
    expect(() => parseHubRef("./here")).toThrow(/local path, not a Hugging Face reference/);
    expect(() => parseHubRef("a/b+c/d")).toThrow(/pull each reference on its own/);
  });
});

describe("which files a pull fetches", () => {
  const side = ["config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json", "README.md", ".gitattributes"];
  it("an index wins over a lone model.safetensors and other weight files; side files come along", () => {
    const selection = selectModelFiles("o/m", "main", [...side, "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "consolidated.safetensors", "pytorch_model.bin"]);
    expect(selection).toEqual({ kind: "model", index: "model.safetensors.index.json", files: ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors.index.json"] });
  });

  it("a single model.safetensors, a lone other .safetensors, a PEFT adapter", () => {
    expect(selectModelFiles("o/m", "main", ["config.json", "model.safetensors", "pytorch_model.bin"]).files).toEqual(["config.json", "model.safetensors"]);
    expect(selectModelFiles("o/m", "main", ["config.json", "weights.safetensors"]).files).toEqual(["config.json", "weights.safetensors"]);
    expect(selectModelFiles("o/m", "main", ["adapter_config.json", "adapter_model.safetensors", "tokenizer.json", "training_args.bin"])).toEqual({ kind: "adapter", index: undefined, files: ["adapter_config.json", "adapter_model.safetensors", "tokenizer.json"] });
  });

  it("refuses pickle-only repositories with the reason", () => {
    const error = (() => {
      try {
        selectModelFiles("o/m", "main", ["config.json", "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin", "pytorch_model.bin.index.json"]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ reason: "pickle-only", repo: "o/m" });
    expect((error as Error).message).toMatch(/smelt never unpickles \(loading pickle can run arbitrary code\)/);
  });
});
