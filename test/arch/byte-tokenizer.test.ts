import { describe, expect, it } from "vitest";
import {
  BYTE_BOS_ID,
  BYTE_EOS_ID,
  BYTE_VOCAB_SIZE,
  byteTokenize,
  byteTokenizerMetadata,
  gpt2ByteSymbols,
  TOKEN_TYPE_CONTROL,
  TOKEN_TYPE_NORMAL,
} from "../../src/arch/byte-tokenizer.js";

describe("gpt2ByteSymbols", () => {
  const symbols = gpt2ByteSymbols();

  it("gives 256 distinct single-code-point symbols", () => {
    expect(symbols).toHaveLength(256);
    expect(new Set(symbols).size).toBe(256);
    for (const s of symbols) expect([...s]).toHaveLength(1);
  });

  it("keeps printable Latin-1 bytes and maps the rest to 256+ in byte order (GPT-2's table)", () => {
    expect(symbols[0x41]).toBe("A");
    expect(symbols[0xe9]).toBe("é");
    expect(symbols[0x00]).toBe("\u0100");
    expect(symbols[0x0a]).toBe("\u010a"); // "Ċ", GPT-2's newline
    expect(symbols[0x20]).toBe("\u0120"); // "Ġ", GPT-2's space
    expect(symbols[0xad]).toBe("\u0143"); // soft hyphen, the last remapped byte
  });
});

describe("byteTokenizerMetadata", () => {
  const meta = byteTokenizerMetadata();

  it("lists the byte symbols, then <s> and </s> as control tokens", () => {
    const tokens = meta["tokenizer.ggml.tokens"];
    expect(tokens).toHaveLength(BYTE_VOCAB_SIZE);
    expect(tokens[BYTE_BOS_ID]).toBe("<s>");
    expect(tokens[BYTE_EOS_ID]).toBe("</s>");
    expect(meta["tokenizer.ggml.token_type"].slice(250)).toEqual([...Array(6).fill(TOKEN_TYPE_NORMAL), TOKEN_TYPE_CONTROL, TOKEN_TYPE_CONTROL]);
  });

  it("has the keys llama.cpp needs for an exact byte round trip", () => {
    expect(meta["tokenizer.ggml.model"]).toBe("gpt2");
    expect(meta["tokenizer.ggml.pre"]).toBe("qwen2");
    expect(meta["tokenizer.ggml.merges"]).toEqual([]);
    expect(meta["tokenizer.ggml.add_bos_token"]).toBe(true);
  });
});

describe("byteTokenize", () => {
  it("is the UTF-8 encoding", () => {
    expect(byteTokenize("a é")).toEqual([0x61, 0x20, 0xc3, 0xa9]);
  });
});
