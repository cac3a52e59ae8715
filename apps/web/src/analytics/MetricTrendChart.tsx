import { LineChart } from '@mantine/charts'
import { Alert, Group, NativeSelect, Skeleton, Text, TextInput } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/http'
import { errorMessage } from '../ui/errors'
import { Section } from '../ui/Section'

/** One metric across a model's versions, in version order. */
export function MetricTrendChart() {
  const [model, setModel] = useState('')
  const [metric, setMetric] = useState('')
  const [org = '', name = ''] = model.includes('/') ? model.split('/', 2) : ['default', model]
  const trend = useQuery({
    queryKey: ['analytics', 'metric', org, name, metric],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/models/{org}/{name}/metrics', {
          params: { path: { org, name }, query: { metric: metric || undefined } },
        }),
      ),
    enabled: name !== '',
  })
  return (
    <Section
      title="Metric across versions"
      actions={
        <Group gap="xs">
          <TextInput
            size="xs"
            aria-label="Model for the metric chart"
            placeholder="org/name"
            defaultValue={model}
            onBlur={(e) => setModel(e.currentTarget.value.trim())}
            onKeyDown={(e) => e.key === 'Enter' && setModel(e.currentTarget.value.trim())}
          />
          <NativeSelect
            size="xs"
            aria-label="Metric"
            value={trend.data?.metric ?? ''}
            onChange={(e) => setMetric(e.currentTarget.value)}
            data={trend.data?.metrics.length ? trend.data.metrics : [{ value: '', label: 'No metrics' }]}
          />
        </Group>
      }
    >
      {name === '' ? (
        <Text c="dimmed">Type a model (org/name) to see how a metric moved from version to version.</Text>
      ) : trend.isError ? (
        <Alert color="red">{errorMessage(trend.error)}</Alert>
      ) : !trend.data ? (
        <Skeleton h={240} />
      ) : trend.data.points.length === 0 ? (
        <Text c="dimmed">No version of {model} records a metric yet.</Text>
      ) : (
        <LineChart
          h={240}
          dataKey="version"
          series={[{ name: trend.data.metric ?? 'value', color: 'grape.6' }]}
          data={trend.data.points.map((p) => ({ version: p.version, [trend.data.metric ?? 'value']: p.value }))}
        />
      )}
    </Section>
  )
}
