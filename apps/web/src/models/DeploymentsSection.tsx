import { Button, Skeleton, Text } from '@mantine/core'
import { useState } from 'react'
import { DeploymentTable } from '../deployments/DeploymentTable'
import { useDeployments } from '../deployments/deployments.queries'
import { StartDeploymentModal } from '../deployments/StartDeploymentModal'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Section } from '../ui/Section'

export function DeploymentsSection({ org, name, version }: { org: string; name: string; version: string }) {
  const model = `${org}/${name}`
  const deployments = useDeployments({ model, limit: 50 })
  const [open, setOpen] = useState(false)
  const items = deployments.data?.items
  return (
    <Section
      title="Deployments"
      actions={
        <Button size="xs" variant="default" onClick={() => setOpen(true)}>
          Start deployment
        </Button>
      }
    >
      {deployments.isError ? (
        <ErrorAlert error={deployments.error} />
      ) : !items ? (
        <Skeleton h={40} />
      ) : items.length === 0 ? (
        <Text c="dimmed">
          This model has never been deployed. Start a deployment to record where version {version} runs.
        </Text>
      ) : (
        <DeploymentTable items={items} showModel={false} />
      )}
      <StartDeploymentModal model={model} version={version} opened={open} onClose={() => setOpen(false)} />
    </Section>
  )
}
