import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useEffect, useRef, useState } from 'react'
import { useSearchParams } from 'react-router'
import { errorMessage } from '../ui/errors'
import { CreateModelModal } from './CreateModelModal'
import { ModelFilters, type ParamsUpdate } from './ModelFilters'
import { ModelTable } from './ModelTable'
import { hasFilters, queryFromParams, withParam } from './model-search'
import { useModels } from './models.queries'

export function ModelsPage() {
  const [params, setParams] = useSearchParams()
  const [creating, setCreating] = useState(false)
  // Cursors of the pages before this one, so "Previous page" can go back without offsets.
  const [history, setHistory] = useState<string[]>([])
  const query = queryFromParams(params)
  const models = useModels(query)
  const sort = params.get('sort') ?? '-updated'

  // The params of the newest change asked for. The router shows a new URL a render later (in a transition); a
  // change made before that render must build on the newest params, or it would send the old search again.
  const asked = useRef(params)
  useEffect(() => {
    asked.current = params
  }, [params])
  const go = (update: ParamsUpdate) => {
    const next = update(asked.current)
    asked.current = next
    setParams(next)
  }
  const change = (update: ParamsUpdate) => {
    setHistory([])
    go(update)
  }

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <div>
          <Title order={1}>Models</Title>
          <Text c="dimmed">Manage your trained models with versioning and metadata.</Text>
        </div>
        <Button onClick={() => setCreating(true)}>Create</Button>
      </Group>
      <ModelFilters params={params} onChange={change} />
      {models.isError ? (
        <Alert color="red" title="The models could not be loaded" role="alert">
          {errorMessage(models.error)}{' '}
          <Button variant="subtle" size="compact-sm" onClick={() => void models.refetch()}>
            Try again
          </Button>
        </Alert>
      ) : models.data?.items.length === 0 ? (
        <Paper withBorder p="xl" ta="center">
          {hasFilters(params) ? (
            <Text>No model matches these filters. Clear a filter or search for something else.</Text>
          ) : (
            <Text>No models yet. Click Create to register your first model.</Text>
          )}
        </Paper>
      ) : (
        <ModelTable
          models={models.data?.items}
          sort={sort}
          onSort={(s) => change((current) => withParam(current, 'sort', s))}
        />
      )}
      <Group justify="flex-end">
        <Button
          variant="default"
          disabled={history.length === 0}
          onClick={() => {
            const prev = history.slice(0, -1)
            const cursor = history[history.length - 1] ?? null
            setHistory(prev)
            go((current) => withParam(current, 'cursor', cursor === '' ? null : cursor))
          }}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={!models.data?.nextCursor || models.isPlaceholderData}
          onClick={() => {
            setHistory([...history, params.get('cursor') ?? ''])
            const next = models.data?.nextCursor ?? null
            go((current) => withParam(current, 'cursor', next))
          }}
        >
          Next page
        </Button>
      </Group>
      <CreateModelModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  )
}
