/**
 * llama.cpp's token types (`tokenizer.ggml.token_type`, `llama_token_type` in llama.h). Control
 * tokens (BOS, `<|im_start|>`) are only matched in text when the caller parses specials;
 * user-defined tokens are always matched; byte tokens (`<0x0A>`) are SentencePiece's byte fallback.
 */
export const TOKEN_TYPE = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

export type TokenType = (typeof TOKEN_TYPE)[keyof typeof TOKEN_TYPE];
