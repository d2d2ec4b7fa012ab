/**
 * The detectors that run on every analysis, in report order.
 * Each lives in its own file named after the finding kind it decides.
 */
import type { DetectorFactory } from './detector.js';
// -- reset causes (keep-alive races, request caps, timeouts, HTTP) --
import { createIdleCloseRace } from './idle-close-race.js';
import { createRequestCapClose } from './request-cap-close.js';
import { createDataAfterClose } from './data-after-close.js';
import { createAbortiveIdleClose } from './abortive-idle-close.js';
import { createRequestTimeoutAbort } from './request-timeout-abort.js';
import { createResetBeforeResponse } from './reset-before-response.js';
import { createTruncatedResponse } from './truncated-response.js';
import { createProtocolMismatch } from './protocol-mismatch.js';
// -- network (handshake, middleboxes, loss, MTU, fragmentation) --
import { connectionRefused } from './connection-refused.js';
import { synUnanswered } from './syn-unanswered.js';
import { acceptQueueOverflow } from './accept-queue-overflow.js';
import { portReuse } from './port-reuse.js';
import { middleboxReset } from './middlebox-reset.js';
import { retransmissionLoss } from './retransmission-loss.js';
import { zeroWindow } from './zero-window.js';
import { pmtuBlackhole } from './pmtu-blackhole.js';
import { icmpFragNeeded } from './icmp-frag-needed.js';
import { ipFragmentation } from './ip-fragmentation.js';

export const DETECTORS: DetectorFactory[] = [
  // -- reset causes --
  createIdleCloseRace,
  createRequestCapClose, // before reset-before-response: it marks the raced requests it explains
  createDataAfterClose,
  createAbortiveIdleClose,
  createRequestTimeoutAbort,
  createResetBeforeResponse,
  createTruncatedResponse,
  createProtocolMismatch,
  // -- network --
  connectionRefused,
  synUnanswered,
  acceptQueueOverflow,
  portReuse,
  middleboxReset,
  retransmissionLoss,
  zeroWindow,
  pmtuBlackhole,
  icmpFragNeeded,
  ipFragmentation,
];
