/**
 * The page skeleton: one self-contained file. Styles, the script and the data are
 * inlined; the Content-Security-Policy forbids every load (no network, no other file)
 * and allows exactly the one inline script, by its sha256.
 */
import { createHash } from 'node:crypto';
import { html, raw, jsonForScript, type SafeHtml } from './escape.js';
import { reportCss } from './style.js';
import { CLIENT_SCRIPT } from './client-script.js';

export function scriptHash(script: string): string {
  return 'sha256-' + createHash('sha256').update(script, 'utf8').digest('base64');
}

/** The policy: nothing may load; inline styles; only our script (by hash); images only as data: URLs. */
export function contentSecurityPolicy(script: string): string {
  // our own constant text (quotes and base64): safe in a double-quoted attribute as is
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src '${scriptHash(script)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface PageParts {
  title: string;
  /** Data the script reads (escaped for a <script> element). */
  data: unknown;
  body: SafeHtml;
}

export function page(p: PageParts): string {
  const script = CLIENT_SCRIPT;
  const doc = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${raw(contentSecurityPolicy(script))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="pcap-reset">
<title>${p.title}</title>
<link rel="icon" href="data:,">
<style>${raw(reportCss())}</style>
</head>
<body>
${p.body}
<script type="application/json" id="pr-data">${raw(jsonForScript(p.data))}</script>
<script>${raw(script)}</script>
</body>
</html>
`;
  return doc.value;
}
