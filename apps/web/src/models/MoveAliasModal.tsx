// Set a new alias, or move or remove an existing one. The registry refuses reserved names and, for a protected
// alias, anyone but an organisation admin; its message is shown as it comes.
import { Button, Checkbox, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core'
import type { Alias } from '@modelreg/contract'
import { type FormEvent, useState } from 'react'
import { DialogActions } from '../ui/DialogActions'
import { ErrorAlert } from '../ui/ErrorAlert'
import { useRemoveAlias, useSetAlias } from './aliases.queries'

interface Props {
  org: string
  name: string
  /** The alias to move, or null to set a new one. */
  alias: Alias | null
  /** Versions to point at, highest first. */
  versions: string[]
  opened: boolean
  onClose(): void
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/

export function MoveAliasModal({ org, name, alias, versions, opened, onClose }: Props) {
  const [aliasName, setAliasName] = useState(alias?.name ?? '')
  const [target, setTarget] = useState(alias?.version ?? versions[0] ?? '')
  const [isProtected, setProtected] = useState(alias?.protected ?? false)
  const set = useSetAlias(org, name, { onSuccess: onClose })
  const remove = useRemoveAlias(org, name, { onSuccess: onClose })
  const nameProblem =
    aliasName !== '' && !NAME.test(aliasName)
      ? 'A lower-case letter, then lower-case letters, digits or "-" (at most 63)'
      : undefined
  const submit = (e: FormEvent) => {
    e.preventDefault()
    set.mutate({ alias: aliasName, body: { version: target, protected: isProtected } })
  }
  const unchanged = alias !== null && alias.version === target && alias.protected === isProtected
  return (
    <Modal opened={opened} onClose={onClose} title={alias ? `Move alias ${alias.name}` : 'New alias'} centered>
      <form onSubmit={submit} aria-label={alias ? 'Move alias' : 'New alias'}>
        <Stack>
          <ErrorAlert error={set.error ?? remove.error} />
          {alias ? (
            <Text size="sm">
              {alias.name} points to {alias.version} (moved by {alias.updatedBy}).
            </Text>
          ) : (
            <TextInput
              label="Alias"
              description="e.g. champion; usable wherever a version goes (name@champion)"
              value={aliasName}
              onChange={(e) => setAliasName(e.currentTarget.value)}
              error={nameProblem}
              required
            />
          )}
          <NativeSelect
            label="Version"
            data={versions}
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value)}
          />
          <Checkbox
            label="Protected: only organisation admins may move or remove it"
            checked={isProtected}
            onChange={(e) => setProtected(e.currentTarget.checked)}
          />
          {alias && (
            <Button
              variant="subtle"
              color="red"
              onClick={() => remove.mutate(alias.name)}
              loading={remove.isPending}
              style={{ alignSelf: 'flex-start' }}
            >
              Remove alias
            </Button>
          )}
          <DialogActions
            onCancel={onClose}
            label={alias ? 'Move' : 'Set alias'}
            loading={set.isPending}
            disabled={aliasName === '' || nameProblem !== undefined || target === '' || unchanged}
          />
        </Stack>
      </form>
    </Modal>
  )
}
