/**
 * A zeroed buffer whose first byte is page-aligned in memory, as direct (O_DIRECT) I/O needs.
 * JavaScript cannot ask for an aligned ArrayBuffer, but a WebAssembly memory is mapped on its own
 * pages: its byte 0 lies on a page boundary (64 KiB WebAssembly pages, themselves mapped aligned).
 * The memory never grows, so the view never detaches.
 */
export function alignedBytes(bytes: number): Uint8Array {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  const memory = new (globalThis as unknown as { WebAssembly: WasmMemoryApi }).WebAssembly.Memory({ initial: pages, maximum: pages });
  return new Uint8Array(memory.buffer, 0, bytes);
}

const WASM_PAGE = 65536;

/** The part of the WebAssembly global used here (TypeScript declares it only with the DOM libraries). */
interface WasmMemoryApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
}
