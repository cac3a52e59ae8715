// Ctrl-C during a transfer: abort the requests in flight (partial files and upload sessions stay, so the
// same command resumes), then exit 130.
import { CliError } from './cli-error.js'
import { ExitCode } from './exit-codes.js'

export async function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const onSignal = () => controller.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    return await run(controller.signal)
  } catch (err) {
    if (controller.signal.aborted) {
      throw new CliError('interrupted', ExitCode.interrupted, 'ABORTED', 'run the same command again to resume')
    }
    throw err
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
