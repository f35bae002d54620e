import { Text, type TextProps } from "ink";
import { padEnd } from "../text/fit.js";

/** One line of exactly `width` cells (cut or padded), so layouts never wrap. */
export function Line(props: { readonly text: string; readonly width: number } & Omit<TextProps, "children" | "wrap">) {
  const { text, width, ...style } = props;
  return (
    <Text wrap="truncate" {...style}>
      {padEnd(text, width)}
    </Text>
  );
}
