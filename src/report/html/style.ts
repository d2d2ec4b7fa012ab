/** The report's stylesheet: light and dark (prefers-color-scheme), print (everything expanded). */
import { SVG_RULES, SVG_VARS_DARK, SVG_VARS_LIGHT } from '../svg/style.js';

export function reportCss(): string {
  return `:root{${SVG_VARS_LIGHT}--card:#ffffff;--page:#f6f7f9;--border:#dde1e8;--link:#2457a6;--focus:#2f6fb5;color-scheme:light dark}
@media (prefers-color-scheme: dark){:root{${SVG_VARS_DARK}--card:#1b2029;--page:#11151b;--border:#2d3440;--link:#8ab4f8;--focus:#8ab4f8}}
*{box-sizing:border-box}
html{background:var(--page);color:var(--fg)}
body{margin:0 auto;max-width:1180px;padding:0 20px 60px;font:15px/1.45 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
a{color:var(--link)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:3px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.92em}
header.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 18px;padding:18px 0 8px;border-bottom:1px solid var(--border)}
header.top h1{font-size:20px;margin:0}
header.top .meta{color:var(--muted);font-size:13px}
nav.toc{display:flex;gap:14px;font-size:14px;padding:8px 0 0}
h2{font-size:18px;margin:30px 0 10px}
h4{margin:14px 0 4px;font-size:14px}
section.card,.verdict{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:14px 18px}
.verdict{margin-top:18px;border-left:6px solid var(--muted)}
.verdict.sev-error{border-left-color:var(--rst)}
.verdict.sev-warning{border-left-color:var(--warn)}
.verdict.sev-ok,.verdict.sev-info{border-left-color:var(--ok)}
.verdict .label{text-transform:uppercase;letter-spacing:.06em;font-size:12px;font-weight:700;color:var(--muted)}
.verdict.sev-error .label{color:var(--rst)}
.verdict .cause{font-size:19px;font-weight:600;margin:4px 0 8px}
.verdict .facts{display:flex;flex-wrap:wrap;gap:6px 22px;color:var(--muted);font-size:14px}
.verdict .facts b{color:var(--fg)}
.verdict .fix{margin:10px 0 0;padding:8px 12px;background:var(--band);border-radius:6px}
.verdict .read-error{margin:6px 0 0;color:var(--warn);font-weight:600}
.fig{overflow-x:auto;background:var(--card);border:1px solid var(--border);border-radius:8px;padding:6px}
.fig svg{display:block;max-width:none;height:auto}
.fig svg.pr{--bg:var(--card)}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:end;margin:0 0 10px}
.controls label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.controls select,.controls input,.controls button{font:inherit;font-size:14px;color:var(--fg);background:var(--card);border:1px solid var(--border);border-radius:6px;padding:4px 8px}
.controls button{cursor:pointer}
.controls .count{font-size:13px;color:var(--muted);margin-left:auto}
.findings{display:flex;flex-direction:column;gap:6px}
details.finding{background:var(--card);border:1px solid var(--border);border-radius:8px}
details.finding[open]{border-color:var(--lane)}
details.finding>summary{display:grid;grid-template-columns:72px 190px 170px 92px 1fr;gap:10px;align-items:baseline;padding:8px 12px;cursor:pointer;list-style:none}
details.finding>summary::-webkit-details-marker{display:none}
details.finding>summary::before{content:"▸";position:absolute;margin-left:-10px;color:var(--muted)}
details.finding[open]>summary::before{content:"▾"}
details.finding>summary:hover{background:var(--band)}
.sum{overflow-wrap:anywhere}
.kind{font-weight:600;overflow-wrap:anywhere}
.badge{display:inline-block;font-size:12px;font-weight:700;border-radius:10px;padding:1px 8px;text-align:center;color:#fff;background:var(--muted)}
.badge.sev-error{background:var(--rst)}
.badge.sev-warning{background:var(--warn)}
.badge.sev-info{background:var(--info)}
@media (prefers-color-scheme: dark){.badge{color:#11151b}}
.fbody{padding:4px 16px 14px;border-top:1px solid var(--border)}
.fbody .conn{color:var(--muted);font-size:14px;margin:8px 0}
.fbody .advice{padding:8px 12px;background:var(--band);border-radius:6px;margin:4px 0}
.note{color:var(--muted);font-size:14px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--border);vertical-align:top}
th{color:var(--muted);font-weight:600}
table.evidence td.mono{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.hl-break td{background:var(--hl-break)}
dl.params{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:4px 0;font-size:14px}
dl.params dt{color:var(--muted)}
dl.params dd{margin:0}
ul{margin:4px 0;padding-left:20px}
.warn{color:var(--warn)}
.err{color:var(--rst)}
footer{margin-top:40px;color:var(--muted);font-size:12px}
[hidden]{display:none !important}
@media (max-width:800px){details.finding>summary{grid-template-columns:64px 1fr}details.finding>summary .server,details.finding>summary .when{display:none}}
@media print{
  html{background:#fff}
  body{max-width:none;padding:0}
  .controls,nav.toc{display:none !important}
  details.finding{break-inside:avoid-page;border-color:#999}
  details>summary::before{content:"" !important}
  details::details-content{content-visibility:visible;display:block}
  details:not([open])>.fbody{display:block}
  .fig{overflow:visible;border:none}
  .fig svg{max-width:100%}
}
${SVG_RULES}`;
}
