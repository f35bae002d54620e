import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { writeTinyLlamaGguf } from "../helpers/tiny-llama.js";

const TASKS = fileURLToPath(new URL("../fixtures/search/", import.meta.url));

/**
 * Writes three tiny random llama GGUFs (m0 = base, m1, m2) into a folder and a search space over
 * them scored on the fixture tasks (a multiple-choice and a generation task). Returns its path.
 */
export async function writeTinySearchSpace(at: (name: string) => string, options: { file: string; budget: number; methods: string; seed: number; modelSeed: number }): Promise<string> {
  for (let i = 0; i < 3; i++) await writeTinyLlamaGguf(at(`m${i}.gguf`), { seed: options.modelSeed + i, dtype: "F16" });
  const text = `models:
  - model: m1.gguf
  - model: m2.gguf
base_model: m0.gguf
methods: [${options.methods}]
parameters:
  per_model:
    weight: [0, 1.5]
    density: [0.2, 1.0]
objectives:
  - task: ${TASKS}next-letter.yaml
  - task: ${TASKS}echo.yaml
heldout:
  finalists: 2
budget:
  evaluations: ${options.budget}
seed: ${options.seed}
`;
  await writeFile(at(options.file), text);
  return at(options.file);
}
