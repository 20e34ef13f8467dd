/** Small fetch helpers for tests: bounded, and the error says what was asked. */
export async function getText(url: string, timeoutMs = 5_000): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

export async function getJson<T = unknown>(url: string, timeoutMs = 5_000): Promise<T> {
  return JSON.parse(await getText(url, timeoutMs)) as T;
}
