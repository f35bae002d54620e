/**
 * Hugging Face references in a search space (`org/name`, `org/name@revision`) are resolved once,
 * when a run starts: each is pulled into the shared HF cache and pinned to the commit it resolved
 * to. From then on the search names `org/name@<commit>` (valid mergekit syntax) and reads the
 * cache only, so no candidate asks the Hub, and a resume (or a later `smelt merge` of an exported
 * recipe) uses exactly the weights the run scored, even after the branch moved.
 */
import { dirname, resolve } from "node:path";
import { SmeltError } from "../../errors.js";
import { HubError, pull, resolveHubOptions, type HubOptions, type PullEvent, type PullResult } from "../../hub/index.js";
import { parseModelRef } from "../../recipe/model-ref.js";
import type { HubPin } from "../../store/journal-entry.js";
import type { SearchSpace } from "../search-space.js";

export interface PinnedModels {
  /** The space with every Hub reference written `repo@<commit>`: what candidate recipes name. */
  readonly space: SearchSpace;
  /** Where each model of `space` (by its reference there) is on disk: an HF folder or a file. */
  readonly local: ReadonlyMap<string, string>;
  /** One per Hub reference of the space, in the space's order (models, then base_model). */
  readonly pins: readonly HubPin[];
}

export interface PinHubModelsOptions {
  /** The commits a run recorded (resume). Absent for a new run: every reference is resolved now. */
  readonly pins?: readonly HubPin[];
  readonly hub?: Omit<HubOptions, "onEvent">;
  /** Progress of each reference's resolution, with the reference as the space writes it. */
  readonly onEvent?: (ref: string, pinned: boolean, event: PullEvent) => void;
}

/**
 * Resolves the space's Hub references. A new run pulls each (downloading what the cache lacks,
 * with the normal online/offline rules) and pins the commit. A resume takes the recorded commit
 * of each from the cache; only if the cache lost it, and smelt is not offline, is that same
 * commit downloaded again. Local paths pass through untouched.
 */
export async function pinHubModels(space: SearchSpace, options: PinHubModelsOptions = {}): Promise<PinnedModels> {
  const refs = [...space.models.map((m) => m.model), ...(space.base_model !== undefined ? [space.base_model] : [])];
  for (const ref of refs) {
    if (ref.includes("+")) {
      throw new SmeltError(
        "search-models",
        `${ref}: a search space cannot name base+adapter (reference rows are scored from one converted checkpoint); merge the adapter into its base first (smelt merge ... -o folder) and name that folder`,
      );
    }
  }
  const hub = options.hub ?? {};
  const pinned = new Map<string, { ref: string; local: string; pin?: HubPin }>();
  for (const ref of refs) {
    if (pinned.has(ref)) continue;
    const parsed = hubSide(ref);
    if (parsed === undefined) {
      pinned.set(ref, { ref, local: ref });
      continue;
    }
    const revision = parsed.revision ?? "main";
    if (options.pins === undefined) {
      const pulled = await pull({ repo: parsed.repo, revision }, { ...hub, verify: hub.verify ?? "size", onEvent: (e) => options.onEvent?.(ref, false, e) }).catch((error: unknown) => {
        throw notLocalEither(error, ref, space.source);
      });
      checkModelRepo(ref, pulled);
      const pin: HubPin = { ref, repo: parsed.repo, revision, commit: pulled.commit };
      pinned.set(ref, { ref: `${parsed.repo}@${pulled.commit}`, local: pulled.folder, pin });
      continue;
    }
    const pin = options.pins.find((p) => p.ref === ref);
    if (pin === undefined) {
      throw new SmeltError("resume", `the run recorded no commit for the Hub reference ${ref} (it recorded ${options.pins.map((p) => p.ref).join(", ") || "none"}); was the search space changed?`);
    }
    const pulled = await pullPinned(pin, hub, (e) => options.onEvent?.(ref, true, e));
    checkModelRepo(ref, pulled);
    pinned.set(ref, { ref: `${pin.repo}@${pin.commit}`, local: pulled.folder, pin });
  }
  const at = (ref: string) => pinned.get(ref)!;
  const out: SearchSpace = Object.freeze({
    ...space,
    models: Object.freeze(space.models.map((m) => Object.freeze({ ...m, model: at(m.model).ref }))),
    ...(space.base_model !== undefined ? { base_model: at(space.base_model).ref } : {}),
  });
  const seen = new Set<string>();
  const pins = [...pinned.values()].flatMap((p) => (p.pin && !seen.has(p.pin.ref) && seen.add(p.pin.ref) ? [p.pin] : []));
  return { space: out, local: new Map([...pinned.values()].map((p) => [p.ref, p.local])), pins };
}

/** `org/name[@rev]` of a reference the loader left as a Hub reference (local paths are absolute by then). */
function hubSide(ref: string): { repo: string; revision?: string } | undefined {
  try {
    const parsed = parseModelRef(ref);
    return parsed.kind === "hub" ? { repo: parsed.repo, ...(parsed.revision !== undefined && { revision: parsed.revision }) } : undefined;
  } catch {
    return undefined;
  }
}

/** The pinned commit from the cache, else (online) downloaded again; never another commit. */
async function pullPinned(pin: HubPin, hub: Omit<HubOptions, "onEvent">, onEvent: (e: PullEvent) => void): Promise<PullResult> {
  const at = { repo: pin.repo, revision: pin.commit };
  const verify = hub.verify ?? "size";
  try {
    return await pull(at, { ...hub, verify, offline: true, onEvent });
  } catch (error) {
    if (!(error instanceof HubError) || error.reason !== "offline-missing") throw error;
    const what = `${pin.ref} was pinned to commit ${pin.commit} when the run started, and the Hugging Face cache lacks it`;
    if (resolveHubOptions(hub).offline) {
      throw new HubError(error.reason, error, `${what} (${error.message.replace(/\.$/, "")}); a resume never uses another commit.`, { cause: error });
    }
    return pull(at, { ...hub, verify, onEvent });
  }
}

function checkModelRepo(ref: string, pulled: PullResult): void {
  if (pulled.kind === "adapter") {
    throw new SmeltError("search-models", `${ref} is a PEFT adapter repository, not a model: name its base model and merge the adapter into it first (smelt merge)`);
  }
}

/** A reference the Hub does not know (or cannot be asked about) may be a mistyped local path: say it is not one first. */
function notLocalEither(error: unknown, ref: string, spacePath: string): unknown {
  if (!(error instanceof HubError) || !["repo-not-found", "network", "offline-missing"].includes(error.reason)) return error;
  const local = resolve(dirname(spacePath), ref.split("@")[0]);
  return new HubError(error.reason, error, `model "${ref}" of ${spacePath} is not a local path (${local} does not exist), and as a Hugging Face reference: ${error.message}`, { cause: error });
}
