import { createHash } from "node:crypto";
import { lstat, readFile, readdir, readlink, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubError, pull, pullIter, type HubOptions, type PullEvent } from "../../src/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { startFakeHub, toyFiles, type FakeHub } from "./fake-hub.js";

const tmp = useTempDir("hub-pull");
let hub: FakeHub;
let caseNo = 0;

beforeAll(async () => {
  hub = await startFakeHub({
    repos: {
      "toy/max": { files: toyFiles("expert-max"), revisions: { "v1.0": toyFiles("expert-kind") } },
      "toy/base": { files: toyFiles("base") },
      "toy/pick": { files: toyFiles("expert-pick") },
      "toy/empty-file": { files: { ...toyFiles("base"), "added_tokens.json": "" } },
    },
  });
});
afterAll(async () => hub?.close());

/** Options for a fresh, isolated cache (no environment leaks in: env is empty). */
function freshOptions(extra: Partial<HubOptions> = {}): HubOptions & { cacheDir: string } {
  return { hubUrl: hub.url, cacheDir: tmp(`cache-${++caseNo}`), env: {}, ...extra };
}

async function collect(ref: string, options: HubOptions): Promise<PullEvent[]> {
  const events: PullEvent[] = [];
  await pull(ref, { ...options, onEvent: (e) => events.push(e) });
  return events;
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const downloads = (path: string) => hub.requests.filter((r) => r.url.includes("/resolve/") && r.url.endsWith(path));

describe("pull: the Hugging Face cache layout", () => {
  it("writes blobs named by sha256 (LFS) and git sha1, relative snapshot symlinks and refs/main", async () => {
    const options = freshOptions();
    const result = await pull("toy/max", options);
    const commit = hub.commitOf("toy/max");
    const repoDir = join(options.cacheDir, "models--toy--max");
    expect(result).toMatchObject({ repo: "toy/max", revision: "main", commit, kind: "model", fromCache: false, folder: join(repoDir, "snapshots", commit) });
    expect([...result.files].sort()).toEqual(["config.json", "model.safetensors"]);
    expect((await readFile(join(repoDir, "refs", "main"), "utf8"))).toBe(commit);
    const modelSha = hub.sha256Of("toy/max", "model.safetensors");
    const configSha1 = hub.gitSha1Of("toy/max", "config.json");
    expect((await readdir(join(repoDir, "blobs"))).sort()).toEqual([configSha1, modelSha].sort());
    expect(await readlink(join(result.folder, "model.safetensors"))).toBe(`../../blobs/${modelSha}`);
    expect(await readlink(join(result.folder, "config.json"))).toBe(`../../blobs/${configSha1}`);
    expect((await lstat(join(result.folder, "config.json"))).isSymbolicLink()).toBe(true);
    const served = toyFiles("expert-max")["model.safetensors"] as Uint8Array;
    expect(sha256(await readFile(join(result.folder, "model.safetensors")))).toBe(sha256(served));
    expect(result.downloadedBytes).toBe(served.byteLength + (toyFiles("expert-max")["config.json"] as Uint8Array).byteLength);
  });

  it("reuses what the cache has: a second pull downloads nothing", async () => {
    const options = freshOptions();
    await pull("toy/base", options);
    const before = downloads("model.safetensors").length;
    const events = await collect("toy/base", options);
    expect(downloads("model.safetensors").length).toBe(before);
    const done = events.filter((e) => e.event === "file-done");
    expect(done.map((e) => e.event === "file-done" && e.status)).toEqual(["cached", "cached"]);
    expect(done.every((e) => e.event === "file-done" && e.verified !== "size")).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: "pulled", downloadedBytes: 0 });
  });

  it("stores an empty file as git's empty blob", async () => {
    const result = await pull("toy/empty-file", freshOptions());
    expect(result.files).toContain("added_tokens.json");
    expect(await readlink(join(result.folder, "added_tokens.json"))).toBe("../../blobs/e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    expect((await stat(join(result.folder, "added_tokens.json"))).size).toBe(0);
  });

  it("resolves tags and commit hashes: refs/<tag> is written, a commit needs no ref", async () => {
    const options = freshOptions();
    const tagged = await pull("toy/max@v1.0", options);
    expect(tagged.commit).toBe(hub.commitOf("toy/max", "v1.0"));
    expect(await readFile(join(options.cacheDir, "models--toy--max", "refs", "v1.0"), "utf8")).toBe(tagged.commit);
    const main = hub.commitOf("toy/max");
    const pinned = await pull(`toy/max@${main}`, options);
    expect(pinned.folder.endsWith(main)).toBe(true);
    expect((await readdir(join(options.cacheDir, "models--toy--max", "refs"))).sort()).toEqual(["v1.0"]);
    // Both snapshots share nothing here (different weights), each verified.
    expect(sha256(await readFile(join(tagged.folder, "model.safetensors")))).toBe(hub.sha256Of("toy/max", "model.safetensors", "v1.0"));
  });
});

