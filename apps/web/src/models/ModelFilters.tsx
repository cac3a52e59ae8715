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

interface Props {
  params: URLSearchParams
  onChange(next: URLSearchParams): void
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
  const commit = useDebouncedCallback(
    (key: TextKey, value: string) => onChange(withParam(params, key, value.trim())),
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
          onChange={(e) => onChange(withParam(params, s.key, e.currentTarget.value))}
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
            setTexts(textValues(new URLSearchParams()))
            onChange(new URLSearchParams(params.get('sort') ? { sort: params.get('sort') ?? '' } : {}))
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
