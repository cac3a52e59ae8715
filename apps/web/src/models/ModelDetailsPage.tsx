import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  Menu,
  NativeSelect,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'
import { ApiError, archiveUrl } from '../api/http'
import { ErrorAlert } from '../ui/ErrorAlert'
import { errorMessage } from '../ui/errors'
import { formatDate } from '../ui/format'
import {
  frameworkOptions,
  label,
  licenseOptions,
  modelTypeOptions,
  stageColor,
  stageOptions,
  statusColor,
  statusOptions,
  taskTypeOptions,
} from '../ui/labels'
import { Fields, Section } from '../ui/Section'
import { NewVersionModal } from '../versions/NewVersionModal'
import { useVersion, useVersions } from '../versions/versions.queries'
import { AliasChips } from './AliasChips'
import { ArtifactsSection } from './ArtifactsSection'
import { DeleteModelModal } from './DeleteModelModal'
import { DeploymentsSection } from './DeploymentsSection'
import { EditModelModal } from './EditModelModal'
import { HuggingFaceSection } from './HuggingFaceSection'
import { InspectionSection, VerdictBadge } from './InspectionSection'
import { KeyTagsSection } from './KeyTagsSection'
import { LifecycleSection } from './LifecycleSection'
import { LineageSection } from './LineageSection'
import { MetricsSection } from './MetricsSection'
import { MlflowSection } from './MlflowSection'
import { ModelCard } from './ModelCard'
import { useModel } from './models.queries'

type Dialog = 'edit' | 'new-version' | 'delete' | null

export function ModelDetailsPage() {
  const { org = '', name = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const [dialog, setDialog] = useState<Dialog>(null)
  const model = useModel(org, name)
  const versions = useVersions(org, name)
  const selected = params.get('version') ?? model.data?.latestVersion?.version
  const version = useVersion(org, name, selected)
  const missing = version.error instanceof ApiError && version.error.status === 404

  if (model.isError)
    return (
      <Alert color="red" title="This model cannot be shown" role="alert">
        {errorMessage(model.error)}{' '}
        <Anchor component={Link} to="/models">
          Back to Models
        </Anchor>
      </Alert>
    )
  const m = model.data
  const v = version.data
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/models">
          Models
        </Anchor>
        <Text>{org}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="start">
        <Stack gap={4}>
          <Title order={1}>{m ? m.name : <Skeleton h={32} w={240} />}</Title>
          <Group gap="xs">
            {v && (
              <>
                <Badge variant="light" color={statusColor[v.status]}>
                  {label(statusOptions, v.status)}
                </Badge>
                <Badge variant="outline" color={stageColor[v.stage]}>
                  {label(stageOptions, v.stage)}
                </Badge>
                {v.verdict !== 'none' && <VerdictBadge verdict={v.verdict} />}
              </>
            )}
            {m?.publicAccess && <Badge variant="default">Public Access</Badge>}
          </Group>
          {m && <AliasChips org={org} name={name} versions={(versions.data?.items ?? []).map((x) => x.version)} />}
        </Stack>
        <Group gap="xs">
          <NativeSelect
            label="Showing version"
            value={selected ?? ''}
            onChange={(e) => setParams({ version: e.currentTarget.value })}
            data={(versions.data?.items ?? []).map((x) => x.version)}
            w={160}
          />
          <Button
            component={Link}
            variant="default"
            mt="lg"
            disabled={(versions.data?.items.length ?? 0) < 2}
            to={`/models/${encodeURIComponent(org)}/${encodeURIComponent(name)}/compare?to=${encodeURIComponent(selected ?? '')}`}
          >
            Compare
          </Button>
          <Button variant="default" onClick={() => setDialog('edit')} disabled={!m || !v} mt="lg">
            Edit
          </Button>
          <Button onClick={() => setDialog('new-version')} disabled={!m} mt="lg">
            New Version
          </Button>
          <Button color="red" variant="light" onClick={() => setDialog('delete')} disabled={!m} mt="lg">
            Delete
          </Button>
          <Menu position="bottom-end">
            <Menu.Target>
              <ActionIcon variant="default" size="lg" aria-label="More actions" mt="lg">
                ⋯
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => setDialog('edit')}>Edit</Menu.Item>
              <Menu.Item onClick={() => setDialog('new-version')}>New Version</Menu.Item>
              <Menu.Item component="a" href={archiveUrl(org, name, selected ?? 'latest')}>
                Download version as zip
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" onClick={() => setDialog('delete')}>
                Delete
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>

      <ErrorAlert error={versions.error} title="The list of versions could not be loaded" />
      {version.isError ? (
        // A ?version= that names no version: say so, instead of a page of "—".
        <Alert
          color="red"
          title={missing ? `Version ${selected} does not exist` : 'This version cannot be shown'}
          role="alert"
        >
          {missing ? `${name} has no version ${selected}. ` : `${errorMessage(version.error)} `}
          <Anchor component={Link} to={`/models/${encodeURIComponent(org)}/${encodeURIComponent(name)}`}>
            Show the latest version
          </Anchor>
        </Alert>
      ) : (
        <>
          <Section title="Basic Information">
            <Fields
              items={[
                ['Model Name', m?.name],
                ['Version', v?.version],
                ['Description', v?.description],
                ['Versions', m?.versionCount],
              ]}
            />
          </Section>
          <Section title="Model Configuration">
            <Fields
              items={[
                ['Framework', m && label(frameworkOptions, m.framework, m.frameworkOther)],
                ['Task Type', m && label(taskTypeOptions, m.taskType, m.taskTypeOther)],
                ['Model Type', m && label(modelTypeOptions, m.modelType, m.modelTypeOther)],
                ['Status', v && label(statusOptions, v.status)],
              ]}
            />
          </Section>
          <Section title="Metadata">
            <Fields
              items={[
                ['Tags', v?.tags.join(', ')],
                ['Author', v?.author],
                ['License', v && label(licenseOptions, v.license, v.licenseOther)],
                ['Public Access', m ? (m.publicAccess ? 'Yes' : 'No') : undefined],
                ['Created by', m?.createdBy],
                ['Created', formatDate(m?.createdAt)],
                ['Updated', formatDate(v?.updatedAt)],
              ]}
            />
          </Section>
          {v && (
            <>
              <ArtifactsSection org={org} name={name} version={v} />
              <InspectionSection org={org} name={name} version={v} />
              <MetricsSection version={v} />
              <LifecycleSection org={org} name={name} version={v} />
              <DeploymentsSection org={org} name={name} version={v.version} />
              <LineageSection version={v} />
              <HuggingFaceSection org={org} name={name} version={v.version} />
              <KeyTagsSection org={org} name={name} version={v.version} />
              <MlflowSection org={org} name={name} version={v} />
              <ModelCard org={org} name={name} version={v.version} />
            </>
          )}
        </>
      )}
      {m && v && <EditModelModal opened={dialog === 'edit'} onClose={() => setDialog(null)} model={m} version={v} />}
      {m && (
        <NewVersionModal
          opened={dialog === 'new-version'}
          onClose={(created) => {
            setDialog(null)
            if (created) setParams({ version: created })
          }}
          model={m}
        />
      )}
      {m && <DeleteModelModal opened={dialog === 'delete'} onClose={() => setDialog(null)} model={m} />}
    </Stack>
  )
}
