import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { renderUi } from '../test/render'
import { ModelForm } from './ModelForm'
import { createBody, editBodies, emptyModelForm, type ModelFormValues, validateModelForm } from './model-form'

function Harness({ mode, initial }: { mode: 'create' | 'edit'; initial: ModelFormValues }) {
  const [values, setValues] = useState(initial)
  return (
    <ModelForm
      mode={mode}
      values={values}
      errors={validateModelForm(values, mode)}
      onChange={(p) => setValues({ ...values, ...p })}
    />
  )
}

const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}( \\*)?$`))

describe('ModelForm', () => {
  it('has the doc sections, labels, defaults and helper texts', () => {
    renderUi(<Harness mode="create" initial={emptyModelForm()} />)
    for (const legend of ['Basic Information', 'Model Configuration', 'Metadata'])
      expect(screen.getByRole('group', { name: legend })).toBeInTheDocument()
    expect(field('Version')).toHaveValue('1.0.0')
    expect(field('Task Type')).toHaveValue('classification')
    expect(field('Model Type')).toHaveValue('custom')
    expect(field('Status')).toHaveValue('draft')
    expect(screen.getByText('Semantic version (major.minor.patch)')).toBeInTheDocument()
    expect(screen.getByText('Comma-separated tags for organization')).toBeInTheDocument()
    expect(screen.getByText('Make model accessible to all organization members')).toBeInTheDocument()
    expect(screen.getByRole('checkbox', { name: 'Public Access' })).not.toBeChecked()
  })

  it('draws an unchosen select prompt in the placeholder colour, not the error red of a value', async () => {
    renderUi(<Harness mode="create" initial={emptyModelForm()} />)
    const framework = field('Framework')
    expect(framework).toHaveAttribute('aria-invalid', 'true')
    expect(framework.style.getPropertyValue('--input-color')).toBe('var(--mantine-color-placeholder)')
    await userEvent.selectOptions(framework, 'pytorch')
    expect(field('Framework').style.getPropertyValue('--input-color')).toBe('')
  })

  it('reveals a text box for "Others" and asks for it', async () => {
    renderUi(<Harness mode="create" initial={emptyModelForm()} />)
    expect(screen.queryByLabelText(/Other framework/)).toBeNull()
    await userEvent.selectOptions(field('Framework'), 'others')
    expect(screen.getByLabelText(/Other framework/)).toBeInTheDocument()
    expect(screen.getByText('Name the framework')).toBeInTheDocument()
  })

  it('locks all but the editable fields in edit mode', () => {
    renderUi(<Harness mode="edit" initial={{ ...emptyModelForm(), name: 'bert', framework: 'pytorch' }} />)
    for (const name of ['Model Name', 'Version', 'Framework', 'Task Type', 'Model Type'])
      expect(field(name)).toBeDisabled()
    for (const name of ['Description', 'Tags', 'Status', 'Author', 'License']) expect(field(name)).toBeEnabled()
    expect(screen.getByRole('checkbox', { name: 'Public Access' })).toBeEnabled()
  })
})

describe('model form values', () => {
  it('checks name, semantic version and framework before submit', () => {
    const errors = validateModelForm({ ...emptyModelForm(), name: '.hidden', version: '1.0' }, 'create')
    expect(Object.keys(errors).sort()).toEqual(['framework', 'name', 'version'])
  })

  it('turns comma-separated tags into a list and drops "Others" text of other choices', () => {
    const body = createBody({
      ...emptyModelForm(),
      name: 'resnet50-imagenet-v1',
      framework: 'pytorch',
      frameworkOther: 'left over',
      tags: 'computer-vision, production, , production',
    })
    expect(body.tags).toEqual(['computer-vision', 'production'])
    expect(body.frameworkOther).toBeUndefined()
  })

  it('sends only what changed, each to its endpoint', () => {
    const before = { ...emptyModelForm(), name: 'bert', framework: 'pytorch', author: 'ML Team' }
    expect(editBodies(before, { ...before, author: 'Vision Team', publicAccess: true })).toEqual({
      version: { author: 'Vision Team' },
      model: { publicAccess: true },
    })
    expect(editBodies(before, before)).toEqual({})
  })
})
