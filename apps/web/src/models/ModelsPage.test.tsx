import { act, fireEvent, screen } from '@testing-library/react'
import { useLocation } from 'react-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeApi, ok, renderUi } from '../test/render'
import { ModelsPage } from './ModelsPage'

const noModels = async () => ok({ items: [], nextCursor: null })
beforeEach(() => {
  fakeApi({ GET: noModels })
})

function Url() {
  return <output data-testid="url">{useLocation().search}</output>
}

function renderAt(url: string) {
  renderUi(
    <>
      <ModelsPage />
      <Url />
    </>,
    { url },
  )
}

const url = () => screen.getByTestId('url').textContent
const framework = () => screen.getByRole('combobox', { name: 'Framework' })

describe('ModelsPage filters', () => {
  it('a filter picked right after "Clear filters", before the page re-rendered, does not bring the old search back', () => {
    renderAt('/models?q=bert&sort=name')
    // Both events before React renders again: what a loaded machine does between two quick clicks.
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
      fireEvent.change(framework(), { target: { value: 'onnx' } })
    })
    expect(new URLSearchParams(url() ?? '').toString()).toBe('sort=name&framework=onnx')
  })

  it('two filters changed before the page re-rendered both stay', () => {
    renderAt('/models')
    act(() => {
      fireEvent.change(framework(), { target: { value: 'onnx' } })
      fireEvent.change(screen.getByRole('combobox', { name: 'Stage' }), { target: { value: 'production' } })
    })
    expect(new URLSearchParams(url() ?? '').toString()).toBe('framework=onnx&stage=production')
  })

  it('a search still waiting for its debounce does not land after "Clear filters"', () => {
    vi.useFakeTimers()
    renderAt('/models?framework=onnx')
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'ber' } })
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
    act(() => {
      vi.advanceTimersByTime(1000)
    })
    expect(url()).toBe('')
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('')
  })
})
