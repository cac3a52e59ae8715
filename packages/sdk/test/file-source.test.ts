// fileSource: a request body over a byte range of a file, that an abort (Ctrl-C) ends quietly whatever state
// the body is in: never read, half read, or read to the end.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileSource } from '../src/node/file-source.js'

let dir: string
let file: string
const size = 3 * 1024 * 1024 + 7

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-file-source-'))
  file = path.join(dir, 'bytes.bin')
  fs.writeFileSync(file, Buffer.alloc(size, 7))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Unhandled 'error' events surface as uncaught exceptions: collect them while `run` goes on. */
async function uncaughtDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = []
  const onError = (err: unknown) => seen.push(err)
  process.on('uncaughtException', onError)
  try {
    await run()
    await fsSettled()
  } finally {
    process.off('uncaughtException', onError)
  }
  return seen
}

/** Waits until no file-system request is pending (a destroyed stream closes its file first), then a turn more. */
async function fsSettled(): Promise<void> {
  const tick = () => new Promise((resolve) => setImmediate(resolve))
  do await tick()
  while (process.getActiveResourcesInfo().some((r) => r.startsWith('FS') || r.startsWith('FileHandle')))
  await tick()
  await tick()
}

const bodyOf = (signal: AbortSignal, onBytes: (n: number) => void = () => {}) => {
  const { body } = fileSource(file, size, signal).body(0, size, onBytes)
  return body as ReadableStream<Uint8Array>
}

describe('fileSource', () => {
  it('streams the range and counts its bytes', async () => {
    let counted = 0
    const { body } = fileSource(file, size, new AbortController().signal).body(10, 1010, (n) => {
      counted += n
    })
    const bytes = Buffer.from(await new Response(body as ReadableStream).arrayBuffer())
    expect(bytes.length).toBe(1000)
    expect(counted).toBe(1000)
  })

  it('a body asked for after the abort (a part the limiter starts late) is not an uncaught error', async () => {
    const controller = new AbortController()
    controller.abort()
    const errors = await uncaughtDuring(async () => {
      bodyOf(controller.signal)
    })
    expect(errors).toEqual([])
  })

  it('an abort before the body is read is not an uncaught error', async () => {
    const controller = new AbortController()
    const errors = await uncaughtDuring(async () => {
      bodyOf(controller.signal)
      controller.abort()
    })
    expect(errors).toEqual([])
  })

  it('an abort while the body is half read ends the read with an AbortError, not an uncaught one', async () => {
    const controller = new AbortController()
    let reading: Promise<unknown> | undefined
    const errors = await uncaughtDuring(async () => {
      const reader = bodyOf(controller.signal).getReader()
      await reader.read()
      controller.abort()
      reading = (async () => {
        for (;;) if ((await reader.read()).done) return 'done'
      })().catch((err: unknown) => err)
      await reading
    })
    expect(errors).toEqual([])
    expect(await reading).toMatchObject({ name: 'AbortError' })
  })

  it('a body cancelled by its reader (fetch aborting) is not an uncaught error', async () => {
    const controller = new AbortController()
    const errors = await uncaughtDuring(async () => {
      const reader = bodyOf(controller.signal).getReader()
      await reader.read()
      controller.abort()
      await reader.cancel(new Error('aborted'))
    })
    expect(errors).toEqual([])
  })
})
