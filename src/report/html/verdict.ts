/** The verdict box: root cause, confidence, how many failures it explains, the fix. */
import type { AnalysisResult } from '../../analyze/result.js';
import { html, type SafeHtml } from './escape.js';
import { coverageOf } from '../coverage.js';

export function verdictSection(r: AnalysisResult): SafeHtml {
  const v = r.verdict;
  const cover = coverageOf(r);
  if (cover.nothingRead) {
    return html`<section class="verdict sev-error" id="verdict" aria-labelledby="verdict-label">
<div class="label" id="verdict-label">Nothing analyzed</div>
<p class="cause">${cover.line}</p>
</section>`;
  }
  const ok = v.severity === 'ok' || v.severity === 'info';
  const label = cover.nothingToDiagnose ? 'Nothing to diagnose' : ok ? 'No connection problem found' : v.severity === 'error' ? 'Root cause' : 'Likely cause';
  return html`<section class="verdict sev-${v.severity}" id="verdict" aria-labelledby="verdict-label">
<div class="label" id="verdict-label">${label}</div>
<p class="cause">${v.cause}</p>
${cover.caveat ? html`<p class="read-error">${cover.caveat}</p>` : ''}
${ok ? '' : html`<div class="facts">
<span>kind <b>${v.kind}</b></span>
${v.server ? html`<span>server <b class="mono">${v.server}</b></span>` : ''}
<span>confidence <b>${Math.round(v.confidence * 100)}%</b></span>
<span>explains <b>${v.explains}</b> failure${v.explains === 1 ? '' : 's'} in this capture</span>
</div>`}
${v.fix ? html`<p class="fix"><b>${cover.nothingToDiagnose ? 'Next' : 'Fix'}:</b> ${v.fix}</p>` : ''}
</section>`;
}
