// Asking for a secret on a terminal without echoing it.
import readline from 'node:readline'
import { Writable } from 'node:stream'

export function readSecret(question: string): Promise<string> {
  return new Promise((resolve) => {
    // readline echoes what is typed to its output: give it one that drops everything.
    const muted = new Writable({ write: (_chunk, _encoding, done) => done() })
    const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true })
    process.stderr.write(question)
    rl.question('', (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
  })
}
