import type { CommandModule } from "yargs";
import { inspectCommand } from "./inspect-command.js";
import { mergeCommand } from "./merge-command.js";
import { evalCommand } from "./eval-command.js";
import { leaderboardCommand } from "./leaderboard-command.js";
import { exportCommand } from "./export-command.js";
import { reportCommand } from "./report-command.js";
import { searchCommand } from "./search-command.js";
import { convertCommand } from "./convert-command.js";
import { demoCommand } from "./demo-command.js";
import { pullCommand } from "./pull-command.js";
import { uiCommand } from "./ui-command.js";

/** Every CLI command, one file each (house style §11). Add new commands here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [demoCommand, uiCommand, inspectCommand, mergeCommand, convertCommand, pullCommand, evalCommand, searchCommand, leaderboardCommand, exportCommand, reportCommand];
