import { Button, Code, Skeleton, Table, Text } from '@mantine/core'
import type { Version } from '@modelreg/contract'
import { archiveUrl, artifactUrl } from '../api/http'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatBytes } from '../ui/format'
import { Section } from '../ui/Section'
import { TableHead } from '../ui/TableHead'
import { useArtifacts } from '../versions/versions.queries'

export function ArtifactsSection({ org, name, version }: { org: string; name: string; version: Version }) {
  const artifacts = useArtifacts(org, name, version.version)
  const items = artifacts.data?.items
  return (
    <Section
      title="Artifacts"
      actions={
        items && items.length > 0 ? (
          <Button component="a" variant="default" size="xs" href={archiveUrl(org, name, version.version)} download>
            Download all (zip)
          </Button>
        ) : null
      }
    >
      {artifacts.isError ? (
        <ErrorAlert error={artifacts.error} />
      ) : !items ? (
        <Skeleton h={60} />
      ) : items.length === 0 ? (
        <Text c="dimmed">
          No files in this version yet. Upload weights, configs and a README.md with New Version, or push a folder with
          the modelreg CLI.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table aria-label="Artifacts">
            <TableHead columns={['File', 'Size', 'SHA-256', 'Downloads']} actions />
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.path}>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{a.path}</Table.Td>
                  <Table.Td>{formatBytes(a.size)}</Table.Td>
                  <Table.Td>
                    <Code title={a.sha256}>{a.sha256.slice(0, 12)}…</Code>
                  </Table.Td>
                  <Table.Td>{a.downloadCount}</Table.Td>
                  <Table.Td>
                    <Button
                      component="a"
                      size="xs"
                      variant="light"
                      href={artifactUrl(org, name, version.version, a.path)}
                      download={a.path.split('/').pop()}
                      aria-label={`Download ${a.path}`}
                    >
                      Download
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="sm" c="dimmed" mt="xs">
            {items.length} files, {formatBytes(artifacts.data?.totalSize ?? 0)} in total
          </Text>
        </Table.ScrollContainer>
      )}
    </Section>
  )
}
