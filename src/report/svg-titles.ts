/**
 * Gives every data mark of a vega SVG a `<title>` child holding its aria-label (vega writes the
 * `description` encoding there), so a browser shows it as a tooltip when the pointer rests on a
 * point: a static page with no script still tells which candidate a point is. Vega has already
 * escaped the label for XML, so it is copied as it stands.
 */
export function addSvgTitles(svg: string): string {
  return svg.replace(/<(path|text|line|rect)( aria-label="([^"]*)" role="graphics-symbol"[^>]*?)\/>/g, (_, tag: string, attrs: string, label: string) => `<${tag}${attrs}><title>${label}</title></${tag}>`);
}
