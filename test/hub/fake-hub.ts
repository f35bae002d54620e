/**
 * A local stand-in for the Hugging Face Hub (node:http on 127.0.0.1, a random port), answering
 * exactly the endpoints smelt's Hub code calls through @huggingface/hub and its own downloader:
 *
 * - `GET /api/models/{repo}/revision/{rev}`: model info with `sha` (the revision's commit);
 * - `GET /api/models/{repo}/tree/{rev}`: the top-level listing with git oids, sizes and `lfs.oid`
 *   (sha256) for LFS files;
 * - `GET|HEAD /{repo}/resolve/{rev}/{path}`: the file, honouring `Range`, with X-Repo-Commit,
 *   ETag / X-Linked-Etag / X-Linked-Size like the Hub; LFS files can be redirected (302) to a
 *   `/cdn-lfs/{sha256}` URL, as the Hub redirects to its CDN.
 *
 * Errors are shaped like the Hub's (status + X-Error-Code + JSON `error`): unknown or private
 * repositories 401 RepoNotFound (404 when a token was sent), unknown revisions 404
 * RevisionNotFound, unknown files 404 EntryNotFound, gated repositories 401/403 GatedRepo.
 * Hooks inject failures: a connection dropped after N bytes, a body that ends early, corrupted
 * bytes, a status code.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type FakeFiles = Record<string, Uint8Array | string>;

export interface FakeRepo {
  /** Files of the `main` branch. */
  readonly files: FakeFiles;
  /** Other branches or tags, each with its own files (its own commit). */
  readonly revisions?: Record<string, FakeFiles>;
  /** A private repository: only requests with `Authorization: Bearer <token>` see it. */
  readonly token?: string;
  /** A gated repository: metadata is public, files need `token`. */
  readonly gated?: boolean;
}

export interface FakeHubOptions {
  readonly repos: Record<string, FakeRepo>;
  /** Which files are stored in LFS (named by sha256). Defaults to weights and anything over 10 KB. */
  readonly isLfs?: (path: string, size: number) => boolean;
  /** Redirect LFS downloads to `/cdn-lfs/<sha256>` as the Hub redirects to its CDN. Defaults to true. */
  readonly redirectLfs?: boolean;
}

export interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface FakeHub {
  /** `http://127.0.0.1:PORT`: pass it as hubUrl or HF_ENDPOINT. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  /** The commit hash `repo@revision` resolves to. */
  commitOf(repo: string, revision?: string): string;
  /** The sha256 of a file (its LFS oid) and git's blob sha1. */
  sha256Of(repo: string, path: string, revision?: string): string;
  gitSha1Of(repo: string, path: string, revision?: string): string;
  /** Replaces or adds a repository (e.g. a new commit on main); earlier commits stay reachable by their hash, as on the Hub. */
  setRepo(name: string, repo: FakeRepo): void;
  /** The next `times` downloads of `path` send `bytes` bytes of the body and then drop the connection. */
  dropAfter(path: string, bytes: number, times?: number): void;
  /** The next `times` downloads of `path` end cleanly after `bytes` bytes, with no Content-Length to tell. */
  endEarly(path: string, bytes: number, times?: number): void;
  /** The next `times` downloads of `path` send the right length with one byte flipped. */
  corrupt(path: string, times?: number): void;
  /** The next `times` requests whose URL contains `urlPart` answer `status`. */
  failWith(urlPart: string, status: number, times?: number): void;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The files of an HF folder of examples/toy (e.g. "expert-max"), for a FakeRepo. */
export function toyFiles(folder: string): FakeFiles {
  const dir = join(ROOT, "examples", "toy", folder);
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
}

const bytesOf = (content: Uint8Array | string): Buffer => (typeof content === "string" ? Buffer.from(content) : Buffer.from(content.buffer, content.byteOffset, content.byteLength));
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const gitSha1 = (b: Uint8Array): string => createHash("sha1").update(`blob ${b.byteLength}\0`).update(b).digest("hex");

interface Snapshot {
  readonly commit: string;
  readonly files: Map<string, { bytes: Buffer; sha256: string; oid: string; lfs: boolean }>;
}

export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const isLfs = options.isLfs ?? ((path, size) => /\.(safetensors|bin|pt|pth|ckpt|gguf|model)$/.test(path) || size > 10_000);
  const redirectLfs = options.redirectLfs ?? true;
  const repos = new Map<string, { repo: FakeRepo; snapshots: Map<string, Snapshot>; earlier: Snapshot[] }>();
  const requests: FakeRequest[] = [];
  const drops = new Map<string, { bytes: number; times: number }>();
  const shortBodies = new Map<string, { bytes: number; times: number }>();
  const corruptions = new Map<string, number>();
  const failures: { urlPart: string; status: number; times: number }[] = [];

  const snapshotOf = (name: string, revision: string, files: FakeFiles): Snapshot => {
    const entries = new Map<string, { bytes: Buffer; sha256: string; oid: string; lfs: boolean }>();
    for (const [path, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
      const bytes = bytesOf(content);
      const lfs = isLfs(path, bytes.byteLength);
      const hash = sha256(bytes);
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${hash}\nsize ${bytes.byteLength}\n`;
      entries.set(path, { bytes, sha256: hash, oid: lfs ? gitSha1(Buffer.from(pointer)) : gitSha1(bytes), lfs });
    }
    const commit = createHash("sha1").update(JSON.stringify([name, revision, [...entries].map(([p, e]) => [p, e.oid])])).digest("hex");
    return { commit, files: entries };
  };
  const setRepo = (name: string, repo: FakeRepo) => {
    const snapshots = new Map<string, Snapshot>();
    snapshots.set("main", snapshotOf(name, "main", repo.files));
    for (const [rev, files] of Object.entries(repo.revisions ?? {})) snapshots.set(rev, snapshotOf(name, rev, files));
    const before = repos.get(name);
    const earlier = before === undefined ? [] : [...before.earlier, ...before.snapshots.values()];
    repos.set(name, { repo, snapshots, earlier });
  };
  for (const [name, repo] of Object.entries(options.repos)) setRepo(name, repo);

  const findSnapshot = (name: string, rev: string): Snapshot | undefined => {
    const entry = repos.get(name)!;
    const revision = rev === "HEAD" ? "main" : rev;
    return entry.snapshots.get(revision) ?? [...entry.snapshots.values(), ...entry.earlier].find((s) => s.commit === revision);
  };

  const error = (res: ServerResponse, status: number, code: string | undefined, message: string) => {
    res.writeHead(status, { "content-type": "application/json", ...(code && { "x-error-code": code }) });
    res.end(JSON.stringify({ error: message }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? "GET", url: req.url ?? "", headers: { ...req.headers } });
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const failure = failures.find((f) => f.times > 0 && url.pathname.includes(f.urlPart));
    if (failure) {
      failure.times--;
      return error(res, failure.status, undefined, `injected failure ${failure.status}`);
    }
    const parts = url.pathname.split("/").slice(1).map(decodeURIComponent);
    const auth = req.headers.authorization;
    const cdn = parts[0] === "cdn-lfs";
    if (cdn) return serveCdn(req, res, parts[1]);
    const api = parts[0] === "api" && parts[1] === "models";
    const repoParts = api ? parts.slice(2) : parts;
    const marker = api ? repoParts.findIndex((p) => p === "revision" || p === "tree") : repoParts.indexOf("resolve");
    if (marker < 1) return error(res, 404, undefined, "Not Found");
    const name = repoParts.slice(0, marker).join("/");
    const entry = repos.get(name);
    const visible = entry !== undefined && (entry.repo.token === undefined || entry.repo.gated === true || auth === `Bearer ${entry.repo.token}`);
    if (!entry || !visible) return error(res, auth ? 404 : 401, "RepoNotFound", `Repository Not Found for url: ${url.href}.`);
    const rev = repoParts[marker + 1] ?? "main";
    const snapshot = findSnapshot(name, rev);
    if (!snapshot) return error(res, 404, "RevisionNotFound", `Invalid rev id: ${rev}`);
    const kind = repoParts[marker];
    if (kind === "revision") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ _id: `id-${name}`, id: name, sha: snapshot.commit, private: entry.repo.token !== undefined && !entry.repo.gated, gated: entry.repo.gated ? "manual" : false, downloads: 0, likes: 0, lastModified: "2026-01-01T00:00:00.000Z", pipeline_tag: "text-generation" }));
    }
    if (kind === "tree") {
      res.writeHead(200, { "content-type": "application/json" });
      const listing = [...snapshot.files].map(([path, f]) => ({ type: "file", oid: f.oid, size: f.bytes.byteLength, path, ...(f.lfs && { lfs: { oid: f.sha256, size: f.bytes.byteLength, pointerSize: 130 } }) }));
      return res.end(JSON.stringify(listing));
    }
    const path = repoParts.slice(marker + 2).join("/");
    const file = snapshot.files.get(path);
    if (!file) return error(res, 404, "EntryNotFound", `${path} does not exist on "${rev}"`);
    if (entry.repo.gated && auth !== `Bearer ${entry.repo.token}`) {
      return error(res, auth ? 403 : 401, "GatedRepo", `Access to model ${name} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
    }
    const headers = { "x-repo-commit": snapshot.commit, etag: `"${file.lfs ? file.sha256 : file.oid}"`, ...(file.lfs && { "x-linked-etag": `"${file.sha256}"`, "x-linked-size": String(file.bytes.byteLength) }) };
    if (file.lfs && redirectLfs) {
      res.writeHead(302, { ...headers, location: `/cdn-lfs/${file.sha256}` });
      return res.end();
    }
    sendBytes(req, res, path, file.bytes, headers);
  };

  const serveCdn = (req: IncomingMessage, res: ServerResponse, hash: string) => {
    for (const { snapshots, earlier } of repos.values()) {
      for (const s of [...snapshots.values(), ...earlier]) {
        for (const [path, f] of s.files) if (f.sha256 === hash) return sendBytes(req, res, path, f.bytes, { etag: `"${hash}"` });
      }
    }
    error(res, 404, undefined, "no such object");
  };

  const sendBytes = (req: IncomingMessage, res: ServerResponse, path: string, all: Buffer, headers: Record<string, string>) => {
    let start = 0;
    let end = all.byteLength - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (req.headers.range && !range) return error(res, 416, undefined, "bad range");
    if (range) {
      start = Number(range[1]);
      if (range[2] !== "") end = Math.min(end, Number(range[2]));
      if (start >= all.byteLength) {
        res.writeHead(416, { "content-range": `bytes */${all.byteLength}` });
        return res.end();
      }
    }
    let body = all.subarray(start, end + 1);
    const corrupt = corruptions.get(path) ?? 0;
    if (corrupt > 0 && req.method !== "HEAD" && body.byteLength > 0) {
      corruptions.set(path, corrupt - 1);
      body = Buffer.from(body);
      body[body.byteLength >> 1] ^= 0xff;
    }
    const short = shortBodies.get(path);
    if (short && short.times > 0 && req.method !== "HEAD") {
      short.times--;
      res.writeHead(range ? 206 : 200, { ...headers, "content-type": "application/octet-stream", ...(range && { "content-range": `bytes ${start}-${end}/${all.byteLength}` }) });
      return res.end(body.subarray(0, Math.min(short.bytes, body.byteLength)));
    }
    res.writeHead(range ? 206 : 200, {
      ...headers,
      "accept-ranges": "bytes",
      "content-length": String(body.byteLength),
      "content-type": "application/octet-stream",
      ...(range && { "content-range": `bytes ${start}-${end}/${all.byteLength}` }),
    });
    if (req.method === "HEAD") return res.end();
    const drop = drops.get(path);
    if (drop && drop.times > 0) {
      drop.times--;
      const cut = Math.min(drop.bytes, body.byteLength);
      res.write(body.subarray(0, cut), () => {
        setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    res.end(body);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const fileOf = (repo: string, path: string, revision = "main") => {
    const f = findSnapshot(repo, revision)?.files.get(path);
    if (!f) throw new Error(`fake hub: no ${path} in ${repo}@${revision}`);
    return f;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    commitOf: (repo, revision = "main") => findSnapshot(repo, revision)!.commit,
    sha256Of: (repo, path, revision) => fileOf(repo, path, revision).sha256,
    gitSha1Of: (repo, path, revision) => gitSha1(fileOf(repo, path, revision).bytes),
    setRepo,
    dropAfter: (path, bytes, times = 1) => void drops.set(path, { bytes, times }),
    endEarly: (path, bytes, times = 1) => void shortBodies.set(path, { bytes, times }),
    corrupt: (path, times = 1) => void corruptions.set(path, times),
    failWith: (urlPart, status, times = 1) => void failures.push({ urlPart, status, times }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
