/**
 * Memory bound for detectors that keep one record per candidate connection until
 * `finish` (refusals, unanswered SYNs, idle closes...): a flood of millions of such
 * connections must not exhaust memory. The first `cap` candidates are kept and
 * examined; later ones are only counted, and `finish` says so in one warning, so the
 * counts in the findings are then lower bounds.
 */
import { heapCap } from '../../util/heap-cap.js';
import type { DetectorContext } from '../detector.js';

/**
 * Records one detector keeps at most: 20 000, fewer under a small heap limit
 * (`node --max-old-space-size`; a record costs up to ~2 kB with its evidence).
 */
export const DETECTOR_ITEM_CAP = heapCap(32768, 2000, 20_000);

export class Budget {
  private used = 0;
  /** Candidates seen after the budget was spent. */
  dropped = 0;

  constructor(
    private readonly kind: string,
    private readonly cap = DETECTOR_ITEM_CAP,
  ) {}

  /** True when one more record may be kept (and counts it); false counts a dropped one. */
  take(): boolean {
    if (this.used < this.cap) {
      this.used++;
      return true;
    }
    this.dropped++;
    return false;
  }

  /** At `finish`: one warning when candidates were dropped. */
  finish(ctx: DetectorContext): void {
    if (this.dropped > 0) {
      ctx.warn?.(
        `${this.kind}: ${this.dropped} candidate connections after the first ${this.cap} were not examined (memory bound against floods); its counts are lower bounds`,
      );
    }
  }
}
