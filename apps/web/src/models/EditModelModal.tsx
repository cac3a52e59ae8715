import { Modal, Stack, Text } from '@mantine/core'
import type { Model, Version } from '@modelreg/contract'
import { type FormEvent, useState } from 'react'
import { DialogActions } from '../ui/DialogActions'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formLevelError, serverFieldErrors } from './form-errors'
import { ModelForm } from './ModelForm'
import { editBodies, formFromModel, type ModelFormValues, validateModelForm } from './model-form'
import { useUpdateModel } from './models.queries'

interface Props {
  model: Model
  version: Version
  opened: boolean
  onClose(): void
}

export function EditModelModal(props: Props) {
  // Remounted on every open, so the form starts from what the server has now.
  return props.opened ? <EditModelForm {...props} /> : null
}

function EditModelForm({ model, version, opened, onClose }: Props) {
  const [initial] = useState(() => formFromModel(model, version))
  const [values, setValues] = useState(initial)
  const [errors, setErrors] = useState<Partial<Record<keyof ModelFormValues, string>>>({})
  const update = useUpdateModel(model.org, model.name, version.version, {
    onSuccess: onClose,
    onError: (err) => setErrors(serverFieldErrors(err)),
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const found = validateModelForm(values, 'edit')
    setErrors(found)
    if (Object.keys(found).length === 0) update.mutate(editBodies(initial, values))
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Edit Model" size="lg" centered>
      <form onSubmit={submit} noValidate aria-label="Edit Model">
        <Stack>
          <Text size="sm" c="dimmed">
            Model Name, Version and Framework cannot be changed: create a New Version instead. Changes apply to version{' '}
            {version.version}.
          </Text>
          <ErrorAlert error={formLevelError(update.error)} />
          <ModelForm mode="edit" values={values} errors={errors} onChange={(p) => setValues({ ...values, ...p })} />
          <DialogActions onCancel={onClose} label="Update Model" loading={update.isPending} />
        </Stack>
      </form>
    </Modal>
  )
}
