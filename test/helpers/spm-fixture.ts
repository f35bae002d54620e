/**
 * A small SentencePiece-style tokenizer.json (BPE with byte_fallback, "▁" for spaces), shaped
 * like Llama 2's: `<unk>`, `<s>`, `</s>`, the 256 byte tokens `<0x00>`..`<0xFF>`, single
 * characters, then pieces learned on a corpus within "▁"-started words. Its merges list every
 * split of every piece into two vocabulary pieces, ordered by the piece's rank, as transformers
 * derives merges from a SentencePiece model. Characters outside the vocabulary (CJK, emoji) go
 * through byte fallback.
 */
import type { TokenizerFiles } from "./bpe-fixture.js";
import { TRAINING_CORPUS } from "./bpe-fixture.js";
import { learnMerges } from "./learn-merges.js";

export interface SpmFixture {
  readonly files: TokenizerFiles;
  readonly size: number;
  readonly bosId: number;
  readonly eosId: number;
}

const SPACE = "\u2581";

/** Characters given their own piece: everything in the corpus but CJK and emoji (byte fallback). */
function baseCharacters(corpus: string): string[] {
  const chars = new Set<string>();
  for (const c of corpus.replaceAll(" ", SPACE)) if (c !== "\n" && c.codePointAt(0)! < 0x2e80) chars.add(c);
  return [...chars].sort();
}

function learnPieces(corpus: string, alphabet: ReadonlySet<string>, count: number): string[] {
  const text = SPACE + corpus.replaceAll("\n", " ").replaceAll(" ", SPACE);
  const counts = new Map<string, number>();
  for (const w of text.split(new RegExp(`(?=${SPACE})`, "u"))) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts].map(([w, n]) => ({ parts: [...w], n }));
  return learnMerges(words, count, (a, b) => alphabet.has(a[0]) && alphabet.has(b[0])).map(([a, b]) => a + b);
}

export function buildSpmTokenizer(pieceCount = 250): SpmFixture {
  const vocab: Record<string, number> = { "<unk>": 0, "<s>": 1, "</s>": 2 };
  const add = (t: string) => {
    if (vocab[t] === undefined) vocab[t] = Object.keys(vocab).length;
  };
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
  const chars = baseCharacters(TRAINING_CORPUS);
  for (const c of chars) add(c);
  const pieces = learnPieces(TRAINING_CORPUS, new Set(chars), pieceCount);
  for (const p of pieces) add(p);
  // Every split of a piece into two vocabulary pieces is a merge, ranked by the piece's rank.
  const merges: [string, string][] = [];
  for (const piece of pieces) {
    const cps = [...piece];
    const splits: [string, string][] = [];
    for (let i = 1; i < cps.length; i++) {
      const l = cps.slice(0, i).join("");
      const r = cps.slice(i).join("");
      if (vocab[l] !== undefined && vocab[r] !== undefined && vocab[l] >= 259 && vocab[r] >= 259) splits.push([l, r]);
    }
    splits.sort((x, y) => vocab[x[0]] - vocab[y[0]] || vocab[x[1]] - vocab[y[1]]);
    merges.push(...splits);
  }
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(0, "<unk>"), special(1, "<s>"), special(2, "</s>")],
    normalizer: { type: "Sequence", normalizers: [{ type: "Prepend", prepend: SPACE }, { type: "Replace", pattern: { String: " " }, content: SPACE }] },
    pre_tokenizer: null,
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "<s>", type_id: 1 } }, { Sequence: { id: "B", type_id: 1 } }],
      special_tokens: { "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] } },
    },
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: SPACE }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: { type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab, merges },
  };
  const tokenizerConfig = {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: "<s>",
    eos_token: "</s>",
    unk_token: "<unk>",
    legacy: true,
    chat_template: "{{ bos_token }}{% for m in messages %}[INST] {{ m.content }} [/INST]{% endfor %}",
    tokenizer_class: "LlamaTokenizer",
  };
  return { files: { "tokenizer.json": tokenizerJson, "tokenizer_config.json": tokenizerConfig }, size: Object.keys(vocab).length, bosId: 1, eosId: 2 };
}
