/**
 * Drives programs in a real pseudo-terminal through tmux: a private server (its own socket), one
 * 80x24 session running a plain bash, keys sent with send-keys, the screen read with capture-pane.
 */
import { execFileSync } from "node:child_process";

export interface Tmux {
  /** Types `text` and presses Enter. */
  run(text: string): void;
  /** Sends keys by tmux name (`Enter`, `Down`, `Tab`, `C-c`, `p`). */
  keys(...keys: string[]): void;
  /** The visible screen, as text. */
  screen(): string;
  /** Polls the screen until `test` passes; throws with the last screen after `timeoutMs`. */
  waitFor(test: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** Resizes the terminal (the program gets SIGWINCH). */
  resize(columns: number, rows: number): void;
  /** Whether the pane shows the cursor and is on the alternate screen (tmux's own view of the terminal). */
  modes(): { cursor: boolean; alternate: boolean };
  /** Stops the tmux server (and what runs in it). */
  kill(): void;
}

export function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function startTmux(options: { readonly cwd: string; readonly socket: string; readonly columns?: number; readonly rows?: number }): Tmux {
  const base = ["-u", "-L", options.socket];
  const tmux = (...args: string[]) => execFileSync("tmux", [...base, ...args], { encoding: "utf8" });
  // A bare bash with a fixed prompt; CI is removed by the commands that need it gone.
  tmux("new-session", "-d", "-x", String(options.columns ?? 80), "-y", String(options.rows ?? 24), "-s", "t", "-c", options.cwd, "env PS1='tui$ ' bash --norc --noprofile");
  tmux("set-option", "-t", "t", "status", "off");
  // -J joins lines the terminal wrapped, so long messages can be matched whole.
  const screen = () => tmux("capture-pane", "-p", "-J", "-t", "t");
  return {
    run(text) {
      tmux("send-keys", "-t", "t", "-l", text);
      tmux("send-keys", "-t", "t", "Enter");
    },
    keys(...keys) {
      tmux("send-keys", "-t", "t", ...keys);
    },
    screen,
    async waitFor(test, what, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < end) {
        last = screen();
        if (test(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${last}`);
    },
    resize(columns, rows) {
      tmux("resize-window", "-t", "t", "-x", String(columns), "-y", String(rows));
    },
    modes() {
      const [cursor, alternate] = tmux("display-message", "-p", "-t", "t", "#{cursor_flag} #{alternate_on}").trim().split(" ");
      return { cursor: cursor === "1", alternate: alternate === "1" };
    },
    kill() {
      try {
        tmux("kill-server");
      } catch {
        // already gone
      }
    },
  };
}
