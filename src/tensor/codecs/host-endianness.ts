/**
 * True on little-endian hosts (x64, arm64: every platform Node ships for in practice). The codecs
 * read two 16-bit values per 32-bit load, which pairs them in this byte order; on a big-endian host
 * they fall back to one value per load.
 */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
