/**
 * "No data" is not "bad": a window with too few requests is counted and reported, never evaluated.
 * Peers that treat missing values as failures roll back healthy releases on quiet traffic
 * (flagger #1501, #1035, #883); this keeps the two apart and says so once per stretch, not per second.
 */
export class NoDataReporter {
  /** Evaluations skipped for lack of requests. */
  count = 0;
  private inStretch = false;

  constructor(
    private readonly detectorKind: string,
    private readonly minRequests: number,
    private readonly windowText: string,
    private readonly log: (message: string) => void,
  ) {}

  /** True when `requests` is enough to evaluate; otherwise counts a no-data evaluation. */
  check(requests: number): boolean {
    if (requests >= this.minRequests && requests > 0) {
      if (this.inStretch)
        this.log(
          `${this.detectorKind}: data again (${requests} requests over ${this.windowText}) after ${this.count} no-data evaluations`,
        );
      this.inStretch = false;
      return true;
    }
    this.count++;
    if (!this.inStretch)
      this.log(
        `${this.detectorKind}: no data — ${requests} requests over ${this.windowText} (< minRequests ${this.minRequests}); not evaluated`,
      );
    this.inStretch = true;
    return false;
  }
}
