/** The plain and JSONL reporters on the download events of a search over Hub references. */
import { describe, expect, it } from "vitest";
import { jsonlReporter, plainReporter } from "../../src/cli/search-reporters.js";
import type { PullEvent, SearchEvent } from "../../src/index.js";

const COMMIT = "0811eefe5e420995e734529b04501df612b207a7";
const download = (ref: string, pinned: boolean, pull: PullEvent): SearchEvent => ({ type: "download", ref, pinned, pull });
const BIG = 4_000_000_000;

const events: SearchEvent[] = [
  download("org/model", false, { event: "resolved", repo: "org/model", revision: "main", commit: COMMIT, fromCache: false, files: [{ path: "config.json", size: 600, cached: true }, { path: "model.safetensors", size: BIG, cached: false }] }),
  download("org/model", false, { event: "file-done", repo: "org/model", path: "config.json", size: 600, status: "cached", verified: "size", fetchedBytes: 0, elapsedSeconds: 0 }),
  download("org/model", false, { event: "file-start", repo: "org/model", path: "model.safetensors", size: BIG, resumeFrom: 1_000_000 }),
  ...[0.1, 0.2, 0.3, 0.55, 0.6, 0.8, 1].map((f) => download("org/model", false, { event: "file-progress", repo: "org/model", path: "model.safetensors", bytes: f * BIG, size: BIG, fetchedBytes: f * BIG, elapsedSeconds: f * 100 })),
  download("org/model", false, { event: "file-done", repo: "org/model", path: "model.safetensors", size: BIG, status: "downloaded", verified: "sha256", fetchedBytes: BIG, elapsedSeconds: 100 }),
  download("org/model", false, { event: "warning", repo: "org/model", message: "the Hub cannot be reached" }),
  download("org/model", true, { event: "resolved", repo: "org/model", revision: COMMIT, commit: COMMIT, fromCache: true, files: [{ path: "model.safetensors", size: BIG, cached: true }] }),
];

describe("search reporters on download events", () => {
  it("plain: the commit each reference resolved to (or was pinned to), downloaded files, quarters of big files, resumes and warnings", () => {
    let out = "";
    const reporter = plainReporter((text) => (out += text));
    for (const e of events) reporter.event(e);
    expect(out).toBe(
      [
        "model org/model: main → commit 0811eefe5e42 (1 of 2 files to fetch, 4.00 GB)",
        "  resuming model.safetensors from 1.00 MB of 4.00 GB",
        "  model.safetensors 25% of 4.00 GB at 40.0 MB/s",
        "  model.safetensors 50% of 4.00 GB at 40.0 MB/s",
        "  model.safetensors 75% of 4.00 GB at 40.0 MB/s",
        "  downloaded model.safetensors (4.00 GB, sha256 verified)",
        "warning: org/model: the Hub cannot be reached",
        "model org/model: commit 0811eefe5e42 as pinned when the run started (from the cache)",
        "",
      ].join("\n"),
    );
  });

  it("jsonl: every download event as one JSON line", () => {
    const lines: string[] = [];
    const reporter = jsonlReporter((text) => lines.push(text));
    for (const e of events) reporter.event(e);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(events);
  });
});
