// docs/webhooks.md's verification snippets, run as written (Node and Debian's python3) against a real delivery:
// promoting a version to Production delivers a stage.changed event that a newcomer's receiver verifies.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebhookWorker } from '../../src/services/webhook-worker.js'
import { openTestApp } from '../helpers/registry.js'
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.js'
import { createModel, send, type TestApp, versionPath } from '../routes/route-kit.js'

const run = promisify(execFile)
const docs = fs.readFileSync(path.resolve(__dirname, '../../../../docs/webhooks.md'), 'utf8')

/** The code block right after `<!-- snippet: name -->`. */
function snippet(name: string): string {
  const m = new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(docs)
  if (!m?.[1]) throw new Error(`docs/webhooks.md has no snippet ${name}`)
  return m[1]
}

describe('docs/webhooks.md signature snippets', () => {
  let t: TestApp
  let receiver: Receiver
  let dir: string
  const env: Record<string, string> = {}

  beforeAll(async () => {
    t = await openTestApp('sqlite', { webhooks: { allowPrivate: true } })
    receiver = await startReceiver()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-snippets-'))
    const hook = (await send(t, 'POST', '/api/v1/orgs/default/webhooks', { url: receiver.url })).json()
    receiver.secrets = [hook.secret]
    const model = await createModel(t)
    const promoted = await send(t, 'POST', `${versionPath(model.name, '1.0.0')}/stage`, { stage: 'production' })
    expect(promoted.statusCode, promoted.body).toBe(200)
    // The real clock: the snippets check t against theirs.
    await new WebhookWorker({ store: t.store, allowPrivate: true }).drain()
    const received = await receiver.waitFor((r) => r.some((x) => x.event === 'stage.changed'))
    const delivery = received.find((x) => x.event === 'stage.changed')
    if (!delivery) throw new Error('no stage.changed delivery')
    fs.writeFileSync(path.join(dir, 'body.json'), delivery.body)
    fs.writeFileSync(path.join(dir, 'tampered.json'), delivery.body.replace('production', 'development'))
    Object.assign(env, { SECRET: hook.secret, SIGNATURE: delivery.signature })
  })
  afterAll(async () => {
    await receiver.close()
    await t.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const cases = {
    node: {
      file: 'verify.mjs',
      code: () =>
        `${snippet('verify-node')}\nimport fs from 'node:fs'\n` +
        'const ok = verifyModelregSignature(process.env.SECRET, process.env.SIGNATURE, fs.readFileSync(process.env.BODY_FILE))\n' +
        "process.stdout.write(ok ? 'valid' : 'invalid')\n",
      command: process.execPath,
    },
    python: {
      file: 'verify.py',
      code: () =>
        `${snippet('verify-python')}\n\nimport os\nimport sys\n\n` +
        'with open(os.environ["BODY_FILE"], "rb") as f:\n' +
        '    ok = verify_modelreg_signature(os.environ["SECRET"], os.environ["SIGNATURE"], f.read())\n' +
        'sys.stdout.write("valid" if ok else "invalid")\n',
      command: '/usr/bin/python3',
    },
  }

  for (const [language, c] of Object.entries(cases)) {
    it(`the ${language} snippet accepts the real stage.changed delivery and refuses it tampered with`, async () => {
      const file = path.join(dir, c.file)
      fs.writeFileSync(file, c.code())
      const verdict = async (body: string, secret = env.SECRET ?? '') =>
        (
          await run(c.command, [file], {
            env: { ...process.env, ...env, SECRET: secret, BODY_FILE: path.join(dir, body) },
          })
        ).stdout
      expect(await verdict('body.json')).toBe('valid')
      expect(await verdict('tampered.json')).toBe('invalid')
      expect(await verdict('body.json', 'whsec_not-the-secret')).toBe('invalid')
    })
  }
})
