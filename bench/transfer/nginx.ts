// nginx for the benchmark: the documented front-end config of docs/nginx.md (read from the page, so the figures
// are those of the config users copy) plus a plain sendfile server of the same file, the machine's limit.
// Runs from a temp prefix with its own pid, logs and temp paths; the system nginx service is never touched.
import fs from 'node:fs'
import path from 'node:path'
import { freePort, httpAnswers, type Service, startService } from './processes.js'

/** The literal lines of docs/nginx.md the benchmark replaces; each must occur exactly once. */
const placeholders = {
  listen: 'listen 80;',
  upstream: 'proxy_pass http://127.0.0.1:8080;',
  blobDir: 'alias /var/lib/modelreg/blobs/blobs/sha256/;',
} as const

/** The ```nginx block of docs/nginx.md. */
export function documentedConfig(docFile: string): string {
  const text = fs.readFileSync(docFile, 'utf8')
  const match = /```nginx\n([\s\S]*?)```/.exec(text)
  if (!match?.[1]) throw new Error(`${docFile} has no \`\`\`nginx block`)
  return match[1]
}

export function instantiate(template: string, values: { port: number; registryUrl: string; blobDir: string }): string {
  let out = template
  const replace = (literal: string, by: string) => {
    const count = out.split(literal).length - 1
    if (count !== 1) throw new Error(`docs/nginx.md: expected "${literal}" once, found it ${count} times`)
    out = out.replace(literal, by)
  }
  replace(placeholders.listen, `listen 127.0.0.1:${values.port};`)
  replace(placeholders.upstream, `proxy_pass ${values.registryUrl};`)
  replace(placeholders.blobDir, `alias ${values.blobDir.replace(/\/?$/, '/')};`)
  return out
}

export interface Nginx extends Service {
  /** The documented front end, proxying to the x-accel registry. */
  frontUrl: string
  /** Plain static server: GET /files/<path under staticRoot>. */
  staticUrl: string
}

export async function startNginx(opts: {
  prefix: string
  docFile: string
  registryUrl: string
  blobDir: string
  staticRoot: string
}): Promise<Nginx> {
  fs.mkdirSync(opts.prefix, { recursive: true })
  const [frontPort, staticPort] = [await freePort(), await freePort()]
  const p = (name: string) => path.join(opts.prefix, name)
  const conf = `# Written by bench/transfer.bench.ts
daemon off;
master_process on;
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections 256; }
http {
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path ${p('client_body')};
    proxy_temp_path ${p('proxy')};
    fastcgi_temp_path ${p('fastcgi')};
    uwsgi_temp_path ${p('uwsgi')};
    scgi_temp_path ${p('scgi')};

    # The machine's limit: nginx alone sending the file.
    server {
        listen 127.0.0.1:${staticPort};
        location /files/ {
            alias ${opts.staticRoot.replace(/\/?$/, '/')};
            sendfile on;
            tcp_nopush on;
        }
    }

    # docs/nginx.md
${instantiate(documentedConfig(opts.docFile), { port: frontPort, registryUrl: opts.registryUrl, blobDir: opts.blobDir })}
}
`
  const confFile = p('nginx.conf')
  fs.writeFileSync(confFile, conf)
  const service = await startService({
    name: 'nginx',
    command: 'nginx',
    args: ['-p', opts.prefix, '-e', p('error.log'), '-c', confFile],
    logFile: p('stdout.log'),
    ready: () => httpAnswers(`http://127.0.0.1:${staticPort}/`),
    stopSignal: 'SIGQUIT',
  })
  return { ...service, frontUrl: `http://127.0.0.1:${frontPort}`, staticUrl: `http://127.0.0.1:${staticPort}/files` }
}
