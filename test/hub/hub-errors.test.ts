import { execFileSync } from "node:child_process";
import { mkdir, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubError, pull, type HubOptions } from "../../src/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { startFakeHub, toyFiles, type FakeHub } from "./fake-hub.js";

const tmp = useTempDir("hub-errors");
let hub: FakeHub;
let caseNo = 0;

beforeAll(async () => {
  hub = await startFakeHub({
    repos: {
      "toy/max": { files: toyFiles("expert-max") },
      "toy/private": { files: toyFiles("expert-pick"), token: "hf_private_secret" },
      "toy/gated": { files: toyFiles("expert-kind"), token: "hf_gated_ok", gated: true },
      "toy/pickle": { files: { "config.json": "{}", "pytorch_model.bin": Buffer.alloc(2000, 7), "training_args.bin": Buffer.alloc(100) } },
      "toy/gguf-only": { files: { "README.md": "# q", "model-Q4_K.gguf": Buffer.alloc(3000, 1) } },
      "toy/two-weights": { files: { "a.safetensors": Buffer.alloc(16), "b.safetensors": Buffer.alloc(16) } },
    },
  });
});
afterAll(async () => hub?.close());

function freshOptions(extra: Partial<HubOptions> = {}): HubOptions & { cacheDir: string } {
  return { hubUrl: hub.url, cacheDir: tmp(`cache-${++caseNo}`), env: {}, ...extra };
}

async function failure(ref: string, options: HubOptions): Promise<HubError> {
  const error = await pull(ref, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

const exists = (path: string) => stat(path).then(() => true, () => false);

describe("Hub errors are typed, say what to do, and leave the cache untouched", () => {
  it("an unknown repository: 401 RepoNotFound, pointing at HF_TOKEN", async () => {
    const options = freshOptions();
    const error = await failure("toy/nope", options);
    expect(error).toMatchObject({ reason: "repo-not-found", repo: "toy/nope", status: 401, code: "hub-repo-not-found" });
    expect(error.message).toMatch(/repository "toy\/nope" was not found at http:\/\/127\.0\.0\.1:\d+ \(HTTP 401\).*set HF_TOKEN/);
    expect(await exists(join(options.cacheDir, "models--toy--nope"))).toBe(false);
  });

  it("a private repository: refused without a token, pulled with HF_TOKEN (sent as a Bearer token)", async () => {
    const options = freshOptions();
    expect(await failure("toy/private", options)).toMatchObject({ reason: "repo-not-found", status: 401 });
    const wrong = await failure("toy/private", { ...options, token: "hf_wrong" });
    expect(wrong).toMatchObject({ reason: "repo-not-found", status: 404 });
    expect(wrong.message).toMatch(/the token in use \(HF_TOKEN\) cannot read it/);
    const seen = hub.requests.length;
    const result = await pull("toy/private", { ...options, env: { HF_TOKEN: "hf_private_secret" } });
    expect(result.files).toContain("model.safetensors");
    const sent = hub.requests.slice(seen).filter((r) => !r.url.startsWith("/cdn-lfs/"));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((r) => r.headers.authorization === "Bearer hf_private_secret")).toBe(true);
  });

  it("reads the token from the file `hf auth login` writes (HF_TOKEN_PATH / HF_HOME/token)", async () => {
    const home = tmp("hf-home");
    await mkdir(home, { recursive: true });
    await writeFile(join(home, "token"), "hf_private_secret\n");
    const result = await pull("toy/private", { hubUrl: hub.url, env: { HF_HOME: home } });
    expect(result.folder.startsWith(join(home, "hub", "models--toy--private", "snapshots"))).toBe(true);
  });

  it("a gated repository: says to accept its conditions and set HF_TOKEN", async () => {
    const options = freshOptions();
    const error = await failure("toy/gated", options);
    expect(error).toMatchObject({ reason: "gated", status: 401, file: "config.json" });
    expect(error.message).toMatch(/gated repository .*accept its conditions at http:\/\/127\.0\.0\.1:\d+\/toy\/gated.*HF_TOKEN/);
    await expect(pull("toy/gated", { ...options, token: "hf_gated_ok" })).resolves.toMatchObject({ kind: "model" });
  });

  it("a revision that does not exist", async () => {
    const options = freshOptions();
    const error = await failure("toy/max@nope", options);
    expect(error).toMatchObject({ reason: "revision-not-found", revision: "nope", status: 404 });
    expect(error.message).toMatch(/revision "nope" does not exist in toy\/max .*e\.g\. toy\/max@main/);
    expect(await exists(join(options.cacheDir, "models--toy--max"))).toBe(false);
  });

  it("a server error is reported with its status", async () => {
    hub.failWith("/api/models/toy/max/tree/", 503);
    const error = await failure("toy/max", freshOptions());
    expect(error).toMatchObject({ reason: "bad-response", status: 503 });
    expect(error.message).toMatch(/HTTP 503/);
  });

  it("refuses pickle-only repositories before downloading anything: smelt never unpickles", async () => {
    const options = freshOptions();
    const seen = hub.requests.length;
    const error = await failure("toy/pickle", options);
    expect(error).toMatchObject({ reason: "pickle-only" });
    expect(error.message).toMatch(/only pickle weights \(pytorch_model\.bin\)\. smelt never unpickles/);
    expect(error.message).toMatch(/safe_serialization=True/);
    expect(hub.requests.slice(seen).filter((r) => r.url.includes("/resolve/"))).toEqual([]);
    expect(await exists(join(options.cacheDir, "models--toy--pickle"))).toBe(false);
  });

  it("repositories without usable safetensors weights", async () => {
    expect((await failure("toy/gguf-only", freshOptions())).message).toMatch(/no safetensors weights.*GGUF files \(model-Q4_K\.gguf/);
    expect((await failure("toy/two-weights", freshOptions())).message).toMatch(/several weight files and no model\.safetensors\.index\.json \(a\.safetensors, b\.safetensors\)/);
  });
});

describe("disk full while downloading", () => {
  let mounted: string | undefined;
  afterAll(() => {
    if (mounted) execFileSync("umount", [mounted]);
  });

  it("fails with a disk-full HubError and leaves no blob, no snapshot link and no ref for the file", async () => {
    const cacheDir = tmp("full-disk");
    await mkdir(cacheDir, { recursive: true });
    const sha = hub.sha256Of("toy/max", "model.safetensors");
    const blobs = join(cacheDir, "models--toy--max", "blobs");
    try {
      // A real full disk: a 64 KiB tmpfs (the model is 1.7 MB). Mounting needs root.
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", cacheDir], { stdio: "ignore" });
      mounted = cacheDir;
    } catch {
      // Without root, the kernel's /dev/full gives the same ENOSPC on every write.
      await mkdir(blobs, { recursive: true });
      await symlink("/dev/full", join(blobs, `${sha}.incomplete`));
    }
    const error = await failure("toy/max", { hubUrl: hub.url, cacheDir, env: {} });
    expect(error).toMatchObject({ reason: "disk-full", file: "model.safetensors", code: "hub-disk-full" });
    expect(error.message).toMatch(/disk holding the Hugging Face cache is full .*ENOSPC.*Free space or point HF_HUB_CACHE elsewhere/);
    expect(await exists(join(blobs, sha))).toBe(false);
    const snapshot = join(cacheDir, "models--toy--max", "snapshots", hub.commitOf("toy/max"));
    expect(await readdir(snapshot).catch(() => [])).not.toContain("model.safetensors");
    expect(await exists(join(cacheDir, "models--toy--max", "refs", "main"))).toBe(false);
  });
});
