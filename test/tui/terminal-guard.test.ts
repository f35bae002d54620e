import { describe, expect, it } from "vitest";
import { guardTerminal } from "../../src/tui/session/terminal-guard.js";

function streams(raw: boolean) {
  const written: string[] = [];
  const rawCalls: boolean[] = [];
  const stdin = { isTTY: true, isRaw: raw, setRawMode: (on: boolean) => (rawCalls.push(on), stdin) };
  const stdout = { write: (s: string) => written.push(s) > 0 };
  return { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, written, rawCalls };
}

describe("guardTerminal", () => {
  it("enters the alternate screen, and restores once: raw mode off, cursor shown, alternate screen left", () => {
    const s = streams(true);
    const listeners = () => ["exit", "uncaughtExceptionMonitor", "SIGTERM", "SIGHUP"].map((e) => process.listenerCount(e));
    const before = listeners();
    const guard = guardTerminal(s);
    expect(s.written).toEqual(["\x1b[?1049h"]);
    expect(listeners()).toEqual(before.map((n) => n + 1));
    guard.restore();
    guard.restore();
    expect(s.rawCalls).toEqual([false]);
    expect(s.written).toEqual(["\x1b[?1049h", "\x1b[?25h\x1b[?1049l"]);
    expect(listeners()).toEqual(before);
  });

  it("leaves raw mode alone when it is off, and the screen when told not to switch", () => {
    const s = streams(false);
    guardTerminal(s, { altScreen: false }).restore();
    expect(s.rawCalls).toEqual([]);
    expect(s.written).toEqual(["\x1b[?25h"]);
  });
});
