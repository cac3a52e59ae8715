// Speed and ETA of a transfer, from the bytes moved in this run (resumed bytes do not count as speed).

export class RateMeter {
  private readonly startedAt = Date.now()
  private baseline: number | undefined

  /** Bytes per second since the first reading. */
  speed(bytes: number): number {
    this.baseline ??= bytes
    const seconds = (Date.now() - this.startedAt) / 1000
    return seconds > 0.2 ? Math.max(0, bytes - this.baseline) / seconds : 0
  }

  /** Seconds left at the current speed; Infinity while unknown. */
  eta(bytes: number, total: number): number {
    const speed = this.speed(bytes)
    return speed > 0 ? (total - bytes) / speed : Number.POSITIVE_INFINITY
  }
}
