import { Anchor, Code, Text } from '@mantine/core'
import type { Version } from '@modelreg/contract'
import { Link } from 'react-router'
import { Fields, Section } from '../ui/Section'

/** Base model references are org/name@version; they link to that model's page at that version. */
function baseModelLink(ref: string) {
  const [model = '', version] = ref.split('@')
  const [org, name] = model.includes('/') ? model.split('/', 2) : ['default', model]
  const to = `/models/${encodeURIComponent(org ?? '')}/${encodeURIComponent(name ?? '')}${version ? `?version=${encodeURIComponent(version)}` : ''}`
  return (
    <Anchor component={Link} to={to}>
      {ref}
    </Anchor>
  )
}

export function LineageSection({ version: v }: { version: Version }) {
  const { runUrl, commit, datasets } = v.source
  const empty = !runUrl && !commit && !datasets?.length && !v.baseModel
  return (
    <Section title="Lineage">
      {empty ? (
        <Text c="dimmed">No source run or base model recorded for this version.</Text>
      ) : (
        <Fields
          items={[
            [
              'Source run',
              runUrl ? (
                <Anchor key="run" href={runUrl} target="_blank" rel="noopener noreferrer">
                  {runUrl}
                </Anchor>
              ) : undefined,
            ],
            ['Commit', commit ? <Code key="commit">{commit}</Code> : undefined],
            ['Datasets', datasets?.join(', ')],
            ['Base model', v.baseModel ? baseModelLink(v.baseModel) : undefined],
          ]}
        />
      )}
    </Section>
  )
}
