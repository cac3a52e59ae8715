import type { VersionInspection } from '@modelreg/contract'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { exampleVersion, fakeApi, ok, renderUi } from '../test/render'
import { ArtifactsSection } from './ArtifactsSection'
import { CompareVersionsPage } from './CompareVersionsPage'
import { InspectionSection } from './InspectionSection'

const at = '2026-11-02T10:00:00.000Z'
const version = exampleVersion({ verdict: 'dangerous', format: 'onnx', parameters: 270 })
const report: VersionInspection = {
  status: 'done',
  verdict: 'dangerous',
  files: [
    {
      path: 'model.onnx',
      format: 'onnx',
      summary: {
        parameters: 270,
        dtypes: ['float32'],
        inputs: [{ name: 'pixels', dtype: 'float32', shape: ['batch', 3, 32, 32] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }],
      },
      safety: { verdict: 'safe', findings: [] },
    },
    {
      path: 'model.pkl',
      format: 'pickle',
      summary: {},
      safety: { verdict: 'dangerous', findings: [{ code: 'dangerous-global', detail: 'imports os.system' }] },
    },
  ],
}
const artifact = (path: string) => ({
  path,
  size: 10,
  sha256: 'a'.repeat(64),
  mediaType: 'application/octet-stream',
  createdBy: 'admin',
  createdAt: at,
  downloadCount: 0,
})

const get = vi.fn()
beforeEach(() => {
  get.mockReset()
  get.mockImplementation(async (path: string) => {
    switch (path) {
      case '/api/v1/models/{org}/{name}/versions/{version}/inspection':
        return ok(report)
      case '/api/v1/models/{org}/{name}/versions/{version}/artifacts':
        return ok({ items: [artifact('model.onnx'), artifact('model.pkl')], totalSize: 20 })
      case '/api/v1/models/{org}/{name}/versions':
        return ok({ items: [{ ...version, version: '1.1.0' }, version], nextCursor: null, next: null })
      case '/api/v1/models/{org}/{name}/compare':
        return ok({
          from: '1.0.0',
          to: '1.1.0',
          files: { added: ['model.pkl'], removed: [], changed: ['model.onnx'] },
          metadata: {},
          metrics: { accuracy: { from: 0.8, to: 0.9, delta: 0.1 } },
          inspection: {
            verdict: { from: 'safe', to: 'dangerous' },
            format: { from: 'onnx', to: 'onnx' },
            parameters: { from: 200, to: 270, delta: 70 },
            files: { 'model.onnx': { parameters: { from: 200, to: 270 } } },
          },
        })
      default:
        return ok({ items: [], nextCursor: null })
    }
  })
  fakeApi({ GET: get })
})

describe('InspectionSection', () => {
  it('shows format, parameters, inputs and outputs, the verdict and each finding', async () => {
    renderUi(<InspectionSection org="default" name="resnet" version={version} />)
    const section = await screen.findByRole('region', { name: 'Inspection' })
    const table = await within(section).findByRole('table', { name: 'Inspection' })
    expect(within(table).getByText('270')).toBeInTheDocument()
    expect(within(table).getByText('pixels float32 [batch, 3, 32, 32]')).toBeInTheDocument()
    expect(within(section).getByRole('alert')).toHaveTextContent('Loading this version can run code')
    expect(within(section).getByRole('list', { name: 'Findings' })).toHaveTextContent(
      'model.pkl dangerous-global imports os.system',
    )
  })
})

describe('ArtifactsSection', () => {
  it('warns before downloading a dangerous file, and downloads a safe one directly', async () => {
    renderUi(<ArtifactsSection org="default" name="resnet" version={version} />)
    const safe = await screen.findByRole('link', { name: 'Download model.onnx' })
    expect(safe).toHaveAttribute('href', '/api/v1/models/default/resnet/versions/1.0.0/artifacts/model.onnx')
    const risky = await screen.findByRole('button', { name: 'Download model.pkl' })
    await userEvent.click(risky)
    const dialog = await screen.findByRole('dialog', { name: 'This file can run code when loaded' })
    expect(dialog).toHaveTextContent('imports os.system')
    expect(within(dialog).getByRole('link', { name: 'Download anyway' })).toHaveAttribute(
      'href',
      '/api/v1/models/default/resnet/versions/1.0.0/artifacts/model.pkl',
    )
  })
})

describe('CompareVersionsPage', () => {
  it('lists changed files, metric deltas and the verdict change', async () => {
    renderUi(<CompareVersionsPage />, {
      url: '/models/default/resnet/compare?from=1.0.0&to=1.1.0',
      path: '/models/:org/:name/compare',
    })
    expect(await screen.findByRole('list', { name: 'Changed files' })).toHaveTextContent('added model.pkl')
    expect(screen.getByRole('table', { name: 'Differences' })).toHaveTextContent('+0.1')
    expect(screen.getByText('model.onnx')).toBeInTheDocument()
  })
})
