// Peak resident memory of a server process, from /proc: reset the high-water mark, run a phase, read VmHWM.
import fs from 'node:fs'

/** Resets VmHWM to the current RSS (Linux ≥ 4.0: writing 5 to clear_refs). False if the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`)
  return Number(match[1])
}

/** Bytes. */
export const peakRss = (pid: number) => statusKiB(pid, 'VmHWM') * 1024
export const currentRss = (pid: number) => statusKiB(pid, 'VmRSS') * 1024

/**
 * Also samples VmRSS every 100 ms while a phase runs, as a cross-check of VmHWM (and the fallback when the
 * high-water mark cannot be reset).
 */
export function sampleRss(pid: number): { stop(): number } {
  let max = currentRss(pid)
  const timer = setInterval(() => {
    try {
      max = Math.max(max, currentRss(pid))
    } catch {
      // the process ended; the caller notices on its own
    }
  }, 100)
  return {
    stop: () => {
      clearInterval(timer)
      return max
    },
  }
}
