import { access } from "node:fs/promises";
import { join } from "node:path";
import { OutputError } from "../errors.js";
import { openRun, writeFileAtomic, type RunRecord } from "../store/index.js";
import { renderReport, type RenderReportOptions } from "./render-report.js";

export interface WriteReportOptions extends RenderReportOptions {
  /** The HTML file to write. Defaults to `report.html` inside the run folder. */
  readonly output?: string;
  /** Replace an existing output. Defaults to false: an existing file is an OutputError and stays as it was. */
  readonly force?: boolean;
}

export interface WrittenReport {
  readonly output: string;
  readonly run: RunRecord;
  readonly bytes: number;
  /** Milliseconds spent rendering (reading the run excluded). */
  readonly renderMs: number;
}

/**
 * Opens a run folder (RunStoreError when it is missing, empty or corrupt), renders its report and
 * writes it atomically: under a temporary name beside the output, renamed when complete, so the
 * output is whole or absent. An existing output is refused before any work unless `force`.
 */
export async function writeReport(dir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const run = await openRun(dir);
  const output = options.output ?? join(run.files.dir, "report.html");
  const force = options.force ?? false;
  if (!force && (await access(output).then(() => true, () => false))) {
    throw new OutputError(output, "already exists; refusing to overwrite it (force replaces it)");
  }
  const started = performance.now();
  const html = await renderReport(run, options);
  const renderMs = performance.now() - started;
  await writeFileAtomic(output, html, { overwrite: force });
  return { output, run, bytes: Buffer.byteLength(html), renderMs };
}
