import { screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { fakeApi, ok, renderUi } from '../test/render'
import { ExperimentsPage } from './ExperimentsPage'

const runId = 'a'.repeat(32)
const answers: Record<string, unknown> = {
  '/api/v1/orgs/{org}/experiments': {
    items: [{ id: '3', name: 'fraud', createdBy: 'ada', createdAt: '2026-01-01T00:00:00.000Z' }],
  },
  '/api/v1/orgs/{org}/experiments/{id}/runs': {
    items: [
      {
        id: runId,
        experimentId: '3',
        name: 'nightly',
        status: 'FINISHED',
        user: 'ada',
        startTime: 1,
        endTime: null,
        params: [{ key: 'lr', value: '0.1' }],
        metrics: [{ key: 'acc', value: 0.9, step: 1, timestamp: 1 }],
        tags: [],
        versions: [{ org: 'default', model: 'fraud-model', version: '1.1.0', sequence: 2 }],
      },
    ],
  },
  '/api/v1/orgs/{org}/runs/{runId}/files': { items: [{ path: 'model', isDir: true }] },
}

describe('ExperimentsPage', () => {
  it("lists an organisation's experiments, the runs with params and metrics, and the versions registered from them", async () => {
    const get = vi.fn(async (path: string, _init?: unknown) => ok(answers[path] ?? { items: [] }))
    fakeApi({ GET: get })
    renderUi(<ExperimentsPage />, { url: `/experiments/3?run=${runId}`, path: '/experiments/:id' })
    expect(await screen.findByText('fraud')).toBeTruthy()
    const runs = await screen.findByRole('table', { name: 'Runs' })
    expect(await within(runs).findByText('nightly')).toBeTruthy()
    expect(within(runs).getByText('lr=0.1')).toBeTruthy()
    expect(within(runs).getByText('acc=0.9')).toBeTruthy()
    expect(within(runs).getByRole('link', { name: 'fraud-model 1.1.0' }).getAttribute('href')).toBe(
      '/models/default/fraud-model?version=1.1.0',
    )
    expect(await within(runs).findByText('model/')).toBeTruthy()
    const runsCall = get.mock.calls.find(([p]) => p === '/api/v1/orgs/{org}/experiments/{id}/runs')
    expect(runsCall?.[1]).toMatchObject({ params: { path: { org: 'default', id: '3' } } })
    const filesCall = get.mock.calls.find(([p]) => p === '/api/v1/orgs/{org}/runs/{runId}/files')
    expect(filesCall?.[1]).toMatchObject({ params: { path: { org: 'default', runId } } })
  })
})
