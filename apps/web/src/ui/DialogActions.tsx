import { Button, Group } from '@mantine/core'

interface Props {
  onCancel(): void
  /** The confirming button's name, e.g. "Create Model". */
  label: string
  loading?: boolean
  disabled?: boolean
  color?: string
  /** Without it the button submits the dialog's form. */
  onConfirm?(): void
}

/** The footer every dialog has: Cancel, then the action. */
export function DialogActions({ onCancel, label, loading, disabled, color, onConfirm }: Props) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button
        type={onConfirm ? 'button' : 'submit'}
        onClick={onConfirm}
        loading={loading}
        disabled={disabled}
        color={color}
      >
        {label}
      </Button>
    </Group>
  )
}
