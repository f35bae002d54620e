import { Box, Text } from "ink";
import { Fragment } from "react";

/** The keys a screen answers to, `key label` pairs, cut to the width (the first ones matter most). */
export function KeyHints(props: { readonly keys: readonly (readonly [string, string])[]; readonly width: number }) {
  const shown: (readonly [string, string])[] = [];
  let used = 0;
  for (const k of props.keys) {
    const w = k[0].length + 1 + k[1].length + (shown.length > 0 ? 2 : 0);
    if (used + w > props.width) break;
    shown.push(k);
    used += w;
  }
  return (
    <Box width={props.width} height={1}>
      <Text wrap="truncate">
        {shown.map(([key, label], i) => (
          <Fragment key={key}>
            {i > 0 ? "  " : ""}
            <Text bold color="cyan">
              {key}
            </Text>
            <Text dimColor> {label}</Text>
          </Fragment>
        ))}
      </Text>
    </Box>
  );
}
