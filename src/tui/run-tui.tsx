import { render } from "ink";
import type { ReactElement } from "react";
import { guardTerminal, type TerminalGuard } from "./session/terminal-guard.js";
import { defaultTuiDeps, TuiDepsContext, type TuiDeps } from "./tui-deps.js";

export interface MountedTui {
  /** Settles when the app exits (rejects with what crashed it). */
  readonly exited: Promise<void>;
  /** Unmounts the app and restores the terminal. Idempotent. */
  close(): void;
  readonly guard: TerminalGuard;
}

/**
 * Mounts an ink app full-screen on the terminal: the alternate screen, Ctrl-C delivered to the
 * app as a key (it decides: graceful stop, then quit), the terminal restored on every way out.
 */
export function mountTui(element: ReactElement, options: { readonly stdin?: NodeJS.ReadStream; readonly stdout?: NodeJS.WriteStream; readonly stderr?: NodeJS.WriteStream; readonly deps?: TuiDeps } = {}): MountedTui {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const guard = guardTerminal({ stdin, stdout });
  const instance = render(<TuiDepsContext.Provider value={options.deps ?? defaultTuiDeps}>{element}</TuiDepsContext.Provider>, {
    stdin,
    stdout,
    stderr: options.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: true,
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      instance.unmount();
    } finally {
      guard.restore();
    }
  };
  const exited = instance.waitUntilExit().then(() => undefined).finally(close);
  return { exited, close, guard };
}
