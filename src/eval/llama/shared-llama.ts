/**
 * The one node-llama-cpp `Llama` of the process. llama.cpp's backend initialisation, its log
 * callback and the thread budget (`ThreadsSplitter`) are process-wide native state that a `Llama`
 * owns; creating a second `Llama` over the same addon would initialise them twice. So every
 * backend shares one instance, created lazily here with the options smelt must always pass
 * (FIELD-NOTES §4: CPU only, never build or download, quiet). This is the only module-level state in
 * the backend, and it holds no per-model data: models and contexts are owned and freed by each
 * backend. The thread cap only ever grows, so a backend asking for more threads than an earlier
 * one still gets them.
 */
import type { Llama, LlamaLogLevel } from "node-llama-cpp";

let shared: Promise<Llama> | undefined;

/** How many of llama.cpp's latest error lines are kept to explain a failure. */
const KEPT_LOG_LINES = 20;
const recentErrors: string[] = [];
let errorCount = 0;

/**
 * llama.cpp's own error lines go here instead of stderr: smelt reports failures as typed errors,
 * and the lines logged while a call failed are attached to that error's message.
 */
function keepError(level: LlamaLogLevel, message: string): void {
  if (level !== ("error" as LlamaLogLevel) && level !== ("fatal" as LlamaLogLevel)) return;
  recentErrors.push(message.trim());
  if (recentErrors.length > KEPT_LOG_LINES) recentErrors.shift();
  errorCount++;
}

/** A marker for {@link llamaErrorsSince}. */
export function llamaErrorMark(): number {
  return errorCount;
}

/** llama.cpp error lines logged since `mark` (at most the last 20). */
export function llamaErrorsSince(mark: number): string[] {
  const n = Math.min(errorCount - mark, recentErrors.length);
  return n <= 0 ? [] : recentErrors.slice(recentErrors.length - n);
}

/** The process's `Llama`, allowing at least `threads` threads in total. */
export async function getSharedLlama(threads: number): Promise<Llama> {
  // Imported on first use: loading node-llama-cpp takes ~0.4 s, which commands that never run a
  // model (merge, leaderboard, --help) should not pay.
  shared ??= import("node-llama-cpp")
    .then(({ getLlama, LlamaLogLevel }) =>
      getLlama({
        gpu: false,
        build: "never",
        skipDownload: true,
        maxThreads: threads,
        logLevel: LlamaLogLevel.error,
        logger: keepError,
      }),
    )
    .catch((error: unknown) => {
      shared = undefined; // let a later call retry instead of caching the failure forever
      throw error;
    });
  const llama = await shared;
  if (llama.maxThreads < threads) llama.maxThreads = threads;
  return llama;
}
