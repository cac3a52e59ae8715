import { Alert, type MantineSpacing } from '@mantine/core'
import { errorMessage } from './errors'

/** A failure said in words a person can act on; nothing when there is no error. */
export function ErrorAlert({ error, title, mt }: { error: unknown; title?: string; mt?: MantineSpacing }) {
  if (!error) return null
  return (
    <Alert color="red" role="alert" title={title} mt={mt}>
      {errorMessage(error)}
    </Alert>
  )
}
