import { TextInput } from '@mantine/core'
import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderUi } from './test/render'

describe('theme', () => {
  it('keeps the placeholder of an invalid field grey, so that it does not read as a typed value', () => {
    renderUi(<TextInput label="Model Name" placeholder="resnet50-imagenet" error="Model Name is required" />)
    const input = screen.getByRole('textbox', { name: 'Model Name' })
    expect(input).toHaveAttribute('aria-invalid', 'true')
    expect(input.style.getPropertyValue('--input-placeholder-color')).toBe('var(--mantine-color-placeholder)')
  })
})
