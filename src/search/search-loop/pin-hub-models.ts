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
  const hub = options.hub ?? {};
  // Each side of a reference (a model, or a `base+adapter`'s base and adapter) pinned once.
  const sides = new Map<string, { ref: string; local: string; pin?: HubPin }>();
  const pinSide = async (ref: string, role: "model" | "adapter") => {
    const known = sides.get(ref);
    if (known) return known;
    const side = await pinOne(ref, role);
    sides.set(ref, side);
    return side;
  };
  const pinOne = async (ref: string, role: "model" | "adapter"): Promise<{ ref: string; local: string; pin?: HubPin }> => {
    const parsed = hubSide(ref);
    if (parsed === undefined) return { ref, local: ref };
    const revision = parsed.revision ?? "main";
    if (options.pins === undefined) {
      const pulled = await pull({ repo: parsed.repo, revision }, { ...hub, verify: hub.verify ?? "size", onEvent: (e) => options.onEvent?.(ref, false, e) }).catch((error: unknown) => {
        throw notLocalEither(error, ref, space.source);
      });
      checkRepoKind(ref, pulled, role);
      return { ref: `${parsed.repo}@${pulled.commit}`, local: pulled.folder, pin: { ref, repo: parsed.repo, revision, commit: pulled.commit } };
    }
    const pin = options.pins.find((p) => p.ref === ref);
    if (pin === undefined) {
      throw new SmeltError("resume", `the run recorded no commit for the Hub reference ${ref} (it recorded ${options.pins.map((p) => p.ref).join(", ") || "none"}); was the search space changed?`);
    }
    const pulled = await pullPinned(pin, hub, (e) => options.onEvent?.(ref, true, e));
    checkRepoKind(ref, pulled, role);
    return { ref: `${pin.repo}@${pin.commit}`, local: pulled.folder, pin };
  };
  const pinned = new Map<string, { ref: string; local: string }>();
  for (const ref of refs) {
    if (pinned.has(ref)) continue;
    const plus = ref.indexOf("+");
    if (plus < 0) {
      pinned.set(ref, await pinSide(ref, "model"));
      continue;
    }
    // base+adapter: both sides pinned; the space names them pinned, and reads them from disk.
    const base = await pinSide(ref.slice(0, plus), "model");
    const adapter = await pinSide(ref.slice(plus + 1), "adapter");
    pinned.set(ref, { ref: `${base.ref}+${adapter.ref}`, local: `${base.local}+${adapter.local}` });
  }
  const at = (ref: string) => pinned.get(ref)!;
  const out: SearchSpace = Object.freeze({
    ...space,
    models: Object.freeze(space.models.map((m) => Object.freeze({ ...m, model: at(m.model).ref }))),
    ...(space.base_model !== undefined ? { base_model: at(space.base_model).ref } : {}),
  });
  const pins = [...sides.values()].flatMap((p) => (p.pin ? [p.pin] : []));
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

function checkRepoKind(ref: string, pulled: PullResult, role: "model" | "adapter"): void {
  if (role === "model" && pulled.kind === "adapter") {
    throw new SmeltError("search-models", `${ref} is a PEFT adapter repository, not a model: name it after its base model, as base+adapter (e.g. org/base+${ref})`);
  }
  if (role === "adapter" && pulled.kind !== "adapter") {
    throw new SmeltError("search-models", `${ref} follows a "+", so it must be a PEFT adapter repository (adapter_config.json + adapter_model.safetensors), and it is not one`);
  }
}

/** A reference the Hub does not know (or cannot be asked about) may be a mistyped local path: say it is not one first. */
function notLocalEither(error: unknown, ref: string, spacePath: string): unknown {
  if (!(error instanceof HubError) || !["repo-not-found", "network", "offline-missing"].includes(error.reason)) return error;
  const local = resolve(dirname(spacePath), ref.split("@")[0]);
  return new HubError(error.reason, error, `model "${ref}" of ${spacePath} is not a local path (${local} does not exist), and as a Hugging Face reference: ${error.message}`, { cause: error });
}
