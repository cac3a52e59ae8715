import { Button, Group, NativeSelect, TextInput } from '@mantine/core'
import { useDebouncedCallback } from '@mantine/hooks'
import { useState } from 'react'
import {
  frameworkOptions,
  licenseOptions,
  modelTypeOptions,
  optionData,
  stageOptions,
  statusOptions,
  taskTypeOptions,
} from '../ui/labels'
import { hasFilters, withParam } from './model-search'

/** A change of the view, applied to the newest params asked for (not to what the last render showed). */
export type ParamsUpdate = (current: URLSearchParams) => URLSearchParams

interface Props {
  params: URLSearchParams
  onChange(update: ParamsUpdate): void
}

const selects = [
  { key: 'framework', label: 'Framework', options: frameworkOptions },
  { key: 'taskType', label: 'Task Type', options: taskTypeOptions },
  { key: 'modelType', label: 'Model Type', options: modelTypeOptions },
  { key: 'status', label: 'Status', options: statusOptions },
  { key: 'stage', label: 'Stage', options: stageOptions },
  { key: 'license', label: 'License', options: licenseOptions },
] as const

export function ModelFilters({ params, onChange }: Props) {
  // Typed filters show each keystroke at once and reach the URL (and the query) 300 ms after the last one.
  const [texts, setTexts] = useState(() => textValues(params))
  // Each change names only what it changes: a select picked before the URL caught up with "Clear filters" (or
  // with a typed search) must not bring back the old values that render still shows.
  const commit = useDebouncedCallback(
    (key: TextKey, value: string) => onChange((current) => withParam(current, key, value.trim())),
    300,
  )
  const textInput = (key: TextKey, label: string, extra: { placeholder?: string; type?: string; w?: number } = {}) => (
    <TextInput
      label={label}
      value={texts[key]}
      onChange={(e) => {
        const value = e.currentTarget.value
        setTexts((t) => ({ ...t, [key]: value }))
        commit(key, value)
      }}
      w={140}
      {...extra}
    />
  )

  return (
    <Group align="end" gap="sm" wrap="wrap">
      {textInput('q', 'Search', { placeholder: 'Name, description or tag', type: 'search', w: 240 })}
      {selects.map((s) => (
        <NativeSelect
          key={s.key}
          label={s.label}
          value={params.get(s.key) ?? ''}
          onChange={(e) => {
            const value = e.currentTarget.value
            onChange((current) => withParam(current, s.key, value))
          }}
          data={[{ value: '', label: 'Any' }, ...optionData(s.options)]}
          w={140}
        />
      ))}
      {textInput('tag', 'Tag')}
      {textInput('author', 'Author')}
      {hasFilters(params) && (
        <Button
          variant="subtle"
          onClick={() => {
            // A search still waiting for its 300 ms must not land after the clearing.
            commit.cancel()
            setTexts(textValues(new URLSearchParams()))
            onChange((current) => new URLSearchParams(current.get('sort') ? { sort: current.get('sort') ?? '' } : {}))
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  )
}

type TextKey = 'q' | 'tag' | 'author'
const textValues = (params: URLSearchParams): Record<TextKey, string> => ({
  q: params.get('q') ?? '',
  tag: params.get('tag') ?? '',
  author: params.get('author') ?? '',
})
