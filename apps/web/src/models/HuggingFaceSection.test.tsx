import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderUi } from '../test/render'
import { HuggingFaceSection } from './HuggingFaceSection'

describe('HuggingFaceSection', () => {
  it('shows the endpoint, the slugged repo id and snippets at the version on screen', async () => {
    renderUi(<HuggingFaceSection org="default" name="XGBoost House Prices" version="1.2.0" />)
    expect(await screen.findByText('default/XGBoost-House-Prices')).toBeTruthy()
    expect(screen.getByText(`${window.location.origin}/hf`)).toBeTruthy()
    const python = screen.getByLabelText('Python (huggingface_hub)')
    expect(python.textContent).toContain('snapshot_download("default/XGBoost-House-Prices", revision="1.2.0")')
    expect(screen.getByLabelText('JavaScript (@huggingface/hub)').textContent).toContain(
      "repo: 'default/XGBoost-House-Prices'",
    )
    expect(screen.getByRole('button', { name: 'Copy Python (huggingface_hub)' })).toBeTruthy()
  })
})
