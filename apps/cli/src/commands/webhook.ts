// modelreg webhook ls|create|rm|deliveries|ping|redeliver: an organisation's webhooks (organisation admins).
import { unwrap, type WebhookWithSecret } from '@modelreg/sdk'
import type { Command } from 'commander'
import { contextOf } from '../context.js'
import { collectTags } from '../option-parsers.js'
import { fields, table } from '../output.js'

const DEFAULT_ORG = 'default'

export function webhookCommand(program: Command): void {
  const webhook = program
    .command('webhook')
    .description("an organisation's webhooks: signed POSTs to your URL on every change (docs/webhooks.md)")
    .addHelpText(
      'after',
      `
Examples:
  $ modelreg webhook create https://deploy.example.com/modelreg --events stage.changed,alias.moved
  $ modelreg webhook ls
  $ modelreg webhook deliveries <id>`,
    )

  webhook
    .command('ls')
    .description('the webhooks of an organisation')
    .option('--org <org>', 'organisation', DEFAULT_ORG)
    .action(async (opts: { org: string }, command: Command) => {
      const { api, out } = contextOf(command)
      const list = unwrap(await api.GET('/api/v1/orgs/{org}/webhooks', { params: { path: { org: opts.org } } }))
      out.result(list, () => {
        if (list.items.length === 0) return `${opts.org} has no webhooks yet: modelreg webhook create <url>`
        const rows = list.items.map((w) => [
          w.id,
          w.url,
          w.events.length === 0 ? 'all' : w.events.join(','),
          w.model ?? 'all',
          w.enabled ? 'yes' : `no (${w.disabledReason ?? 'disabled'})`,
        ])
        return table(['ID', 'URL', 'EVENTS', 'MODEL', 'ENABLED'], rows)
      })
    })

  webhook
    .command('create <url>')
    .description('create a webhook; prints its secret, which is never shown again')
    .option('--org <org>', 'organisation', DEFAULT_ORG)
    .option('--events <types>', 'event types, comma-separated or repeated (default: all)', collectTags)
    .option('--model <name>', 'only events of this model of the organisation')
    .option('--description <text>', 'what it is for')
    .action(
      async (
        url: string,
        opts: { org: string; events?: string[]; model?: string; description?: string },
        command: Command,
      ) => {
        const { api, out } = contextOf(command)
        const created: WebhookWithSecret = unwrap(
          await api.POST('/api/v1/orgs/{org}/webhooks', {
            params: { path: { org: opts.org } },
            body: {
              url,
              ...(opts.events && { events: opts.events as WebhookWithSecret['events'] }),
              ...(opts.model !== undefined && { model: opts.model }),
              ...(opts.description !== undefined && { description: opts.description }),
            },
          }),
        )
        out.result(created, () =>
          [
            fields([
              ['id', created.id],
              ['url', created.url],
              ['events', created.events.length === 0 ? 'all' : created.events.join(',')],
              ['model', created.model ?? 'all'],
              ['secret', created.secret],
            ]),
            'Keep the secret now: it is never shown again. Verify deliveries with it (docs/webhooks.md).',
          ].join('\n'),
        )
      },
    )

  webhook
    .command('rm <id>')
    .description('delete a webhook and its delivery log')
    .option('--org <org>', 'organisation', DEFAULT_ORG)
    .action(async (id: string, opts: { org: string }, command: Command) => {
      const { api, out } = contextOf(command)
      unwrap(await api.DELETE('/api/v1/orgs/{org}/webhooks/{id}', { params: { path: { org: opts.org, id } } }))
      out.result({ id, removed: true }, () => `removed webhook ${id}`)
    })

  webhook
    .command('deliveries <id>')
    .description('the delivery log of a webhook, newest first')
    .option('--org <org>', 'organisation', DEFAULT_ORG)
    .option('--status <status>', 'only pending, succeeded or failed ones')
    .action(async (id: string, opts: { org: string; status?: string }, command: Command) => {
      const { api, out } = contextOf(command)
      const page = unwrap(
        await api.GET('/api/v1/orgs/{org}/webhooks/{id}/deliveries', {
          params: {
            path: { org: opts.org, id },
            query: opts.status ? { status: opts.status as 'pending' | 'succeeded' | 'failed' } : {},
          },
        }),
      )
      out.result(page, () => {
        if (page.items.length === 0) return `no deliveries yet: modelreg webhook ping ${id}`
        const rows = page.items.map((d) => [
          d.id,
          d.event,
          d.status,
          String(d.attempt),
          d.responseStatus === null ? (d.attempts.at(-1)?.error ?? '-') : String(d.responseStatus),
          d.durationMs === null ? '-' : `${d.durationMs} ms`,
          d.at,
        ])
        return table(['DELIVERY', 'EVENT', 'STATUS', 'ATTEMPTS', 'RESPONSE', 'LATENCY', 'AT'], rows)
      })
    })

  webhook
    .command('ping <id>')
    .description('send a signed ping delivery')
    .option('--org <org>', 'organisation', DEFAULT_ORG)
    .action(async (id: string, opts: { org: string }, command: Command) => {
      const { api, out } = contextOf(command)
      const queued = unwrap(
        await api.POST('/api/v1/orgs/{org}/webhooks/{id}/ping', { params: { path: { org: opts.org, id } } }),
      )
      out.result(queued, () => `ping queued as delivery ${queued.id}: modelreg webhook deliveries ${id}`)
    })

  webhook
    .command('redeliver <id> <delivery>')
    .description('send a delivery again (same id and body)')
    .option('--org <org>', 'organisation', DEFAULT_ORG)
    .action(async (id: string, delivery: string, opts: { org: string }, command: Command) => {
      const { api, out } = contextOf(command)
      const queued = unwrap(
        await api.POST('/api/v1/orgs/{org}/webhooks/{id}/deliveries/{deliveryId}/redeliver', {
          params: { path: { org: opts.org, id, deliveryId: delivery } },
        }),
      )
      out.result(queued, () => `delivery ${queued.id} queued again`)
    })
}
