// What the safety gate answered when a version was refused Production or a deployment (docs/inspection.md, "The
// gate"): the findings of a dangerous version or the files still being inspected; an organisation admin may give a
// reason to override, anyone else is told why and who can.
import { Alert, List, Stack, Text, Textarea } from '@mantine/core'
import { ApiError } from '../api/http'

export interface Refusal {
  code: 'UNSAFE_ARTIFACT' | 'INSPECTION_PENDING'
  message: string
  findings: { path: string; code: string; detail: string }[]
  pending: string[]
}

/** The gate's refusal in `error`, if that is what it is. */
export function gateRefusal(error: unknown): Refusal | undefined {
  if (!(error instanceof ApiError)) return undefined
  if (error.code !== 'UNSAFE_ARTIFACT' && error.code !== 'INSPECTION_PENDING') return undefined
  const details = (error.details ?? {}) as { findings?: Refusal['findings']; pending?: string[] }
  return {
    code: error.code,
    message: error.message,
    findings: Array.isArray(details.findings) ? details.findings : [],
    pending: Array.isArray(details.pending) ? details.pending : [],
  }
}

interface Props {
  refusal: Refusal
  /** The signed-in user is an admin of the model's organisation (or a site admin). */
  canOverride: boolean
  reason: string
  onReasonChange(reason: string): void
}

export function GateRefusal({ refusal, canOverride, reason, onReasonChange }: Props) {
  const dangerous = refusal.code === 'UNSAFE_ARTIFACT'
  return (
    <Stack gap="xs">
      <Alert
        color={dangerous ? 'red' : 'yellow'}
        role="alert"
        title={dangerous ? 'Refused: files that can run code when loaded' : 'Refused: inspection not finished'}
      >
        <Text size="sm">{refusal.message}</Text>
        {dangerous ? (
          <List size="sm" mt="xs" aria-label="Findings">
            {refusal.findings.map((f) => (
              <List.Item key={`${f.path}:${f.code}:${f.detail}`}>
                <Text span ff="monospace" size="sm">
                  {f.path}
                </Text>
                : {f.detail} ({f.code})
              </List.Item>
            ))}
          </List>
        ) : (
          <List size="sm" mt="xs" aria-label="Files not inspected yet">
            {refusal.pending.map((p) => (
              <List.Item key={p}>
                <Text span ff="monospace" size="sm">
                  {p}
                </Text>
              </List.Item>
            ))}
          </List>
        )}
        {!canOverride && (
          <Text size="sm" mt="xs">
            {dangerous
              ? 'Only an organisation admin can override this, with a reason that is kept in the stage history and the audit log.'
              : 'Try again in a few seconds, or ask an organisation admin to override with a reason.'}
          </Text>
        )}
      </Alert>
      {canOverride && (
        <Textarea
          label="Reason to override"
          description="As an organisation admin you may let it through anyway; the reason is kept in the stage history and the audit log"
          required
          value={reason}
          onChange={(e) => onReasonChange(e.currentTarget.value)}
        />
      )}
    </Stack>
  )
}
