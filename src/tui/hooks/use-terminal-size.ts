import { useStdout } from "ink";
import { useEffect, useState } from "react";
import { useTuiDeps } from "../tui-deps.js";

/** Below this the screens still draw, cut; they are laid out for 80x24 and up. */
const MIN = { columns: 40, rows: 12 };

/** The terminal's size, following resizes (or the fixed size the deps give). */
export function useTerminalSize(): { columns: number; rows: number } {
  const { size } = useTuiDeps();
  const { stdout } = useStdout();
  const read = () => ({ columns: Math.max(MIN.columns, stdout.columns || 80), rows: Math.max(MIN.rows, stdout.rows || 24) });
  const [live, setLive] = useState(read);
  useEffect(() => {
    if (size) return;
    const onResize = () => setLive(read());
    stdout.on("resize", onResize);
    return () => void stdout.off("resize", onResize);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, size]);
  return size ?? live;
}
