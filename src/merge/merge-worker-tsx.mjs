// Worker entry used only when smelt runs from its TypeScript sources (vitest, tsx): registers
// tsx's loader in this worker thread, then loads the real worker. Built installs use merge-worker.js.
import { register } from "tsx/esm/api";

register();
const worker = await import("./merge-worker.ts");
export default worker.default;
