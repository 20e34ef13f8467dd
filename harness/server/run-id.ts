/**
 * Run ids as they appear in URLs. Only ids of the shape run-store's newRunId makes are accepted —
 * `20261122T060102Z-demo-bad-release-3f9a` — so an id can never climb out of the runs directory
 * (`..`, `/`, `%2F` and NUL cannot match).
 */
export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?-[0-9a-f]{4,16}$/;

export function isRunId(text: string): boolean {
  return text.length <= 100 && RUN_ID_PATTERN.test(text);
}
