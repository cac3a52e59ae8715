import { Code, Stack, Table, Text } from '@mantine/core'
import type { KeyTag } from '@modelreg/contract'
import { Section } from '../ui/Section'
import { useKeyTags } from './keyTags.queries'

function TagTable({ label, tags }: { label: string; tags: KeyTag[] }) {
  return (
    <Table aria-label={label} withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Key</Table.Th>
          <Table.Th>Value</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {tags.map((t) => (
          <Table.Tr key={t.key}>
            <Table.Td>
              <Code>{t.key}</Code>
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{t.value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/**
 * The description and key/value tags MLflow clients set on the model and on the version on screen (read-only; MLflow's
 * set_registered_model_tag / set_model_version_tag / update_registered_model change them). Nothing when there are none.
 */
export function KeyTagsSection({ org, name, version }: { org: string; name: string; version: string }) {
  const { data } = useKeyTags(org, name)
  if (!data) return null
  const versionTags = data.versions.find((v) => v.version === version)?.tags ?? []
  if (data.description === '' && data.tags.length === 0 && versionTags.length === 0) return null
  return (
    <Section title="MLflow description and tags">
      <Stack gap="sm">
        {data.description !== '' && (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} aria-label="Model description">
            {data.description}
          </Text>
        )}
        {data.tags.length > 0 && <TagTable label="Model tags" tags={data.tags} />}
        {versionTags.length > 0 && <TagTable label={`Tags of version ${version}`} tags={versionTags} />}
      </Stack>
    </Section>
  )
}
