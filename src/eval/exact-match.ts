/** Options of lm-eval's exact_match (HF evaluate's exact_match). */
export interface ExactMatchOptions {
  readonly ignore_case?: boolean;
  readonly ignore_punctuation?: boolean;
  readonly ignore_numbers?: boolean;
  readonly regexes_to_ignore?: readonly string[];
}

/** Python's string.punctuation: the ASCII punctuation HF's exact_match removes. */
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * 1 when prediction equals reference after the same normalisation on both sides, else 0: first
 * regexes_to_ignore are deleted, then case is folded, then ASCII punctuation and digits removed.
 * No whitespace is trimmed: use a strip filter for that, as lm-eval tasks do.
 */
export function exactMatch(prediction: string, reference: string, options: ExactMatchOptions = {}): number {
  const normalise = (s: string): string => {
    let out = s;
    for (const pattern of options.regexes_to_ignore ?? []) out = out.replace(new RegExp(pattern, "g"), "");
    if (options.ignore_case) out = out.toLowerCase();
    if (options.ignore_punctuation) out = out.replace(ASCII_PUNCTUATION, "");
    if (options.ignore_numbers) out = out.replace(/[0-9]/g, "");
    return out;
  };
  return normalise(prediction) === normalise(reference) ? 1 : 0;
}
