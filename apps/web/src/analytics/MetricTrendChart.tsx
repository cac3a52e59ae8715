import { LineChart } from '@mantine/charts'
import { Group, NativeSelect, Skeleton, Text, TextInput } from '@mantine/core'
import { useDebouncedCallback } from '@mantine/hooks'
import { useState } from 'react'
import { ApiError } from '../api/http'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Section } from '../ui/Section'
import { useMetricTrend } from './analytics.queries'

/** One metric across a model's versions, in version order. */
export function MetricTrendChart() {
  const [model, setModel] = useState('')
  // The chart follows the typing (400 ms after the last key); Enter or leaving the box shows it at once.
  const follow = useDebouncedCallback((text: string) => setModel(text.trim()), 400)
  const now = (text: string) => {
    follow.cancel()
    setModel(text.trim())
  }
  const [metric, setMetric] = useState('')
  const [org = '', name = ''] = model.includes('/') ? model.split('/', 2) : ['default', model]
  const trend = useMetricTrend(org, name, metric)
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
            onChange={(e) => follow(e.currentTarget.value)}
            onBlur={(e) => now(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && now(e.currentTarget.value)}
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
        <Text c="dimmed">
          Type a model in the box above (org/name, or just the name in the default organisation): the chart shows how a
          metric moved from version to version.
        </Text>
      ) : trend.error instanceof ApiError && trend.error.status === 404 ? (
        <Text c="dimmed">No model {model} that you can see: check the name (org/name).</Text>
      ) : trend.isError ? (
        <ErrorAlert error={trend.error} />
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
