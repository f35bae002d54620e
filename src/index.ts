/** smelt's public API: the only import path for cli/ and tui/. Each area exports through its own barrel. */
export * from "./errors.js";
export * from "./tensor/index.js";
export * from "./methods/index.js";
export * from "./recipe/index.js";
export * from "./merge/index.js";
export * from "./eval/index.js";
export * from "./arch/index.js";
export * from "./store/index.js";
export * from "./search/index.js";
export * from "./convert/index.js";
export * from "./hub/index.js";
export * from "./report/index.js";
