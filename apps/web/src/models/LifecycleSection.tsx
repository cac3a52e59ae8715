import { Badge, Button, Group, Skeleton, Text, Timeline } from '@mantine/core'
import type { Version } from '@modelreg/contract'
import { useState } from 'react'
import { StageChangeModal } from '../lifecycle/StageChangeModal'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDate } from '../ui/format'
import { label, stageColor, stageOptions } from '../ui/labels'
import { Section } from '../ui/Section'
import { useStageHistory } from '../versions/versions.queries'

export function LifecycleSection({ org, name, version }: { org: string; name: string; version: Version }) {
  const history = useStageHistory(org, name, version.version)
  const [open, setOpen] = useState(false)
  const items = history.data?.items ?? []
  return (
    <Section
      title="Lifecycle"
      actions={
        <Button size="xs" variant="default" onClick={() => setOpen(true)}>
          Change stage
        </Button>
      }
    >
      <Group gap="xs">
        <Text>Stage of {version.version}:</Text>
        <Badge variant="outline" color={stageColor[version.stage]}>
          {label(stageOptions, version.stage)}
        </Badge>
      </Group>
      {history.isError ? (
        <ErrorAlert error={history.error} />
      ) : history.isPending ? (
        <Skeleton h={40} />
      ) : items.length === 0 ? (
        <Text c="dimmed">No stage changes yet: the version has been in Development since it was created.</Text>
      ) : (
        <Timeline active={items.length} bulletSize={14} lineWidth={2} aria-label="Stage history">
          {[...items].reverse().map((t) => (
            <Timeline.Item
              key={`${t.at}-${t.to}`}
              title={
                t.from === null
                  ? `Created in ${label(stageOptions, t.to)}`
                  : `${label(stageOptions, t.from)} → ${label(stageOptions, t.to)}`
              }
            >
              <Text size="sm">
                by {t.actor} on {formatDate(t.at)}
              </Text>
              {t.comment && (
                <Text size="sm" c="dimmed">
                  “{t.comment}”
                </Text>
              )}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      <StageChangeModal
        key={version.version}
        org={org}
        name={name}
        version={version}
        opened={open}
        onClose={() => setOpen(false)}
      />
    </Section>
  )
}
