/**
 * The eval benchmark's baseline: node-llama-cpp used directly, with the plainest loop that does the
 * same work as smelt's evaluator on the same tokens. One sequence, its cache cleared before every
 * request (no prefix reuse, no concurrent sequences), the scored positions' logits requested the
 * same way (so the log-probs are computed, not skipped), greedy generation one token per call.
 * Nothing from smelt's src/ runs here: the Llama settings are written out to match
 * createLlamaBackend's (CPU, given threads and context size, flash attention off, F16 KV cache).
 */
import { getLlama, LlamaLogLevel, type ControlledEvaluateInputItem, type Token } from "node-llama-cpp";
import { requestTokens, type RecordedRequest } from "./recording-model.js";

export interface RawReplayResult {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly loadSeconds: number;
  readonly tokens: number;
  /** Sum of the scored log-probs: proves the work was done (and is compared with nothing). */
  readonly checksum: number;
}

export async function rawReplay(path: string, requests: readonly RecordedRequest[], settings: { threads: number; contextSize: number }): Promise<RawReplayResult> {
  const llama = await getLlama({ gpu: false, build: "never", skipDownload: true, maxThreads: settings.threads, logLevel: LlamaLogLevel.error });
  const t0 = performance.now();
  const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
  const context = await model.createContext({
    contextSize: settings.contextSize,
    sequences: 1,
    threads: settings.threads,
    flashAttention: false,
    experimentalKvCacheKeyType: "F16",
    experimentalKvCacheValueType: "F16",
  });
  const sequence = context.getSequence();
  const loadSeconds = (performance.now() - t0) / 1000;
  let checksum = 0;
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  for (const r of requests) {
    await sequence.clearHistory();
    if (r.kind === "loglikelihood") {
      const first = r.tokens.length - r.scored - 1;
      const input: ControlledEvaluateInputItem[] = r.tokens.slice(0, -1).map((t, i) =>
        i < first
          ? (t as Token)
          : [t as Token, { generateNext: { token: true, totalLogitWeight: true, logits: { filter: { tokens: [r.tokens[i + 1] as Token], includeSelected: true } } } }],
      );
      const out = await sequence.controlledEvaluate(input);
      for (let i = first; i < r.tokens.length - 1; i++) {
        const next = out[i]?.next;
        const target = next?.logits?.get(r.tokens[i + 1] as Token) ?? 0;
        const max = next?.token == null ? 0 : (next.logits?.get(next.token) ?? 0);
        checksum += target - max - Math.log(next?.totalLogitWeight ?? 1);
      }
    } else {
      const greedy = { generateNext: { token: true } } as const;
      const input: ControlledEvaluateInputItem[] = r.prompt.map((t) => t as Token);
      input[input.length - 1] = [r.prompt[r.prompt.length - 1] as Token, greedy];
      for (let produced = 0; ; ) {
        const out = await sequence.controlledEvaluate(input);
        const next = out[input.length - 1]?.next.token;
        if (next == null) throw new Error("llama.cpp returned no token");
        checksum += next;
        if (++produced >= r.generated) break;
        input.length = 0;
        input.push([next, greedy]);
      }
    }
  }
  const cpu = process.cpuUsage(c1);
  const seconds = (performance.now() - t1) / 1000;
  await context.dispose();
  await model.dispose();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, loadSeconds, tokens: requests.reduce((s, r) => s + requestTokens(r), 0), checksum };
}
