import type { AnalyticsSummary } from '@modelreg/contract'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { failure, fakeApi, ok, renderUi } from '../test/render'
import { AnalyticsPage } from './AnalyticsPage'

const get = vi.fn()

const summary: AnalyticsSummary = {
  totals: { models: 3, versions: 5, artifacts: 0, artifactBytes: 0, downloads: 0 },
  byStatus: [
    { key: 'draft', count: 2 },
    { key: 'training', count: 0 },
    { key: 'completed', count: 1 },
    { key: 'deployed', count: 0 },
    { key: 'archived', count: 0 },
  ],
  byStage: [
    { key: 'development', count: 2 },
    { key: 'staging', count: 0 },
    { key: 'production', count: 1 },
    { key: 'archived', count: 0 },
  ],
  byFramework: [{ key: 'pytorch', count: 3 }],
  byTaskType: [],
  byModelType: [],
}

const renderPage = () => renderUi(<AnalyticsPage />)

beforeEach(() => {
  get.mockReset()
  get.mockImplementation(async (path: string) => {
    if (path === '/api/v1/analytics/summary') return ok(summary)
    if (path === '/api/v1/analytics/downloads') return ok({ from: '2026-11-01', to: '2026-11-30', days: [], total: 0 })
    return ok({ metrics: ['top1_accuracy'], metric: 'top1_accuracy', points: [] })
  })
  fakeApi({ GET: get })
})

describe('AnalyticsPage', () => {
  it('names each status of the donut with its count in a legend', async () => {
    renderPage()
    const legend = await screen.findByRole('list', { name: 'Legend: models by status' })
    const items = within(legend)
      .getAllByRole('listitem')
      .map((li) => li.textContent)
    expect(items).toEqual(['Draft: 2', 'Training: 0', 'Completed: 1', 'Deployed: 0', 'Archived: 0'])
  })

  it('says how a model counts in "Models by stage"', async () => {
    renderPage()
    const stage = await screen.findByRole('region', { name: 'Models by stage' })
    expect(within(stage).getByText(/most advanced stage any of its versions holds/)).toBeInTheDocument()
  })

  it('says why the downloads cannot be shown instead of a placeholder forever', async () => {
    const answer = get.getMockImplementation()
    get.mockImplementation(async (path: string, init?: unknown) =>
      path === '/api/v1/analytics/downloads'
        ? failure(503, 'UNAVAILABLE', 'the registry is busy')
        : answer?.(path, init),
    )
    renderPage()
    const downloads = await screen.findByRole('region', { name: 'Downloads over time' })
    expect(await within(downloads).findByRole('alert')).toHaveTextContent('the registry is busy')
  })

  it('loads the metric chart as a model name is typed, without Enter, and says where to type', async () => {
    renderPage()
    expect(await screen.findByText(/Type a model in the box above/)).toBeInTheDocument()
    await userEvent.type(screen.getByRole('textbox', { name: 'Model for the metric chart' }), 'bert-sentiment')
    await waitFor(() =>
      expect(get).toHaveBeenCalledWith(
        '/api/v1/models/{org}/{name}/metrics',
        expect.objectContaining({
          params: expect.objectContaining({ path: { org: 'default', name: 'bert-sentiment' } }),
        }),
      ),
    )
    expect(await screen.findByText('No version of bert-sentiment records a metric yet.')).toBeInTheDocument()
  })
})
