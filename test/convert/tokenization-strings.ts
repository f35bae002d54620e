/**
 * 200 varied strings for tokenizer agreement tests: ASCII prose, digit runs, punctuation runs,
 * contractions in every case, whitespace runs (spaces, tabs, newlines, CR), accented Latin, Greek,
 * Cyrillic, CJK, emoji (with ZWJ sequences and flags), code, and seeded random mixtures of all of
 * them. All are NFC (Qwen2's normalizer is NFC; llama.cpp applies none).
 */
import { seededRandom } from "../helpers/seeded-random.js";

const FIXED = [
  "Hello world", "hello world!", "The quick brown fox jumps over the lazy dog.", "a", "A", " ", "  ", "x y z",
  "0", "7", "42", "123", "1234", "12345", "123456789", "3.14159", "1,000,000", "2024-06-01", "v1.2.3", "0x1F",
  "abc123def", "route66", "R2D2 and C3PO", "$100", "50%", "e=mc^2", "1/2 + 3/4",
  "!!!", "???", "...", "?!?!", "----====", "((()))", "[{<>}]", "#@$%^&*", "~~~", "\"quoted\"", "'single'",
  "''''''", "```code```", "......!!!!!!??????",
  "I'm", "you're", "we've", "they'll", "she'd", "it's", "IT'S", "I'M HERE", "WE'VE", "don't", "DON'T",
  "We'Ve a'lL", "'s", "'t", "rock 'n' roll", "O'Reilly", "the dog's bone", "'RE you sure?", "'M not sure I'll make it",
  "two  spaces", "three   spaces", "tab\there", "\t\t", "trailing ", "trailing   ", " leading", "   leading",
  "line\nbreak", "\n", "\n\n", "\n\n\n", " \n ", "a\r\nb", "\r\n\r\n", "end\n", "\n start", "x \t y", "mixed \n\t \n",
  "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n",
  "café", "naïve résumé", "Ünïcödé", "Ça va?", "Zürich", "Ångström", "señor mañana", "Łódź", "Straße",
  "Καλημέρα κόσμε", "Привет, мир!", "нещо на Български", "שלום עולם", "مرحبا بالعالم", "नमस्ते दुनिया",
  "你好世界", "我想在apple工作1314151天～", "日本語のテキスト", "한국어 문장입니다", "中文，标点。", "東京タワー",
  "🙂", "🚀🚀🚀", "🎉 party", "👩‍💻 coding", "👨‍👩‍👧‍👦", "🇫🇷🇩🇪", "❤️", "😶‍🌫️ (multiple emojis concatenated)", "✅ done", "🦙🦙",
  "កាន់តែពិសេសអាច😁", "ℌ𝔢𝔩𝔩𝔬", "x²+y³", "½ ¾", "①②③", "Ⅻ",
  "function add(a, b) { return a + b; }", "if (x >= 10) {\n    print(x)\n}", "def f(x):\n\treturn x**2\n",
  "SELECT * FROM t WHERE id = 5;", "<div class=\"a\">hi</div>", "https://example.com/path?q=1&r=2", "user@example.com",
  "snake_case_name", "camelCaseName", "kebab-case-name", "CONSTANT_VALUE = 3",
];

const FRAGMENTS = [
  "the", " cat", " sat", "!", "?", ",", ".", " ", "  ", "\n", "\t", "123", "4567", "I'm", " it's", "'ll", "é", "ü",
  "你好", "世界", "🙂", "🚀", "ok", "OK", "--", "==", "(x)", "$5", "3.5", " 42 ", "Привет", "λ", "\r\n", "...", "''",
];

/** `count` strings: the fixed ones, then seeded random mixtures of the fragments. */
export function tokenizationStrings(count = 200, seed = 7): string[] {
  const out = FIXED.slice(0, count);
  const r = seededRandom(seed);
  while (out.length < count) {
    const n = r.int(2, 9);
    let s = "";
    for (let i = 0; i < n; i++) s += FRAGMENTS[r.int(0, FRAGMENTS.length - 1)];
    out.push(s.normalize("NFC"));
  }
  return out;
}
