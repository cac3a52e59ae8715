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
  const [text, setText] = useState(params.get('q') ?? '')
  const [tag, setTag] = useState(params.get('tag') ?? '')
  const [author, setAuthor] = useState(params.get('author') ?? '')
  const commit = useDebouncedCallback(
    (key: string, value: string) => onChange(withParam(params, key, value.trim())),
    300,
  )

  return (
    <Group align="end" gap="sm" wrap="wrap">
      <TextInput
        label="Search"
        placeholder="Name, description or tag"
        type="search"
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value)
          commit('q', e.currentTarget.value)
        }}
        w={240}
      />
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
      <TextInput
        label="Tag"
        value={tag}
        onChange={(e) => {
          setTag(e.currentTarget.value)
          commit('tag', e.currentTarget.value)
        }}
        w={140}
      />
      <TextInput
        label="Author"
        value={author}
        onChange={(e) => {
          setAuthor(e.currentTarget.value)
          commit('author', e.currentTarget.value)
        }}
        w={140}
      />
      {hasFilters(params) && (
        <Button
          variant="subtle"
          onClick={() => {
            setText('')
            setTag('')
            setAuthor('')
            onChange(new URLSearchParams(params.get('sort') ? { sort: params.get('sort') ?? '' } : {}))
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  )
}
