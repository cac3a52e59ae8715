import { AreaChart, BarChart, DonutChart } from '@mantine/charts'
import { NativeSelect, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/http'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatBytes } from '../ui/format'
import { frameworkOptions, label, stageOptions, statusOptions } from '../ui/labels'
import { Section } from '../ui/Section'
import { MetricTrendChart } from './MetricTrendChart'

const palette = ['gray.6', 'blue.6', 'teal.6', 'green.6', 'dark.4', 'grape.6', 'orange.6']

export function AnalyticsPage() {
  const [days, setDays] = useState('30')
  const summary = useQuery({
    queryKey: ['analytics', 'summary'],
    queryFn: async () => unwrap(await api.GET('/api/v1/analytics/summary')),
  })
  const downloads = useQuery({
    queryKey: ['analytics', 'downloads', days],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/analytics/downloads', { params: { query: { days: Number(days) } } })),
  })
  const s = summary.data
  return (
    <Stack>
      <div>
        <Title order={1}>Analytics</Title>
        <Text c="dimmed">
          The models you can see: where they are in their lifecycle, what they are built with, how often they are
          fetched.
        </Text>
      </div>
      <ErrorAlert error={summary.error} />
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        {(
          [
            ['Models', s?.totals.models],
            ['Versions', s?.totals.versions],
            ['Artifacts', s?.totals.artifacts],
            ['Stored', s && formatBytes(s.totals.artifactBytes)],
            ['Downloads', s?.totals.downloads],
          ] as const
        ).map(([name, value]) => (
          <Paper key={name} withBorder p="md">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {name}
            </Text>
            <Text size="xl" fw={700}>
              {value ?? <Skeleton h={28} w={60} />}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Section title="Models by status">
          {s ? (
            <DonutChart
              withLabelsLine
              withLabels
              withTooltip
              h={220}
              data={s.byStatus
                .filter((x) => x.count > 0)
                .map((x, i) => ({
                  name: label(statusOptions, x.key),
                  value: x.count,
                  color: palette[i % palette.length] ?? 'gray.6',
                }))}
            />
          ) : (
            <Skeleton h={220} />
          )}
        </Section>
        <Section title="Models by framework">
          {s ? (
            <BarChart
              h={220}
              dataKey="name"
              series={[{ name: 'Models', color: 'indigo.6' }]}
              data={s.byFramework.map((x) => ({ name: label(frameworkOptions, x.key), Models: x.count }))}
            />
          ) : (
            <Skeleton h={220} />
          )}
        </Section>
        <Section title="Models by stage">
          {s ? (
            <BarChart
              h={220}
              dataKey="name"
              series={[{ name: 'Models', color: 'teal.6' }]}
              data={s.byStage.map((x) => ({ name: label(stageOptions, x.key), Models: x.count }))}
            />
          ) : (
            <Skeleton h={220} />
          )}
        </Section>
      </SimpleGrid>
      <Section
        title="Downloads over time"
        actions={
          <NativeSelect
            aria-label="Period"
            size="xs"
            value={days}
            onChange={(e) => setDays(e.currentTarget.value)}
            data={[
              { value: '7', label: 'Last 7 days' },
              { value: '30', label: 'Last 30 days' },
              { value: '90', label: 'Last 90 days' },
              { value: '365', label: 'Last year' },
            ]}
          />
        }
      >
        {downloads.data ? (
          <AreaChart
            h={240}
            dataKey="day"
            curveType="monotone"
            series={[{ name: 'Downloads', color: 'indigo.6' }]}
            data={downloads.data.days.map((d) => ({ day: d.day.slice(5), Downloads: d.count }))}
          />
        ) : (
          <Skeleton h={240} />
        )}
      </Section>
      <MetricTrendChart />
    </Stack>
  )
}
