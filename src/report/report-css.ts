import { FONT } from "./plot-style.js";

/** The report's whole stylesheet, inlined in the page (no external files). */
export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 ${FONT}; color: #1d1d1f; background: #f6f6f4; }
header, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 22px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 30px 0 6px; padding-top: 6px; border-top: 1px solid #ddd; }
h3 { font-size: 15px; margin: 18px 0 6px; }
code { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 0.95em; }
.sub { color: #555; margin: 0; }
nav { margin: 10px 0 0; }
nav a { margin-right: 14px; color: #3567a5; text-decoration: none; }
.note { color: #444; margin: 4px 0 10px; max-width: 980px; }
.notice { background: #fff4d6; border: 1px solid #e8cf84; padding: 8px 12px; border-radius: 4px; }
.grid { display: flex; flex-wrap: wrap; gap: 14px; }
figure.plot { margin: 0; background: #fff; border: 1px solid #e2e2df; border-radius: 6px; padding: 10px 12px 8px; max-width: 100%; }
figure.plot figcaption { font-size: 12px; color: #555; width: 0; min-width: 100%; margin-top: 4px; }
figure.plot figcaption strong { display: block; color: #1d1d1f; font-size: 13px; }
figure.plot svg { display: block; max-width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; margin: 6px 0 12px; font-size: 13px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; vertical-align: baseline; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; background: #fff; }
table.board { font-size: 13px; margin-bottom: 10px; }
table.board th, table.board td { padding: 4px 10px; border-bottom: 1px solid #ececea; text-align: left; vertical-align: top; white-space: nowrap; }
table.board thead th { background: #efefec; position: sticky; top: 0; }
table.board tr.picked td { background: #fff6cf; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.strong { font-weight: 600; }
td.mark { text-align: center; color: #b8860b; }
.se { color: #777; }
.test { color: #3567a5; font-size: 12px; }
.na { color: #aaa; }
.fail { color: #d62728; }
table.meta th, table.meta td { text-align: left; vertical-align: top; padding: 4px 14px 4px 0; border-bottom: 1px solid #ececea; }
table.meta { background: transparent; }
table.meta th { color: #555; font-weight: 600; white-space: nowrap; }
.path { color: #666; font-size: 12px; word-break: break-all; }
pre.recipe { background: #fff; border: 1px solid #e2e2df; border-radius: 6px; padding: 12px 14px; overflow-x: auto; font-size: 12.5px; }
footer { color: #777; font-size: 12px; padding: 30px 24px 40px; }
`;
