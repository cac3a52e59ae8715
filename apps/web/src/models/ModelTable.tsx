import { Anchor, Badge, Group, Skeleton, Table, Text, UnstyledButton } from '@mantine/core'
import type { Model } from '@modelreg/contract'
import { Link } from 'react-router'
import { formatDate } from '../ui/format'
import {
  frameworkOptions,
  label,
  stageColor,
  stageOptions,
  statusColor,
  statusOptions,
  taskTypeOptions,
} from '../ui/labels'

interface Props {
  models: Model[] | undefined
  sort: string
  onSort(sort: string): void
}

const columns = [
  'Model Name',
  'Latest version',
  'Framework',
  'Task Type',
  'Status',
  'Stage',
  'Tags',
  'Author',
  'Updated',
]
const sortable: Record<string, string> = { 'Model Name': 'name', Updated: 'updated' }

export function ModelTable({ models, sort, onSort }: Props) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Models">
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => {
              const key = sortable[c]
              if (!key) return <Table.Th key={c}>{c}</Table.Th>
              const dir = sort === key ? 'ascending' : sort === `-${key}` ? 'descending' : 'none'
              return (
                <Table.Th key={c} aria-sort={dir}>
                  <UnstyledButton
                    fw={700}
                    fz="sm"
                    onClick={() => onSort(sort === `-${key}` ? key : `-${key}`)}
                    aria-label={`Sort by ${c}`}
                  >
                    {c} {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : ''}
                  </UnstyledButton>
                </Table.Th>
              )
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {models
            ? models.map((m) => <ModelRow key={m.id} model={m} />)
            : Array.from({ length: 8 }, (_, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
                <Table.Tr key={i}>
                  {columns.map((c) => (
                    <Table.Td key={c}>
                      <Skeleton height={14} />
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

/** A badge as wide as its label: a table column may narrow, but never to "DEVELOP…". */
const whole = { minWidth: 'max-content' } as const

function ModelRow({ model: m }: { model: Model }) {
  const v = m.latestVersion
  const top = m.topStage
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/models/${encodeURIComponent(m.org)}/${encodeURIComponent(m.name)}`} fw={600}>
          {m.org === 'default' ? m.name : `${m.org}/${m.name}`}
        </Anchor>
      </Table.Td>
      <Table.Td>{v?.version ?? '—'}</Table.Td>
      <Table.Td>{label(frameworkOptions, m.framework, m.frameworkOther)}</Table.Td>
      <Table.Td>{label(taskTypeOptions, m.taskType, m.taskTypeOther)}</Table.Td>
      <Table.Td>
        {v && (
          <Badge variant="light" color={statusColor[v.status]} style={whole}>
            {label(statusOptions, v.status)}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        {/* Where the model is: the most advanced stage any version holds, and which version, not the latest's. */}
        {top && (
          <Group gap={6} wrap="nowrap">
            <Badge variant="outline" color={stageColor[top.stage]} style={whole}>
              {label(stageOptions, top.stage)}
            </Badge>
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {top.version}
            </Text>
          </Group>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {v?.tags.slice(0, 4).map((t) => (
            <Badge key={t} variant="default" size="sm" style={whole}>
              {t}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>{v?.author || '—'}</Table.Td>
      <Table.Td>{formatDate(m.updatedAt)}</Table.Td>
    </Table.Tr>
  )
}
