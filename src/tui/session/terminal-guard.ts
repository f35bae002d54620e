/** Escape sequences: alternate screen on/off, cursor shown. */
const ENTER_ALT_SCREEN = "\x1b[?1049h";
const LEAVE_ALT_SCREEN = "\x1b[?1049l";
const SHOW_CURSOR = "\x1b[?25h";

export interface TerminalGuard {
  /** Leaves the terminal as it was: raw mode off, cursor shown, alternate screen left. Idempotent. */
  restore(): void;
}

interface GuardedStreams {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
}

/**
 * Switches to the alternate screen and makes sure the terminal is given back usable however the
 * process ends: normally (`restore()`), by `process.exit`, by an uncaught exception (restored
 * before Node prints it, so the message lands on the normal screen), or by SIGTERM / SIGHUP
 * (restored, then exit 128+n). A crash inside native code cannot run JavaScript: that is the
 * one case left to the shell (`reset`).
 */
export function guardTerminal(streams: GuardedStreams, options: { readonly altScreen?: boolean } = {}): TerminalGuard {
  const { stdin, stdout } = streams;
  const alt = options.altScreen ?? true;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off("exit", restore);
    process.off("uncaughtExceptionMonitor", restore);
    process.off("SIGTERM", onTerm);
    process.off("SIGHUP", onHup);
    try {
      if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
    } catch {
      // stdin already closed: nothing left to restore there
    }
    stdout.write(`${SHOW_CURSOR}${alt ? LEAVE_ALT_SCREEN : ""}`);
  };
  const onTerm = () => {
    restore();
    process.exit(143);
  };
  const onHup = () => {
    restore();
    process.exit(129);
  };
  process.on("exit", restore);
  process.on("uncaughtExceptionMonitor", restore);
  process.on("SIGTERM", onTerm);
  process.on("SIGHUP", onHup);
  if (alt) stdout.write(ENTER_ALT_SCREEN);
  return { restore };
}
