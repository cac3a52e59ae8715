// The Create Model form of the product doc; the Edit form is the same with only the editable fields enabled.
import { Checkbox, Fieldset, NativeSelect, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core'
import type { ReactNode } from 'react'
import {
  frameworkOptions,
  licenseOptions,
  modelTypeOptions,
  optionData,
  statusOptions,
  taskTypeOptions,
} from '../ui/labels'
import { editableFields, type ModelFormValues } from './model-form'

type Errors = Partial<Record<keyof ModelFormValues, string>>

interface Props {
  mode: 'create' | 'edit'
  values: ModelFormValues
  errors: Errors
  onChange(patch: Partial<ModelFormValues>): void
  /** Organisations the user may create models in; a picker appears when there is more than one. */
  orgs?: string[]
}

export function ModelForm({ mode, values, errors, onChange, orgs = [] }: Props) {
  const locked = (f: keyof ModelFormValues) => mode === 'edit' && !editableFields.has(f)
  const text = (f: keyof ModelFormValues) => ({
    value: values[f] as string,
    error: errors[f],
    disabled: locked(f),
    onChange: (e: { currentTarget: { value: string } }) => onChange({ [f]: e.currentTarget.value }),
  })
  const choice = (
    f: keyof ModelFormValues,
    otherField: keyof ModelFormValues,
    otherLabel: string,
    input: ReactNode,
  ) => (
    <Stack gap={4}>
      {input}
      {values[f] === 'others' && <TextInput label={otherLabel} required {...text(otherField)} />}
    </Stack>
  )

  return (
    <Stack gap="md">
      <Fieldset legend="Basic Information">
        <Stack gap="sm">
          {mode === 'create' && orgs.length > 1 && <NativeSelect label="Organisation" data={orgs} {...text('org')} />}
          <TextInput
            label="Model Name"
            description="Enter a descriptive name for the model"
            placeholder="resnet50-imagenet"
            required
            data-autofocus
            {...text('name')}
          />
          <TextInput label="Version" description="Semantic version (major.minor.patch)" required {...text('version')} />
          <Textarea
            label="Description"
            description="Detailed description of the model"
            autosize
            minRows={2}
            maxRows={8}
            {...text('description')}
          />
        </Stack>
      </Fieldset>
      <Fieldset legend="Model Configuration">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {choice(
            'framework',
            'frameworkOther',
            'Other framework',
            <NativeSelect
              label="Framework"
              required
              data={[{ value: '', label: 'Select framework', disabled: true }, ...optionData(frameworkOptions)]}
              {...text('framework')}
              styles={promptStyles(values.framework)}
            />,
          )}
          {choice(
            'taskType',
            'taskTypeOther',
            'Other task type',
            <NativeSelect label="Task Type" required data={optionData(taskTypeOptions)} {...text('taskType')} />,
          )}
          {choice(
            'modelType',
            'modelTypeOther',
            'Other model type',
            <NativeSelect label="Model Type" required data={optionData(modelTypeOptions)} {...text('modelType')} />,
          )}
          <NativeSelect label="Status" required data={optionData(statusOptions)} {...text('status')} />
        </SimpleGrid>
      </Fieldset>
      <Fieldset legend="Metadata">
        <Stack gap="sm">
          <TextInput
            label="Tags"
            description="Comma-separated tags for organization"
            placeholder="production, v1, optimized"
            {...text('tags')}
          />
          <TextInput label="Author" description="Model creator or team name" {...text('author')} />
          {choice(
            'license',
            'licenseOther',
            'Other license',
            <NativeSelect
              label="License"
              data={[{ value: '', label: 'No license selected' }, ...optionData(licenseOptions)]}
              {...text('license')}
              styles={promptStyles(values.license)}
            />,
          )}
          <Checkbox
            label="Public Access"
            description="Make model accessible to all organization members"
            checked={values.publicAccess}
            disabled={locked('publicAccess')}
            onChange={(e) => onChange({ publicAccess: e.currentTarget.checked })}
          />
        </Stack>
      </Fieldset>
    </Stack>
  )
}

/**
 * A select still showing its empty prompt option ("Select framework") draws it in the placeholder colour: after an
 * empty submit Mantine paints an invalid field's text red, where the prompt would read like a chosen value.
 */
export function promptStyles(value: string) {
  return value === '' ? { input: { '--input-color': 'var(--mantine-color-placeholder)' } } : undefined
}
