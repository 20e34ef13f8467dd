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
        send(request, sink) {
          const response = respond(fake.sent.length, request);
          fake.sent.push(request);
          fake.sentAtMs.push(clock.now());
          let settled = false;
          let cancel = (): void => undefined;
          const settle = (report: () => void): void => {
            if (settled) return;
            settled = true;
            cancel();
            report();
          };
          if (response !== 'hang' && response !== 'ignore-abort') {
            cancel = clock.setTimer(() => {
              if ('error' in response) settle(() => sink.onFailure(response.error));
              else settle(() => sink.onResponse(response.status));
            }, response.delayMs);
          }
          return {
            // Like undici: an abort reports its reason at once, unless the client ignores aborts.
            abort(reason) {
              if (response !== 'ignore-abort') settle(() => sink.onFailure(reason));
            },
          };
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
