import type { AnalyticsSummary } from '@modelreg/contract'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { renderUi } from '../test/render'
import { AnalyticsPage } from './AnalyticsPage'

const get = vi.hoisted(() => vi.fn())
vi.mock('../api/http', async (original) => ({ ...(await original<object>()), api: { GET: get } }))

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

function renderPage() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  renderUi(
    <QueryClientProvider client={client}>
      <AnalyticsPage />
    </QueryClientProvider>,
  )
}

beforeEach(() => {
  get.mockReset()
  get.mockImplementation(async (path: string) => {
    if (path === '/api/v1/analytics/summary') return { data: summary, response: new Response() }
    if (path === '/api/v1/analytics/downloads')
      return { data: { from: '2026-11-01', to: '2026-11-30', days: [], total: 0 }, response: new Response() }
    return {
      data: { metrics: ['top1_accuracy'], metric: 'top1_accuracy', points: [] },
      response: new Response(),
    }
  })
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
