// Retries with exponential backoff and full jitter, for failures worth repeating (network, 5xx, 429).
import { ModelregError } from './errors.js'

export interface RetryOptions {
  /** Attempts after the first; default 4. */
  retries?: number
  /** First delay; it doubles each time (with jitter) up to maxDelayMs. */
  minDelayMs?: number
  maxDelayMs?: number
  signal?: AbortSignal
  onRetry?: (error: ModelregError, attempt: number, delayMs: number) => void
}

export async function withRetries<T>(task: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const { retries = 4, minDelayMs = 250, maxDelayMs = 8000, signal } = opts
  for (let attempt = 0; ; attempt++) {
    try {
      if (signal?.aborted) throw abortError()
      return await task(attempt)
    } catch (err) {
      const retryable = err instanceof ModelregError && err.retryable && !signal?.aborted
      if (!retryable || attempt >= retries) throw err
      const delay = Math.round(Math.random() * Math.min(maxDelayMs, minDelayMs * 2 ** attempt))
      opts.onRetry?.(err, attempt + 1, delay)
      await sleep(delay, signal)
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', abort)
      resolve()
    }
    function abort() {
      clearTimeout(timer)
      reject(abortError())
    }
    signal?.addEventListener('abort', abort, { once: true })
  })
}

/** Runs at most `concurrency` tasks at once; shared by every transfer of one push or pull. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>

export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be an integer ≥ 1')
  let running = 0
  const waiting: (() => void)[] = []
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
}

const abortError = () => new ModelregError(0, 'ABORTED', 'the request was aborted')
