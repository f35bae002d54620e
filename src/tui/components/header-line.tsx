import { Box, Text } from "ink";
import { truncate } from "../text/fit.js";

/** The top line: a bold title on the left, a status badge on the right. */
export function HeaderLine(props: { readonly title: string; readonly status?: string; readonly statusColor?: string; readonly width: number }) {
  const status = props.status ?? "";
  const title = truncate(props.title, Math.max(0, props.width - status.length - 1));
  return (
    <Box width={props.width} height={1}>
      <Text wrap="truncate" bold>
        {title.padEnd(props.width - status.length)}
      </Text>
      <Text wrap="truncate" bold color={props.statusColor}>
        {status}
      </Text>
    </Box>
  );
}
