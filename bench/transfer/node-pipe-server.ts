// The ceilings of serving and receiving a file in Node: a minimal http server that pipes a file out with 1 MiB
// reads (GET), or takes a body in while hashing it with sha256 and writing it to disk, then fsyncs (PUT) — the
// work an upload must do, with nothing else.
// Run as its own process: node --import tsx bench/transfer/node-pipe-server.ts <root dir> <port>
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

const [root, port] = [path.resolve(process.argv[2] ?? '.'), Number(process.argv[3])]
const uploads = fs.mkdtempSync(path.join(root, '..', 'node-uploads-'))

async function receive(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const hash = createHash('sha256')
  const target = path.join(uploads, 'upload.bin')
  const hashing = new Transform({
    readableHighWaterMark: 1 << 20,
    writableHighWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk)
      cb(null, chunk)
    },
  })
  await pipeline(req, hashing, fs.createWriteStream(target, { highWaterMark: 1 << 20 }))
  const handle = await fs.promises.open(target, 'r')
  await handle.sync()
  await handle.close()
  res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sha256: hash.digest('hex') }))
}

const server = http.createServer(async (req, res) => {
  if (req.method === 'PUT') {
    await receive(req, res).catch(() => res.writeHead(500).end())
    return
  }
  const file = path.join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
  if (!file.startsWith(`${root}${path.sep}`)) {
    res.writeHead(400).end()
    return
  }
  try {
    const stat = await fs.promises.stat(file)
    if (!stat.isFile()) throw new Error('not a file')
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stat.size })
    await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), res)
  } catch {
    if (!res.headersSent) res.writeHead(404)
    res.end()
  }
})
server.listen(port, '127.0.0.1')
process.once('SIGTERM', () =>
  server.close(() => {
    fs.rmSync(uploads, { recursive: true, force: true })
    process.exit(0)
  }),
)
