/**
 * The plumbing every streaming detector shares: subscribe, resolve once on detection, reject with an
 * AbortError when the drill aborts, and always unsubscribe — synchronously, at the moment the
 * detection is made, so no later outcome or sample reaches a detector that has already fired.
 */
import { abortError } from '../core/clock.js';
import type { TrafficListener } from '../traffic/sli.js';
import type { Detection, DetectorContext } from './port.js';

/** Called by a detector's listener when it concludes there is a regression. */
export type FireDetection = (detection: Detection) => void;

/**
 * Runs `makeListener` (which sets up the detector's state and returns its listener) under the
 * context's subscription and abort signal. A listener that throws rejects the watch: a bug in a
 * detector must end the detect phase loudly, not break the traffic generator that called it.
 */
export function watchTraffic(
  ctx: DetectorContext,
  makeListener: (fire: FireDetection) => TrafficListener,
): Promise<Detection> {
  return new Promise<Detection>((resolve, reject) => {
    if (ctx.signal.aborted) {
      reject(abortError(ctx.signal));
      return;
    }
    let finished = false;
    // Replaced by the real unsubscribe once subscribed; a detection before that is handled below.
    let unsubscribe = (): void => {};
    const finish = (): void => {
      finished = true;
      ctx.signal.removeEventListener('abort', onAbort);
      unsubscribe();
    };
    const onAbort = (): void => {
      if (finished) return;
      finish();
      reject(abortError(ctx.signal));
    };
    const fail = (error: unknown): void => {
      if (finished) return;
      finish();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const fire: FireDetection = (detection) => {
      if (finished) return;
      finish();
      resolve(detection);
    };

    let listener: TrafficListener;
    try {
      listener = makeListener(fire);
    } catch (error) {
      fail(error);
      return;
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const guarded: TrafficListener = {};
    if (listener.outcome) {
      const onOutcome = listener.outcome.bind(listener);
      guarded.outcome = (outcome) => {
        if (finished) return;
        try {
          onOutcome(outcome);
        } catch (error) {
          fail(error);
        }
      };
    }
    if (listener.sample) {
      const onSample = listener.sample.bind(listener);
      guarded.sample = (sample) => {
        if (finished) return;
        try {
          onSample(sample);
        } catch (error) {
          fail(error);
        }
      };
    }
    unsubscribe = ctx.subscribe(guarded);
    // A detection (or abort) raised while subscribing must still unsubscribe.
    if (finished) unsubscribe();
  });
}
