import type { Alias } from '@modelreg/contract'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { failure, fakeApi, ok, renderUi } from '../test/render'
import { AliasChips } from './AliasChips'

const champion: Alias = {
  name: 'champion',
  model: 'default/ranker',
  version: '1.2.0',
  protected: true,
  createdBy: 'ada',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'ada',
  updatedAt: '2026-01-02T00:00:00.000Z',
}

describe('AliasChips', () => {
  it('shows each alias as a chip and moves one through the Move dialog', async () => {
    const put = vi.fn(async (_path: string, init: { body: { version: string } }) =>
      ok({ ...champion, version: init.body.version }),
    )
    const get = vi.fn(async () => ok({ items: [champion] }))
    fakeApi({ GET: get, PUT: put })
    renderUi(<AliasChips org="default" name="ranker" versions={['1.3.0', '1.2.0', '1.0.0']} />)
    await userEvent.click(await screen.findByRole('button', { name: 'Alias champion points to 1.2.0' }))
    const dialog = await screen.findByRole('form', { name: 'Move alias' })
    await userEvent.selectOptions(within(dialog).getByLabelText('Version'), '1.3.0')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Move' }))
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1))
    expect(put.mock.calls[0]?.[1]).toMatchObject({
      params: { path: { org: 'default', name: 'ranker', alias: 'champion' } },
      body: { version: '1.3.0', protected: true },
    })
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Move alias' })).toBeNull())
  })

  it('shows the registry\u2019s refusal in the dialog and keeps it open', async () => {
    const get = vi.fn(async () => ok({ items: [] }))
    const put = vi.fn(async () =>
      failure(403, 'FORBIDDEN', '"champion" is protected: only admins of organisation "default" may change it'),
    )
    fakeApi({ GET: get, PUT: put })
    renderUi(<AliasChips org="default" name="ranker" versions={['1.0.0']} />)
    await userEvent.click(await screen.findByRole('button', { name: '+ Alias' }))
    const dialog = await screen.findByRole('form', { name: 'New alias' })
    await userEvent.type(within(dialog).getByLabelText(/^Alias/), 'champion')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Set alias' }))
    expect(await within(dialog).findByText(/only admins of organisation/)).toBeTruthy()
    expect(screen.getByRole('form', { name: 'New alias' })).toBeTruthy()
  })
})
