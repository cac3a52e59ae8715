// The ceiling of serving a file from Node: a minimal http server that pipes it with 1 MiB reads, nothing else.
// Run as its own process: node --import tsx bench/transfer/node-pipe-server.ts <root dir> <port>
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'

const [root, port] = [path.resolve(process.argv[2] ?? '.'), Number(process.argv[3])]

const server = http.createServer(async (req, res) => {
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
process.once('SIGTERM', () => server.close(() => process.exit(0)))