describe("pull: interrupted and corrupted downloads", () => {
  it("resumes a dropped connection with a Range request and verifies the result", async () => {
    const options = freshOptions();
    hub.dropAfter("model.safetensors", 600_000);
    const seen = hub.requests.length;
    const events = await collect("toy/pick", options);
    const ranged = hub.requests.slice(seen).filter((r) => r.headers.range !== undefined);
    expect(ranged.map((r) => r.headers.range)).toContain("bytes=600000-");
    expect(ranged.every((r) => /^identity(, identity)?$/.test(String(r.headers["accept-encoding"])))).toBe(true); // undici repeats a given accept-encoding
    expect(events.some((e) => e.event === "warning" && /connection dropped/.test(e.message))).toBe(true);
    expect(events.filter((e) => e.event === "file-start" && e.path === "model.safetensors").map((e) => e.event === "file-start" && e.resumeFrom)).toEqual([0, 600_000]);
    const folder = join(options.cacheDir, "models--toy--pick", "snapshots", hub.commitOf("toy/pick"));
    expect(sha256(await readFile(join(folder, "model.safetensors")))).toBe(hub.sha256Of("toy/pick", "model.safetensors"));
  });

  it("resumes a body that ends early without a Content-Length", async () => {
    const options = freshOptions();
    hub.endEarly("model.safetensors", 400_000);
    const seen = hub.requests.length;
    const events = await collect("toy/pick", options);
    expect(hub.requests.slice(seen).map((r) => r.headers.range)).toContain("bytes=400000-");
    expect(events.some((e) => e.event === "warning" && /ended model\.safetensors after 400000 of 1744168 bytes/.test(e.message))).toBe(true);
    const folder = join(options.cacheDir, "models--toy--pick", "snapshots", hub.commitOf("toy/pick"));
    expect(sha256(await readFile(join(folder, "model.safetensors")))).toBe(hub.sha256Of("toy/pick", "model.safetensors"));
  });

  it("keeps the .incomplete file of a failed pull and resumes it in the next process", async () => {
    const options = freshOptions();
    hub.dropAfter("model.safetensors", 250_000);
    const error = await pull("toy/pick", { ...options, attempts: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ reason: "network", file: "model.safetensors" });
    expect((error as Error).message).toMatch(/partial download is kept in .*\.incomplete/);
    const blobs = join(options.cacheDir, "models--toy--pick", "blobs");
    const sha = hub.sha256Of("toy/pick", "model.safetensors");
    expect((await stat(join(blobs, `${sha}.incomplete`))).size).toBe(250_000);
    await expect(stat(join(blobs, sha))).rejects.toThrow();
    await expect(readFile(join(options.cacheDir, "models--toy--pick", "refs", "main"))).rejects.toThrow();
    const seen = hub.requests.length;
    const result = await pull("toy/pick", options);
    expect(hub.requests.slice(seen).map((r) => r.headers.range).filter(Boolean)).toContain("bytes=250000-");
    expect(sha256(await readFile(join(result.folder, "model.safetensors")))).toBe(sha);
    await expect(stat(join(blobs, `${sha}.incomplete`))).rejects.toThrow();
  });

  it("re-downloads bytes that arrive corrupted, never keeping them", async () => {
    const options = freshOptions();
    hub.corrupt("model.safetensors");
    const events = await collect("toy/base", options);
    expect(events.some((e) => e.event === "warning" && /do not verify/.test(e.message))).toBe(true);
    const folder = join(options.cacheDir, "models--toy--base", "snapshots", hub.commitOf("toy/base"));
    expect(sha256(await readFile(join(folder, "model.safetensors")))).toBe(hub.sha256Of("toy/base", "model.safetensors"));
  });

  it("refuses to keep a file that never verifies", async () => {
    const options = freshOptions();
    hub.corrupt("model.safetensors", 2);
    const error = await pull("toy/base", { ...options, attempts: 2 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "corrupt", file: "model.safetensors" });
    const blobs = await readdir(join(options.cacheDir, "models--toy--base", "blobs"));
    expect(blobs).toEqual([hub.gitSha1Of("toy/base", "config.json")]);
    await expect(readdir(join(options.cacheDir, "models--toy--base", "snapshots", hub.commitOf("toy/base")))).resolves.toEqual(["config.json"]);
  });

  it("detects a corrupted blob already in the cache and fetches it again", async () => {
    const options = freshOptions();
    const first = await pull("toy/max", options);
    const blob = join(options.cacheDir, "models--toy--max", "blobs", hub.sha256Of("toy/max", "model.safetensors"));
    const bytes = await readFile(blob);
    bytes[1000] ^= 0x55; // same size, different content
    await writeFile(blob, bytes);
    const before = downloads("model.safetensors").length;
    const events = await collect("toy/max", options);
    expect(events.some((e) => e.event === "warning" && /is corrupt/.test(e.message))).toBe(true);
    expect(downloads("model.safetensors").length).toBe(before + 1);
    expect(sha256(await readFile(join(first.folder, "model.safetensors")))).toBe(hub.sha256Of("toy/max", "model.safetensors"));
  });

  it("with verify: size, still catches a truncated blob", async () => {
    const options = freshOptions({ verify: "size" });
    const first = await pull("toy/max", options);
    const blob = join(options.cacheDir, "models--toy--max", "blobs", hub.sha256Of("toy/max", "model.safetensors"));
    await writeFile(blob, (await readFile(blob)).subarray(0, 1000));
    const events = await collect("toy/max", options);
    expect(events.some((e) => e.event === "warning" && /1000 bytes instead of/.test(e.message))).toBe(true);
    expect(sha256(await readFile(join(first.folder, "model.safetensors")))).toBe(hub.sha256Of("toy/max", "model.safetensors"));
  });
});

