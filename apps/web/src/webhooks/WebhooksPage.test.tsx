import type { Webhook, WebhookDelivery } from '@modelreg/contract'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { failure, fakeApi, memberSession, ok, renderUi } from '../test/render'
import { WebhooksPage } from './WebhooksPage'

const adminSession = { ...memberSession, orgs: [{ org: 'default', role: 'admin' as const }] }

const hook: Webhook = {
  id: '6f1c2c0e-1111-4a43-9a4e-3f1b3c7f2d10',
  org: 'default',
  url: 'https://deploy.example.com/modelreg',
  model: null,
  events: ['stage.changed'],
  description: '',
  enabled: true,
  disabledReason: null,
  previousSecretValidUntil: null,
  createdBy: 'ada',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}

const delivery: WebhookDelivery = {
  id: '0b0f4f0e-8a59-4a43-9a4e-3f1b3c7f2d10',
  event: 'stage.changed',
  eventId: 7,
  model: 'default/ranker',
  attempt: 10,
  status: 'failed',
  responseStatus: 500,
  durationMs: 41,
  at: '2026-01-01T10:00:00.000Z',
  nextAttemptAt: null,
  attempts: [
    {
      attempt: 10,
      at: '2026-01-01T10:00:00.000Z',
      succeeded: false,
      responseStatus: 500,
      durationMs: 41,
      error: 'HTTP 500',
      responseExcerpt: 'database down',
    },
  ],
}

describe('WebhooksPage', () => {
  it('creates a webhook and shows its secret once, then lists it', async () => {
    let items: Webhook[] = []
    const post = vi.fn(async (_path: string, init: { body: { url: string; events?: string[] } }) => {
      items = [{ ...hook, url: init.body.url }]
      return ok({ ...items[0], secret: 'whsec_shown-once' }, 201)
    })
    const get = vi.fn(async () => ok({ items }))
    fakeApi({ GET: get, POST: post })
    renderUi(<WebhooksPage />, { session: adminSession })
    const form = await screen.findByRole('form', { name: 'New webhook' })
    await userEvent.type(within(form).getByLabelText(/^URL/), 'https://deploy.example.com/modelreg')
    await userEvent.click(within(form).getByRole('button', { name: 'Create webhook' }))
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1))
    expect(post.mock.calls[0]?.[1]).toMatchObject({
      params: { path: { org: 'default' } },
      body: { url: 'https://deploy.example.com/modelreg' },
    })
    expect((await screen.findByLabelText('Webhook secret')).textContent).toBe('whsec_shown-once')
    const table = await screen.findByRole('table', { name: 'Webhooks' })
    expect(await within(table).findByText('https://deploy.example.com/modelreg')).toBeTruthy()
  })

  it('shows the delivery log with the response and redelivers a failed delivery', async () => {
    const get = vi.fn(async (path: string) =>
      path.endsWith('/deliveries') ? ok({ items: [delivery], nextCursor: null }) : ok({ items: [hook] }),
    )
    const post = vi.fn(async () => ok({ id: delivery.id, status: 'pending' }, 202))
    fakeApi({ GET: get, POST: post })
    renderUi(<WebhooksPage />, { session: adminSession })
    await userEvent.click(await screen.findByRole('button', { name: `Deliveries of ${hook.url}` }))
    const log = await screen.findByRole('table', { name: 'Delivery log' })
    expect(await within(log).findByText('500 database down')).toBeTruthy()
    expect(within(log).getByText('failed')).toBeTruthy()
    await userEvent.click(within(log).getByRole('button', { name: `Redeliver ${delivery.id}` }))
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1))
    expect(post.mock.calls[0]).toEqual([
      '/api/v1/orgs/{org}/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      { params: { path: { org: 'default', id: hook.id, deliveryId: delivery.id } } },
    ])
  })

  it('shows the registry\u2019s refusal of a URL', async () => {
    const get = vi.fn(async () => ok({ items: [] }))
    const post = vi.fn(async () =>
      failure(400, 'VALIDATION_FAILED', 'webhooks cannot be sent to http://10.0.0.1/: 10.0.0.1 is a private address'),
    )
    fakeApi({ GET: get, POST: post })
    renderUi(<WebhooksPage />, { session: adminSession })
    const form = await screen.findByRole('form', { name: 'New webhook' })
    await userEvent.type(within(form).getByLabelText(/^URL/), 'http://10.0.0.1/')
    await userEvent.click(within(form).getByRole('button', { name: 'Create webhook' }))
    expect(await screen.findByText(/is a private address/)).toBeTruthy()
    expect(screen.queryByLabelText('Webhook secret')).toBeNull()
  })
})
