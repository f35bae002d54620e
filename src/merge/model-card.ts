import type { Recipe } from "../recipe/index.js";

/** The README.md written beside merged weights: what was merged, how, and the recipe to redo it. */
export function modelCard(recipe: Recipe, yaml: string, models: readonly string[]): string {
  const lines = [
    "---",
    "library_name: transformers",
    "tags:",
    "- merge",
    "- smelt",
    "- mergekit",
    "---",
    "# Merged model",
    "",
    `This model was merged with smelt using the \`${recipe.merge_method}\` method.`,
    "",
    "## Models merged",
    "",
    ...models.map((m) => `* ${m}${m === recipe.base_model ? " (base)" : ""}`),
    "",
    "## Configuration",
    "",
    "The mergekit-compatible recipe that produced this model (`smelt merge` or `mergekit-yaml` reproduce it):",
    "",
    "```yaml",
    yaml.trimEnd(),
    "```",
    "",
  ];
  return lines.join("\n");
}
