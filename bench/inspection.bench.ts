// Inspection: its cost against file size (sparse safetensors of 100 MB, 1 GB and 10 GB: the header is all that is
// read), pickle scanning throughput, and upload throughput with this process's inspection loop on and off.
//   npx tsx bench/inspection.bench.ts      prints the markdown section (about a minute); runs the built server
//   (apps/server/dist: `npm run build` first), so worker threads load JavaScript as in production.
// Knobs: BENCH_INSPECT_RUNS (20 timed inspections per size), BENCH_INSPECT_UPLOADS (40 uploads of 8 MiB per round),
// BENCH_INSPECT_ROUNDS (5 rounds per mode).
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { openRegistry } from '../apps/server/dist/bootstrap.js'
import { inspectFile } from '../apps/server/dist/inspection/inspect-file.js'
import { scanPickle } from '../apps/server/dist/inspection/pickle.js'
import { Findings } from '../apps/server/dist/inspection/result.js'
import { type ByteSource, bufferSource, defaultLimits } from '../apps/server/dist/inspection/source.js'
import { InspectionPool } from '../apps/server/dist/inspection/worker-runner.js'
import type { BenchSection } from './run.js'

const MiB = 1024 * 1024
const runs = Number(process.env.BENCH_INSPECT_RUNS ?? 20)
const uploads = Number(process.env.BENCH_INSPECT_UPLOADS ?? 40)
const roundsPerMode = Number(process.env.BENCH_INSPECT_ROUNDS ?? 5)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

/** A safetensors file of `size` bytes: a real header, then a hole (no disk blocks). */
function sparseSafetensors(file: string, size: number): void {
  const tensors: Record<string, unknown> = {}
  const n = 200
  const per = Math.floor((size - 64 * 1024) / n / 4) * 4
  for (let i = 0; i < n; i++)
    tensors[`layer.${i}.weight`] = { dtype: 'F32', shape: [per / 4], data_offsets: [i * per, (i + 1) * per] }
  let json = JSON.stringify(tensors)
  const dataSize = n * per
  json = json.padEnd(Math.ceil((json.length + 8) / 8) * 8 - 8, ' ')
  const head = Buffer.alloc(8 + json.length)
  head.writeBigUInt64LE(BigInt(json.length))
  head.write(json, 8)
  fs.writeFileSync(file, head)
  fs.truncateSync(file, head.length + dataSize)
}

function fileSource(file: string): ByteSource & { close(): void } {
  const fd = fs.openSync(file, 'r')
  return {
    size: fs.fstatSync(fd).size,
    read: async (offset, length) => {
      const b = Buffer.alloc(length)
      const n = fs.readSync(fd, b, 0, length, offset)
      return b.subarray(0, n)
    },
    close: () => fs.closeSync(fd),
  }
}

/** An opcode-dense pickle: a list of `items` small ints and short strings (no large byte runs to skip). */
function densePickle(items: number): Uint8Array {
  const parts: number[] = [0x80, 4, 0x5d, 0x28]
  for (let i = 0; i < items; i++) {
    if (i % 2 === 0) parts.push(0x4b, i & 0xff)
    else parts.push(0x8c, 5, 0x61, 0x62, 0x63, 0x64, 0x65)
    if (i % 1000 === 999) parts.push(0x65, 0x28)
  }
  parts.push(0x65, 0x2e)
  return Uint8Array.from(parts)
}

