// Progress of a push or pull, drawn from the SDK's transfer events: bars per file and overall on a terminal,
// plain lines elsewhere (CI logs, pipes), nothing with --json or --no-progress.
import type { TransferEvent } from '@modelreg/sdk/node'
import cliProgress from 'cli-progress'
import { formatBytes, formatDuration } from './format.js'
import { RateMeter } from './rate.js'

export interface ProgressView {
  onEvent(event: TransferEvent): void
  stop(): void
}

export function createProgressView(opts: {
  mode: 'bars' | 'lines' | 'none'
  verb: 'push' | 'pull'
  stream?: NodeJS.WriteStream
}): ProgressView {
  if (opts.mode === 'none') return { onEvent() {}, stop() {} }
  const tracker = new OverallTracker()
  return opts.mode === 'bars'
    ? barsView(tracker, opts.verb, opts.stream ?? process.stderr)
    : linesView(tracker, opts.verb, opts.stream ?? process.stderr)
}

/** Sums the files' bytes into one overall figure. */
class OverallTracker {
  total = 0
  private readonly current = new Map<string, number>()
  private finished = 0
  readonly rate = new RateMeter()

  handle(e: TransferEvent): void {
    if (e.type === 'plan') this.total = e.totalBytes
    else if (e.type === 'start' || e.type === 'progress')
      this.current.set(e.path, e.type === 'start' ? e.resumedBytes : e.bytes)
    else if (e.type === 'done' && e.outcome !== 'skipped') {
      this.current.delete(e.path)
      this.finished += e.size
    }
  }

  get bytes(): number {
    let n = this.finished
    for (const b of this.current.values()) n += b
    return n
  }

  summary(): string {
    const bytes = this.bytes
    return `${formatBytes(bytes)}/${formatBytes(this.total)}  ${formatBytes(this.rate.speed(bytes))}/s  ETA ${formatDuration(this.rate.eta(bytes, this.total))}`
  }
}

// Hashing a large file takes seconds before any byte moves: say so, instead of looking stuck.
const HASH_NOTE_BYTES = 64 * 1024 * 1024

const arrow = (verb: 'push' | 'pull') => (verb === 'push' ? '↑' : '↓')

function planLine(e: Extract<TransferEvent, { type: 'plan' }>, verb: 'push' | 'pull'): string {
  const moving = e.files.filter((f) => f.action === 'transfer')
  const kept = e.files.length - moving.length
  const what = verb === 'push' ? 'to upload' : 'to download'
  const skip = kept ? `; ${kept} already ${verb === 'push' ? 'in the registry' : 'here and verified'}` : ''
  return `${moving.length} file${moving.length === 1 ? '' : 's'} ${what} (${formatBytes(e.totalBytes)})${skip}`
}

function outcomeLine(e: Extract<TransferEvent, { type: 'done' }>): string {
  const words: Record<typeof e.outcome, string> = {
    uploaded: 'uploaded',
    downloaded: 'downloaded',
    resumed: 'resumed and finished',
    skipped: 'unchanged, skipped',
    repaired: 'local copy was corrupt (sha256 mismatch); downloaded again',
  }
  return `${e.path} (${formatBytes(e.size)}): ${words[e.outcome]}`
}

function linesView(tracker: OverallTracker, verb: 'push' | 'pull', stream: NodeJS.WriteStream): ProgressView {
  let lastOverall = 0
  const write = (line: string) => stream.write(`${line}\n`)
  return {
    onEvent(e) {
      tracker.handle(e)
      if (e.type === 'hash' && e.size >= HASH_NOTE_BYTES) write(`# sha256 of ${e.path} (${formatBytes(e.size)})`)
      else if (e.type === 'plan') write(planLine(e, verb))
      else if (e.type === 'start') {
        const resume = e.resumedBytes > 0 ? `, resuming at ${formatBytes(e.resumedBytes)}` : ''
        write(`${arrow(verb)} ${e.path} (${formatBytes(e.size)}${resume})`)
      } else if (e.type === 'done') write(`✓ ${outcomeLine(e)}`)
      else if (e.type === 'retry') write(`! ${e.path}: ${e.error.message}; retry ${e.attempt} in ${e.delayMs} ms`)
      else if (e.type === 'progress' && Date.now() - lastOverall > 2000 && tracker.total > 0) {
        lastOverall = Date.now()
        write(`  ${Math.floor((100 * tracker.bytes) / tracker.total)}%  ${tracker.summary()}`)
      }
    },
    stop() {},
  }
}

function barsView(tracker: OverallTracker, verb: 'push' | 'pull', stream: NodeJS.WriteStream): ProgressView {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
      fps: 8,
      format: (options, params, payload: { label: string; rate: RateMeter }) => {
        const bar = (options.barCompleteString ?? '').slice(0, Math.round(params.progress * (options.barsize ?? 24)))
        const rest = (options.barIncompleteString ?? '').slice(0, (options.barsize ?? 24) - bar.length)
        const pct = `${Math.floor(params.progress * 100)}%`.padStart(4)
        const speed = `${formatBytes(payload.rate.speed(params.value))}/s`
        const eta = formatDuration(payload.rate.eta(params.value, params.total))
        return `${payload.label} ${bar}${rest} ${pct}  ${formatBytes(params.value)}/${formatBytes(params.total)}  ${speed}  ETA ${eta}`
      },
    },
    cliProgress.Presets.shades_classic,
  )
  const bars = new Map<string, cliProgress.SingleBar>()
  let overall: cliProgress.SingleBar | undefined
  const label = (text: string) => (text.length > 32 ? `…${text.slice(-31)}` : text.padEnd(32))
  return {
    onEvent(e) {
      tracker.handle(e)
      if (e.type === 'hash' && e.size >= HASH_NOTE_BYTES)
        multibar.log(`# sha256 of ${e.path} (${formatBytes(e.size)})\n`)
      else if (e.type === 'plan') {
        multibar.log(`${planLine(e, verb)}\n`)
        overall = multibar.create(Math.max(1, e.totalBytes), 0, { label: label('total'), rate: tracker.rate })
      } else if (e.type === 'start') {
        bars.set(
          e.path,
          multibar.create(Math.max(1, e.size), e.resumedBytes, {
            label: label(`${arrow(verb)} ${e.path}`),
            rate: new RateMeter(),
          }),
        )
      } else if (e.type === 'progress') bars.get(e.path)?.update(e.bytes)
      else if (e.type === 'done') {
        const bar = bars.get(e.path)
        if (bar) {
          multibar.remove(bar)
          bars.delete(e.path)
        }
        if (e.outcome !== 'skipped') multibar.log(`✓ ${outcomeLine(e)}\n`)
      } else if (e.type === 'retry') multibar.log(`! ${e.path}: ${e.error.message}; retry ${e.attempt}\n`)
      overall?.update(tracker.bytes)
    },
    stop() {
      // Lines logged since the last redraw are printed by a redraw only: flush them before stopping.
      if (overall) multibar.update()
      multibar.stop()
    },
  }
}

/** Bars on a terminal, lines elsewhere; none with --json or --no-progress. */
export function progressMode(json: boolean, progress: boolean | undefined): 'bars' | 'lines' | 'none' {
  if (json || progress === false) return 'none'
  return process.stderr.isTTY ? 'bars' : 'lines'
}
