import type { Model } from '@modelreg/contract'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { renderUi } from '../test/render'
import { ModelTable } from './ModelTable'

const model = (over: Partial<Model> = {}): Model => ({
  id: '1',
  org: 'default',
  name: 'house-prices',
  framework: 'others',
  frameworkOther: 'XGBoost',
  taskType: 'regression',
  taskTypeOther: null,
  modelType: 'custom',
  modelTypeOther: null,
  publicAccess: true,
  createdBy: 'admin',
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-02T10:00:00.000Z',
  versionCount: 2,
  nextVersion: { major: '2.0.0', minor: '1.2.0', patch: '1.1.1' },
  latestVersion: {
    version: '1.1.0',
    description: '',
    status: 'completed',
    stage: 'production',
    tags: ['tabular'],
    author: 'ML Team',
    license: 'mit',
    licenseOther: null,
    createdAt: '2026-11-02T10:00:00.000Z',
    updatedAt: '2026-11-02T10:00:00.000Z',
  },
  topStage: { stage: 'production', version: '1.1.0' },
  ...over,
})

describe('ModelTable', () => {
  it('shows the doc labels of each value and links the model', () => {
    renderUi(<ModelTable models={[model()]} sort="-updated" onSort={() => undefined} />)
    const row = screen.getAllByRole('row')[1]
    if (!row) throw new Error('no row')
    const cells = within(row)
    expect(cells.getByRole('link', { name: 'house-prices' })).toHaveAttribute('href', '/models/default/house-prices')
    for (const text of ['XGBoost', 'Regression', 'Completed', 'Production', 'tabular', 'ML Team'])
      expect(cells.getByText(text)).toBeInTheDocument()
    expect(cells.getAllByRole('cell')[1]).toHaveTextContent('1.1.0')
  })

  it("shows the most advanced stage any version holds, with that version, not the latest version's stage", () => {
    const latest = { ...model().latestVersion, version: '1.2.0', stage: 'development' } as Model['latestVersion']
    renderUi(
      <ModelTable
        models={[model({ latestVersion: latest, topStage: { stage: 'production', version: '1.1.0' } })]}
        sort="-updated"
        onSort={() => undefined}
      />,
    )
    const row = screen.getAllByRole('row')[1]
    if (!row) throw new Error('no row')
    const stageCell = within(row).getAllByRole('cell')[5]
    if (!stageCell) throw new Error('no stage cell')
    expect(stageCell).toHaveTextContent('Production1.1.0')
    expect(within(row).queryByText('Development')).toBeNull()
  })

  it('shows placeholder rows while loading, without a layout jump', () => {
    renderUi(<ModelTable models={undefined} sort="-updated" onSort={() => undefined} />)
    expect(screen.getAllByRole('row')).toHaveLength(9)
  })

  it('sorts by name from the column header and reports the direction', async () => {
    const onSort = vi.fn()
    renderUi(<ModelTable models={[model()]} sort="-updated" onSort={onSort} />)
    expect(screen.getByRole('columnheader', { name: /Updated/ })).toHaveAttribute('aria-sort', 'descending')
    await userEvent.click(screen.getByRole('button', { name: 'Sort by Model Name' }))
    expect(onSort).toHaveBeenCalledWith('-name')
  })
})