export async function inspectionBench(): Promise<BenchSection> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-bench-inspect-'))
  const loadAtStart = os.loadavg()[0]?.toFixed(1)
  try {
    const sizeRows: string[] = []
    for (const [label, size] of [
      ['100 MB', 100e6],
      ['1 GB', 1e9],
      ['10 GB', 10e9],
    ] as const) {
      const file = path.join(dir, `${label.replace(' ', '')}.safetensors`)
      sparseSafetensors(file, size)
      const src = fileSource(file)
      const times: number[] = []
      let bytesRead = 0
      let parameters = 0
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now()
        const r = await inspectFile(src, 'model.safetensors')
        times.push(performance.now() - t0)
        bytesRead = r.summary.bytesRead as number
        parameters = r.summary.parameters as number
      }
      src.close()
      sizeRows.push(
        `| ${label} | ${parameters.toLocaleString('en-US')} | ${(bytesRead / 1024).toFixed(1)} KiB | ${median(times).toFixed(2)} ms |`,
      )
      fs.rmSync(file)
    }

    // Pickle scanning throughput, in process (the worker adds its start-up once per file, measured below).
    const dense = densePickle(2_000_000)
    const pickleTimes: number[] = []
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now()
      await scanPickle(bufferSource(dense), { findings: new Findings(1000), limits: defaultLimits, depth: 0 })
      pickleTimes.push(performance.now() - t0)
    }
    const pickleMiBs = dense.length / MiB / (median(pickleTimes) / 1000)

    // One small file through the pool of worker threads: the first pays the thread's start, the others only the
    // hand-over (the fixed cost of isolation per file).
    const { MemoryBlobStore } = await import('../apps/server/dist/blobs/memory-blob-store.js')
    const mem = new MemoryBlobStore()
    const staged = await mem.stage(Readable.from([Buffer.from(dense.subarray(0, 1000))]), {})
    await staged.commit()
    const pool = new InspectionPool({ size: 1, nice: 10 })
    const small = { sha256: staged.info.sha256, name: 'x.pkl', size: staged.info.size }
    let t0 = performance.now()
    await pool.inspect(mem, small)
    const firstMs = performance.now() - t0
    const workerTimes: number[] = []
    for (let i = 0; i < 20; i++) {
      t0 = performance.now()
      await pool.inspect(mem, small)
      workerTimes.push(performance.now() - t0)
    }
    await pool.close()

    // Upload throughput with this process's inspection loop off and on (it inspects each file as it lands), in
    // alternating rounds so that both modes see the same machine; each mode's median round is reported.
    const rounds: Record<'off' | 'on', number[]> = { off: [], on: [] }
    const ratios: number[] = []
    const modes = Array.from({ length: roundsPerMode }, () => ['off', 'on'] as const).flat()
    for (const [i, mode] of modes.entries()) {
      const root = path.join(dir, `registry-${i}`)
      const reg = await openRegistry({
        database: { kind: 'sqlite', file: path.join(root, 'db.sqlite') },
        blobRoot: path.join(root, 'blobs'),
        adminPassword: 'bench-password-123',
      })
      const admin = await reg.store.pool.users.findByUsername('admin')
      const actor = {
        userId: admin?.id ?? '',
        username: 'admin',
        siteAdmin: true,
        scope: 'admin' as const,
        credential: 'session' as const,
      }
      await reg.services.models.create(actor, { name: 'bench', framework: 'pytorch', version: '1.0.0' })
      const work =
        mode === 'on'
          ? reg.services.inspections.startWorking({ holder: 'bench', everyMs: 60_000, concurrency: 1, nice: 10 })
          : undefined
      await work?.ready
      const files = Array.from({ length: uploads }, () => randomBytes(8 * MiB))
      const t0 = performance.now()
      for (let i = 0; i < files.length; i++) {
        await reg.services.artifacts.upload(
          actor,
          { org: 'default', name: 'bench', version: '1.0.0', path: `f${i}.bin` },
          Readable.from([files[i] as Buffer]),
          {},
        )
      }
      rounds[mode].push((uploads * 8) / ((performance.now() - t0) / 1000))
      await work?.runUntilIdle()
      await work?.stop()
      await reg.db.close()
      fs.rmSync(root, { recursive: true, force: true })
      if (mode === 'on') ratios.push((rounds.on.at(-1) ?? 0) / (rounds.off.at(-1) ?? 1))
    }
    const rates = { off: median(rounds.off), on: median(rounds.on) }

    const load = os.loadavg()[0]?.toFixed(1)
    const markdown = `## Inspection

\`npx tsx bench/inspection.bench.ts\` (built server, in process; medians; load average ${loadAtStart} at the start and ${load} at the end on ${os.cpus().length} cores
during this run, so absolute times are inflated and the side-by-side ratios are what to read). Inspecting a safetensors file reads its
header only, so the cost is flat in the file's size (sparse files with a 200-tensor header):

| file | parameters | bytes read | time |
| --- | --- | --- | --- |
${sizeRows.join('\n')}

Pickle scanning (an opcode-dense pickle of 2 million items, ${(dense.length / MiB).toFixed(1)} MiB, nothing to skip): **${pickleMiBs.toFixed(1)} MiB/s**.
Byte runs inside pickles (tensor data in legacy files) are skipped, not read. Files are inspected in a pool of
long-lived worker threads (niceness 10): the first file started the thread in **${firstMs.toFixed(0)} ms**; each
later small file costs **${median(workerTimes).toFixed(1)} ms** (hand-over, reads and result; median of 20).

Uploads of ${uploads} × 8 MiB files through the artifact service (SQLite, local blobs), ${roundsPerMode} alternating rounds per mode
in one run (the pool's thread started before each "on" round, as a replica starts it at boot): inspection loop
off **${rates.off.toFixed(0)} MiB/s**, on **${rates.on.toFixed(0)} MiB/s** (medians; ratio ${(rates.on / rates.off).toFixed(2)}; per pair of rounds
${ratios.map((r) => r.toFixed(2)).join(', ')}, median ${median(ratios).toFixed(2)}). The upload itself only adds one row to its
transaction; inspection runs afterwards on a pooled thread of lower priority.

The pool removed the per-file thread start (0.9 s per file before), but uploads with the loop on still ran at
about 0.7 of the rate with it off in every pair of rounds, so the issue's "no measurable drop" is not met yet. What
is left has not been isolated; the candidates are the main thread's share of each job (the claim and verdict
writes, synchronous with better-sqlite3, and serving the worker's ranged reads), which shares the event loop with the
uploads however low the worker thread's priority.
`
    return {
      title: 'Inspection',
      summary: markdown,
      markdown,
      fullScale: runs >= 20 && uploads >= 40 && roundsPerMode >= 3,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  inspectionBench().then((s) => console.log(s.markdown))
}
