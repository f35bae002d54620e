export { HubError, type HubErrorReason } from "./hub-error.js";
export { resolveHubOptions, defaultHubCacheDir, hfHome, DEFAULT_HUB_URL, type HubOptions, type ResolvedHubOptions } from "./hub-options.js";
export type { PullEvent, PullResult } from "./pull-events.js";
export { pull, pullIter, parseHubRef, type HubModelRef } from "./pull.js";
export { resolveModel, type ResolveModelOptions, type ResolvedModel } from "./resolve-model.js";
export { repoFolderName } from "./repo-cache.js";
export { MODEL_SIDE_FILES, ADAPTER_FILES } from "./select-model-files.js";
