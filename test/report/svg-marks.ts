/** How many marks a vega SVG holds in its layer named `name` (vega writes `<g class="... <name>_marks">`, one child element per datum). */
export function countMarks(svg: string, name: string): number {
  const open = svg.search(new RegExp(`<g class="mark-[a-z]+ role-mark ${name}_marks"`));
  if (open < 0) return 0;
  const body = svg.slice(open, svg.indexOf("</g>", open));
  return (body.match(/<(path|text|line|rect)[ >]/g) ?? []).length;
}
