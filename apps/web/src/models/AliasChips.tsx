// The model's aliases as chips under its name (champion → 1.2.0); a chip opens the Move dialog, "+ Alias" a new one.
import { Badge, Button, Group, Tooltip } from '@mantine/core'
import type { Alias } from '@modelreg/contract'
import { useState } from 'react'
import { useAliases } from './aliases.queries'
import { MoveAliasModal } from './MoveAliasModal'

interface Props {
  org: string
  name: string
  /** The versions to offer as targets, highest first. */
  versions: string[]
}

export function AliasChips({ org, name, versions }: Props) {
  const aliases = useAliases(org, name)
  // undefined: closed; null: a new alias; an Alias: moving that one.
  const [editing, setEditing] = useState<Alias | null | undefined>(undefined)
  return (
    <Group gap={6} aria-label="Aliases">
      {(aliases.data?.items ?? []).map((a) => (
        <Tooltip key={a.name} label={`moved by ${a.updatedBy}${a.protected ? ' · protected' : ''}`}>
          <Badge
            component="button"
            type="button"
            variant="light"
            color="grape"
            style={{ cursor: 'pointer', textTransform: 'none' }}
            onClick={() => setEditing(a)}
            aria-label={`Alias ${a.name} points to ${a.version}`}
          >
            {a.protected ? '🔒 ' : ''}
            {a.name} → {a.version}
          </Badge>
        </Tooltip>
      ))}
      <Button size="compact-xs" variant="subtle" onClick={() => setEditing(null)} disabled={versions.length === 0}>
        + Alias
      </Button>
      {editing !== undefined && (
        <MoveAliasModal
          org={org}
          name={name}
          alias={editing}
          versions={versions}
          opened
          onClose={() => setEditing(undefined)}
        />
      )}
    </Group>
  )
}
