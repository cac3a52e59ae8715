// A model folder to push: nested files of several sizes (one empty) and one large file, random bytes.
import { randomFillSync } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export const MiB = 1024 * 1024

export function writeModelFolder(dir: string, largeBytes: number): string[] {
  const files: [string, number][] = [
    ['README.md', 2_000],
    ['config.json', 700],
    ['tokenizer/vocab.txt', 300_000],
    ['weights/shards/part-0001.bin', 5 * MiB + 17],
    ['notes/empty.txt', 0],
    ['weights/model.bin', largeBytes],
  ]
  for (const [rel, size] of files) writeRandomFile(path.join(dir, rel), size)
  return files.map(([rel]) => rel)
}

function writeRandomFile(file: string, size: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const fd = fs.openSync(file, 'w')
  const chunk = Buffer.alloc(4 * MiB)
  try {
    for (let written = 0; written < size; ) {
      const n = Math.min(chunk.length, size - written)
      randomFillSync(chunk, 0, n)
      fs.writeSync(fd, chunk, 0, n)
      written += n
    }
  } finally {
    fs.closeSync(fd)
  }
}

/** Every file of both trees, compared byte for byte; returns the relative paths compared. */
export function assertSameTree(expected: string, actual: string): string[] {
  const a = listTree(expected)
  const b = listTree(actual)
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`different files:\n${a.join('\n')}\n---\n${b.join('\n')}`)
  }
  for (const rel of a) assertSameBytes(path.join(expected, rel), path.join(actual, rel))
  return a
}

function listTree(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort()
}

function assertSameBytes(fileA: string, fileB: string): void {
  const sizeA = fs.statSync(fileA).size
  const sizeB = fs.statSync(fileB).size
  if (sizeA !== sizeB) throw new Error(`${fileB} has ${sizeB} bytes, expected ${sizeA}`)
  const fdA = fs.openSync(fileA, 'r')
  const fdB = fs.openSync(fileB, 'r')
  const bufA = Buffer.alloc(4 * MiB)
  const bufB = Buffer.alloc(4 * MiB)
  try {
    for (let offset = 0; offset < sizeA; ) {
      const n = fs.readSync(fdA, bufA, 0, bufA.length, offset)
      fs.readSync(fdB, bufB, 0, n, offset)
      if (!bufA.subarray(0, n).equals(bufB.subarray(0, n))) throw new Error(`${fileB} differs near byte ${offset}`)
      offset += n
    }
  } finally {
    fs.closeSync(fdA)
    fs.closeSync(fdB)
  }
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
