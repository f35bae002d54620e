/**
 * The chat template(s) a tokenizer folder carries: tokenizer_config.json's `chat_template` (a
 * string, or a list of `{ name, template }`), else `chat_template.jinja`, else
 * `chat_template.json`. GGUF stores the default one as `tokenizer.chat_template` and named extras
 * as `tokenizer.chat_template.<name>`, which llama.cpp's chat code looks up.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConversionError } from "../../errors.js";

export interface ChatTemplates {
  readonly default?: string;
  readonly named: Readonly<Record<string, string>>;
}

function fromValue(value: unknown, file: string): ChatTemplates | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return { default: value, named: {} };
  if (Array.isArray(value)) {
    const named: Record<string, string> = {};
    let fallback: string | undefined;
    for (const item of value) {
      const { name, template } = (item ?? {}) as { name?: unknown; template?: unknown };
      if (typeof name !== "string" || typeof template !== "string") {
        throw new ConversionError(file, "chat_template list entries must be { name, template } strings");
      }
      if (name === "default") fallback = template;
      else named[name] = template;
    }
    return { default: fallback, named };
  }
  throw new ConversionError(file, `chat_template must be a string or a list of { name, template }, got ${typeof value}`);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export async function readChatTemplates(dir: string, tokenizerConfig: Record<string, unknown> | undefined): Promise<ChatTemplates> {
  const fromConfig = fromValue(tokenizerConfig?.chat_template, join(dir, "tokenizer_config.json"));
  if (fromConfig) return fromConfig;
  const jinja = await readIfExists(join(dir, "chat_template.jinja"));
  if (jinja !== undefined) return { default: jinja, named: {} };
  const jsonPath = join(dir, "chat_template.json");
  const json = await readIfExists(jsonPath);
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (cause) {
      throw new ConversionError(jsonPath, `is not valid JSON (${(cause as Error).message})`, { cause });
    }
    return fromValue((parsed as { chat_template?: unknown }).chat_template, jsonPath) ?? { named: {} };
  }
  return { named: {} };
}
