export * from "./define-merge-method.js";
