import { AreaChart, BarChart, DonutChart } from '@mantine/charts'
import { ColorSwatch, Group, NativeSelect, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatBytes } from '../ui/format'
import { frameworkOptions, label, stageOptions, statusColor, statusOptions } from '../ui/labels'
import { Section } from '../ui/Section'
import { useAnalyticsSummary, useDownloads } from './analytics.queries'
import { MetricTrendChart } from './MetricTrendChart'

/** A status keeps its colour from screen to screen (the badges' colours), whatever else the donut holds. */
const statusShade = (status: string) => `${statusColor[status] ?? 'gray'}.6`

/**
 * Counts as horizontal bars: each label on its own row (a column of vertical bars skipped every other label), and
 * whole-number ticks only, since these are counts of models.
 */
function CountBars({ data, color }: { data: { name: string; Models: number }[]; color: string }) {
  return (
    <BarChart
      h={40 + 36 * data.length}
      dataKey="name"
      orientation="vertical"
      series={[{ name: 'Models', color }]}
      data={data}
      xAxisProps={{ allowDecimals: false }}
      yAxisProps={{ interval: 0, width: 96 }}
    />
  )
}

export function AnalyticsPage() {
  const [days, setDays] = useState('30')
  const summary = useAnalyticsSummary()
  const downloads = useDownloads(Number(days))
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
            <Text component="div" size="xl" fw={700}>
              {value ?? <Skeleton h={28} w={60} />}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Section title="Models by status">
          {s ? (
            <Stack gap="xs">
              <DonutChart
                withLabelsLine
                withLabels
                withTooltip
                h={200}
                data={s.byStatus
                  .filter((x) => x.count > 0)
                  .map((x) => ({ name: label(statusOptions, x.key), value: x.count, color: statusShade(x.key) }))}
              />
              <Group component="ul" aria-label="Legend: models by status" gap="sm" justify="center" m={0} p={0}>
                {s.byStatus.map((x) => (
                  <Group component="li" key={x.key} gap={6} wrap="nowrap" style={{ listStyle: 'none' }}>
                    <ColorSwatch color={`var(--mantine-color-${statusShade(x.key).replace('.', '-')})`} size={12} />
                    <Text size="sm" c={x.count === 0 ? 'dimmed' : undefined}>
                      {label(statusOptions, x.key)}: {x.count}
                    </Text>
                  </Group>
                ))}
              </Group>
            </Stack>
          ) : (
            <Skeleton h={220} />
          )}
        </Section>
        <Section title="Models by framework">
          {s ? (
            <CountBars
              color="indigo.6"
              data={s.byFramework.map((x) => ({ name: label(frameworkOptions, x.key), Models: x.count }))}
            />
          ) : (
            <Skeleton h={220} />
          )}
        </Section>
        <Section title="Models by stage">
          <Text size="xs" c="dimmed">
            Each model counts once, in the most advanced stage any of its versions holds.
          </Text>
          {s ? (
            <CountBars
              color="teal.6"
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
        {downloads.isError ? (
          <ErrorAlert error={downloads.error} />
        ) : downloads.data ? (
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
