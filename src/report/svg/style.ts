/**
 * The look of the SVG pictures, as CSS classes. Standalone SVG files embed it; the
 * HTML report includes it once for all of its inline pictures, so both show the same
 * picture. Colors are custom properties with a light and a dark set.
 */

export const SVG_VARS_LIGHT = `--bg:#ffffff;--fg:#1d2330;--muted:#5e6878;--faint:#d5dae2;--lane:#8a94a6;--band:#f2f4f8;
--ok:#2f8a4c;--rst:#d0312d;--fin:#2f6fb5;--syn:#6b4fbb;--req:#1d2330;--resp:#2f8a4c;--retx:#c86b00;--warn:#b7791f;
--hl:#fff3bf;--hl-break:#ffd9d6;--open:#2f6fb5;--refused:#8e1b5c;--half:#b7791f;--info:#5e6878;`;

export const SVG_VARS_DARK = `--bg:#161a21;--fg:#e4e8ef;--muted:#9aa4b5;--faint:#323946;--lane:#6d788b;--band:#1f242d;
--ok:#5cc27f;--rst:#ff6b63;--fin:#6fa8ea;--syn:#a993f0;--req:#e4e8ef;--resp:#5cc27f;--retx:#f0a040;--warn:#e0b050;
--hl:#4a4120;--hl-break:#5a2626;--open:#6fa8ea;--refused:#e070b0;--half:#e0b050;--info:#9aa4b5;`;

/** Rules for the classes the renderers use (they read the variables above). */
export const SVG_RULES = `
svg.pr text{font:12px ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--fg)}
svg.pr .mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:11px}
svg.pr .bg{fill:var(--bg)}
svg.pr .h1{font-weight:600;font-size:14px}
svg.pr .muted{fill:var(--muted)}
svg.pr .small{font-size:10.5px}
svg.pr .lane{stroke:var(--lane);stroke-width:2}
svg.pr .lane-head{font-weight:600}
svg.pr .grid{stroke:var(--faint);stroke-width:1}
svg.pr .ev line{stroke:var(--fg);stroke-width:1.4}
svg.pr .ev path.head{fill:var(--fg)}
svg.pr .ev-syn line,svg.pr .ev-syn-ack line{stroke:var(--syn)}
svg.pr .ev-syn path.head,svg.pr .ev-syn-ack path.head{fill:var(--syn)}
svg.pr .ev-syn text.lbl,svg.pr .ev-syn-ack text.lbl{fill:var(--syn)}
svg.pr .ev-response line{stroke:var(--resp)}
svg.pr .ev-response path.head{fill:var(--resp)}
svg.pr .ev-fin line{stroke:var(--fin);stroke-width:2}
svg.pr .ev-fin path.head{fill:var(--fin)}
svg.pr .ev-fin text.lbl{fill:var(--fin);font-weight:600}
svg.pr .ev-rst line{stroke:var(--rst);stroke-width:2.6}
svg.pr .ev-rst path.head{fill:var(--rst)}
svg.pr .ev-rst path.x{stroke:var(--rst);stroke-width:2.4;fill:none}
svg.pr .ev-rst text.lbl{fill:var(--rst);font-weight:700}
svg.pr .ev.retx line,svg.pr .ev-retransmission line{stroke:var(--retx);stroke-dasharray:5 3}
svg.pr .ev.retx path.head,svg.pr .ev-retransmission path.head{fill:var(--retx)}
svg.pr .ev.retx text.lbl,svg.pr .ev-retransmission text.lbl{fill:var(--retx)}
svg.pr .ev.minor line{stroke:var(--lane);stroke-width:1}
svg.pr .ev.minor path.head{fill:var(--lane)}
svg.pr .ev.minor text.lbl{fill:var(--muted)}
svg.pr .ev-lost-segment line{stroke:var(--muted);stroke-dasharray:2 3}
svg.pr .ev-zero-window line,svg.pr .ev-window-open line{stroke:var(--warn)}
svg.pr .ev-zero-window path.head,svg.pr .ev-window-open path.head{fill:var(--warn)}
svg.pr .ev-zero-window text.lbl{fill:var(--warn)}
svg.pr .ev-note circle{fill:var(--warn)}
svg.pr .hl-ev{fill:var(--hl)}
svg.pr .hl-break{fill:var(--hl-break)}
svg.pr .broke{fill:var(--rst);font-weight:700}
svg.pr .evtag{fill:var(--warn);font-weight:600}
svg.pr .race line,svg.pr .race path{stroke:var(--rst);stroke-width:1.5;fill:none}
svg.pr .race text{fill:var(--rst);font-weight:600}
svg.pr .break-band{fill:var(--bg)}
svg.pr .break-line{stroke:var(--muted);stroke-width:1.2;fill:none}
svg.pr .idle-bg{fill:var(--band);stroke:var(--faint)}
svg.pr .idle-text{fill:var(--muted);font-style:italic}
svg.pr .gapline{stroke:var(--faint);stroke-dasharray:3 3}
svg.pr .elided{fill:var(--muted);font-style:italic}
svg.pr .st-closed-fin{fill:var(--ok)}
svg.pr .st-closed-rst,svg.pr .st-reset-in-handshake{fill:var(--rst)}
svg.pr .st-refused{fill:var(--refused)}
svg.pr .st-syn-unanswered{fill:var(--muted)}
svg.pr .st-half-closed{fill:var(--half)}
svg.pr .st-open{fill:var(--open)}
svg.pr .conn{opacity:.85}
svg.pr .conn.flagged{opacity:1;stroke:var(--fg);stroke-width:.8}
svg.pr .mark{fill:var(--fg);stroke:var(--bg);stroke-width:1}
svg.pr .mark.sev-error{fill:var(--rst)}
svg.pr .mark.sev-warning{fill:var(--warn)}
svg.pr .lane-bg{fill:var(--band)}
svg.pr .axis path,svg.pr .axis line{stroke:var(--lane)}
svg.pr .axis text{fill:var(--muted);font-size:10px}
svg.pr .bar-server{fill:var(--fin)}
svg.pr .bar-client{fill:var(--syn)}
svg.pr .timeout line{stroke:var(--rst);stroke-width:2;stroke-dasharray:6 3}
svg.pr .timeout text{fill:var(--rst);font-weight:600;font-size:11px}
`;

/** The <style> text of a standalone SVG file (light, and dark when the viewer prefers it). */
export function standaloneCss(): string {
  return `svg.pr{${SVG_VARS_LIGHT}}@media (prefers-color-scheme: dark){svg.pr{${SVG_VARS_DARK}}}${SVG_RULES}`;
}
