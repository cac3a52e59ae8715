// modelreg inspect <ref> and modelreg diff <ref> <ref>: what is inside a version's files, whether loading them can
// run code, and what changed between two versions.
import { unwrap } from '@modelreg/sdk'
import type { Command } from 'commander'
import { usageError } from '../cli-error.js'
import { contextOf } from '../context.js'
import { table } from '../output.js'
import { parseRef } from '../refs.js'

const count = (n: number | null | undefined) => (typeof n === 'number' ? n.toLocaleString('en-US') : '-')
const show = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v))
const shape = (io: { name: string; dtype?: string; shape?: (number | string)[] }) =>
  `${io.name}${io.dtype ? ` ${io.dtype}` : ''}${io.shape ? `[${io.shape.join(', ')}]` : ''}`

export function inspectCommand(program: Command): void {
  program
    .command('inspect <ref>')
    .description("what is inside a version's files and whether loading them can run code")
    .addHelpText(
      'after',
      `
Verdicts, worst first: dangerous (loading runs code), suspicious (names code not known to be safe),
unscannable (could not be read within the limits), safe, none (not inspected).

Examples:
  $ modelreg inspect resnet50@1.0.0
  $ modelreg inspect vision/resnet50@latest --json`,
    )
    .action(async (text: string, _opts, command: Command) => {
      const { api, out } = contextOf(command)
      const ref = parseRef(text)
      const report = unwrap(
        await api.GET('/api/v1/models/{org}/{name}/versions/{version}/inspection', {
          params: { path: { org: ref.org, name: ref.name, version: ref.version } },
        }),
      )
      if (report.verdict === 'dangerous') {
        out.warn(`${ref.org}/${ref.name}@${ref.version} is dangerous: loading it can run code`)
      } else if (report.verdict === 'suspicious') {
        out.warn(`${ref.org}/${ref.name}@${ref.version} is suspicious: it names code not known to be safe`)
      }
      out.result(report, () => {
        const lines = [`verdict: ${report.verdict}${report.status === 'pending' ? ' (inspection pending)' : ''}`]
        const rows = report.files.map((f) => [
          f.path,
          f.format,
          count(f.summary.parameters),
          (f.summary.dtypes ?? []).join(',') || '-',
          f.safety.verdict,
        ])
        lines.push(table(['PATH', 'FORMAT', 'PARAMETERS', 'DTYPES', 'VERDICT'], rows))
        for (const f of report.files) {
          for (const io of f.summary.inputs ?? []) lines.push(`${f.path}: input ${shape(io)}`)
          for (const io of f.summary.outputs ?? []) lines.push(`${f.path}: output ${shape(io)}`)
          for (const finding of f.safety.findings) lines.push(`${f.path}: ${finding.code}: ${finding.detail}`)
        }
        return lines.filter((l) => l !== '').join('\n')
      })
    })

  program
    .command('diff <from> <to>')
    .description('what changed between two versions of a model: files, fields, metrics, inspection')
    .addHelpText(
      'after',
      `
Examples:
  $ modelreg diff resnet50@1.0.0 resnet50@1.1.0
  $ modelreg diff vision/resnet50@production vision/resnet50@latest --json`,
    )
    .action(async (fromText: string, toText: string, _opts, command: Command) => {
      const { api, out } = contextOf(command)
      const from = parseRef(fromText)
      const to = parseRef(toText)
      if (from.org !== to.org || from.name !== to.name) {
        throw usageError(
          `diff compares two versions of one model; got ${from.org}/${from.name} and ${to.org}/${to.name}`,
        )
      }
      const diff = unwrap(
        await api.GET('/api/v1/models/{org}/{name}/compare', {
          params: { path: { org: from.org, name: from.name }, query: { from: from.version, to: to.version } },
        }),
      )
      out.result(diff, () => {
        const lines = [`${from.org}/${from.name} ${diff.from} → ${diff.to}`]
        for (const p of diff.files.added) lines.push(`+ ${p}`)
        for (const p of diff.files.removed) lines.push(`- ${p}`)
        for (const p of diff.files.changed) lines.push(`~ ${p}`)
        for (const [k, c] of Object.entries(diff.metadata)) lines.push(`${k}: ${show(c.from)} → ${show(c.to)}`)
        for (const [k, m] of Object.entries(diff.metrics)) {
          const delta = m.delta === null ? '' : ` (${m.delta >= 0 ? '+' : ''}${Number(m.delta.toPrecision(6))})`
          lines.push(`metric ${k}: ${show(m.from)} → ${show(m.to)}${delta}`)
        }
        const i = diff.inspection
        if (i.verdict.from !== i.verdict.to) lines.push(`verdict: ${show(i.verdict.from)} → ${show(i.verdict.to)}`)
        if (i.parameters.from !== i.parameters.to) {
          lines.push(`parameters: ${count(i.parameters.from)} → ${count(i.parameters.to)}`)
        }
        for (const [p, changes] of Object.entries(i.files)) {
          for (const [k, c] of Object.entries(changes)) lines.push(`${p}: ${k}: ${show(c.from)} → ${show(c.to)}`)
        }
        if (lines.length === 1) lines.push('no differences')
        return lines.join('\n')
      })
    })
}