describe("pull: offline and unreachable", () => {
  it("HF_HUB_OFFLINE=1 answers from the cache without a single request", async () => {
    const options = freshOptions();
    const online = await pull("toy/max", options);
    const seen = hub.requests.length;
    const events: PullEvent[] = [];
    const offline = await pull("toy/max", { ...options, env: { HF_HUB_OFFLINE: "1" }, onEvent: (e) => events.push(e) });
    expect(hub.requests.length).toBe(seen);
    expect(events[0]).toMatchObject({ event: "resolved", fromCache: true, files: [{ path: "config.json", size: 510, cached: true }, { path: "model.safetensors", size: 1744168, cached: true }] });
    expect(offline).toMatchObject({ folder: online.folder, commit: online.commit, fromCache: true, downloadedBytes: 0 });
  });

  it("offline, names exactly what the cache lacks", async () => {
    const options = freshOptions({ offline: true });
    await expect(pull("toy/max", options)).rejects.toThrow(/toy\/max@main is not in the Hugging Face cache \(no refs\/main in .*models--toy--max\); run `smelt pull toy\/max` while online/);
    await pull("toy/max", { ...options, offline: false });
    const blob = join(options.cacheDir, "models--toy--max", "blobs", hub.sha256Of("toy/max", "model.safetensors"));
    await rm(blob);
    const error = await pull("toy/max", options).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "offline-missing", repo: "toy/max", revision: "main", file: "model.safetensors" });
    expect((error as Error).message).toMatch(/lacks model\.safetensors/);
    await expect(pull("toy/max@v1.0", options)).rejects.toThrow(/no refs\/v1\.0/);
  });

  it("falls back to the cache when the Hub cannot be reached, and says so", async () => {
    const options = freshOptions();
    await pull("toy/base", options);
    const closed = await startFakeHub({ repos: {} });
    await closed.close();
    const events = await collect("toy/base", { ...options, hubUrl: closed.url });
    expect(events[0]).toMatchObject({ event: "warning" });
    expect(events.at(-1)).toMatchObject({ event: "pulled", fromCache: true });
    const error = await pull("toy/max", { ...options, hubUrl: closed.url }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "network" });
    expect((error as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED.*The cache cannot stand in/);
  });
});

describe("injected I/O", () => {
  it("every request goes through the fetch passed in (model info, tree listing, downloads)", async () => {
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    await pull("toy/base", freshOptions({ fetch: counting }));
    const commit = hub.commitOf("toy/base");
    expect(seen.map((u) => u.replace(hub.url, "").split("?")[0])).toEqual([
      "/api/models/toy/base/revision/main",
      `/api/models/toy/base/tree/${commit}`,
      `/toy/base/resolve/${commit}/config.json`,
      `/toy/base/resolve/${commit}/model.safetensors`,
    ]);
  });
});

describe("pullIter", () => {
  it("streams resolved, per-file progress and pulled events, and returns the result", async () => {
    const it = pullIter("toy/base", freshOptions());
    const events: PullEvent[] = [];
    let next = await it.next();
    while (!next.done) {
      events.push(next.value);
      next = await it.next();
    }
    expect(events[0]).toMatchObject({ event: "resolved", commit: hub.commitOf("toy/base") });
    expect(events.filter((e) => e.event === "file-done").map((e) => e.event === "file-done" && e.path)).toEqual(["config.json", "model.safetensors"]);
    expect(events.some((e) => e.event === "file-progress" && e.path === "model.safetensors" && e.bytes === e.size)).toBe(true);
    expect(events.at(-1)).toEqual({ event: "pulled", ...next.value });
  });
});
