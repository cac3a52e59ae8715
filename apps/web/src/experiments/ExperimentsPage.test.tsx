import { screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { renderUi } from '../test/render'
import { ExperimentsPage } from './ExperimentsPage'

const runId = 'a'.repeat(32)
const answers: Record<string, unknown> = {
  'mlflow/experiments/search': { experiments: [{ experiment_id: '3', name: 'fraud', creation_time: 0 }] },
  'mlflow/runs/search': {
    runs: [
      {
        info: { run_id: runId, run_name: 'nightly', status: 'FINISHED', start_time: 1, user_id: 'ada' },
        data: { params: [{ key: 'lr', value: '0.1' }], metrics: [{ key: 'acc', value: 0.9, step: 1 }] },
      },
    ],
  },
  'mlflow/model-versions/search': {
    model_versions: [{ name: 'fraud-model', version: '2', run_id: runId, current_stage: 'Production' }],
  },
  'mlflow-artifacts/artifacts': { files: [{ path: 'model', is_dir: true }] },
}

describe('ExperimentsPage', () => {
  it("lists an organisation's experiments, the runs with params and metrics, and the versions registered from them", async () => {
    const fetch = vi.fn(async (url: string) => {
      const key = Object.keys(answers).find((k) => url.startsWith(`/mlflow/default/api/2.0/${k}?`))
      return new Response(JSON.stringify(key ? answers[key] : {}), { status: key ? 200 : 404 })
    })
    vi.stubGlobal('fetch', fetch)
    try {
      renderUi(<ExperimentsPage />, { url: `/experiments/3?run=${runId}`, path: '/experiments/:id' })
      expect(await screen.findByText('fraud')).toBeTruthy()
      const runs = await screen.findByRole('table', { name: 'Runs' })
      expect(await within(runs).findByText('nightly')).toBeTruthy()
      expect(within(runs).getByText('lr=0.1')).toBeTruthy()
      expect(within(runs).getByText('acc=0.9')).toBeTruthy()
      expect(within(runs).getByRole('link', { name: 'fraud-model v2' }).getAttribute('href')).toBe(
        '/models/default/fraud-model',
      )
      expect(await within(runs).findByText('model/')).toBeTruthy()
      const filters = fetch.mock.calls.map(([u]) => new URL(String(u), 'http://x').searchParams.get('filter'))
      expect(filters).toContain(`run_id IN ('${runId}')`)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
