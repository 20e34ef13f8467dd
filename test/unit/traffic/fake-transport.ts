/** A fake HTTP client for the builtin generator's unit tests: responses arrive on a FakeClock. */
import type { FakeClock } from '../../../harness/core/fake-clock.js';
import type { HttpTransportFactory, HttpTransportSettings } from '../../../harness/traffic/http-transport.js';
import type { PreparedRequest } from '../../../harness/traffic/request-mix.js';

/** What the fake server does with request number `index`. */
export type FakeResponse =
  | { readonly delayMs: number; readonly status: number }
  | { readonly delayMs: number; readonly error: Error }
  /** Never answers; rejects with the abort reason when the request is aborted. */
  | 'hang'
  /** Never answers and ignores aborts: a client library that misbehaves. */
  | 'ignore-abort';

export interface FakeTransport {
  readonly factory: HttpTransportFactory;
  readonly sent: PreparedRequest[];
  readonly sentAtMs: number[];
  baseUrl?: URL;
  settings?: HttpTransportSettings;
  /** undefined until close() is called; then whether it was forced. */
  closedWithForce?: boolean;
}

export function createFakeTransport(
  clock: FakeClock,
  respond: (index: number, request: PreparedRequest) => FakeResponse,
): FakeTransport {
  const fake: FakeTransport = {
    sent: [],
    sentAtMs: [],
    factory: (baseUrl, settings) => {
      fake.baseUrl = baseUrl;
      fake.settings = settings;
      return {
        send(request, signal) {
          const response = respond(fake.sent.length, request);
          fake.sent.push(request);
          fake.sentAtMs.push(clock.now());
          return new Promise<number>((resolve, reject) => {
            if (response === 'ignore-abort') return;
            const onAbort = (): void => {
              cancel();
              reject(signal.reason);
            };
            let cancel = (): void => undefined;
            if (response !== 'hang') {
              cancel = clock.setTimer(() => {
                signal.removeEventListener('abort', onAbort);
                if ('error' in response) reject(response.error);
                else resolve(response.status);
              }, response.delayMs);
            }
            signal.addEventListener('abort', onAbort, { once: true });
          });
        },
        close(force) {
          fake.closedWithForce = force;
          return Promise.resolve();
        },
      };
    },
  };
  return fake;
}
