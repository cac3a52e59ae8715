import { Alert, Button, Group, Modal, Stack } from '@mantine/core'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { useNavigate } from 'react-router'
import { ApiError, api, unwrap } from '../api/http'
import { useSession } from '../auth/session'
import { errorMessage, fieldErrors } from '../ui/errors'
import { ModelForm } from './ModelForm'
import { createBody, emptyModelForm, type ModelFormValues, validateModelForm } from './model-form'

type Errors = Partial<Record<keyof ModelFormValues, string>>

export function CreateModelModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { session } = useSession()
  const orgs = (session?.orgs ?? []).filter((o) => o.role !== 'viewer').map((o) => o.org)
  const [values, setValues] = useState(() => emptyModelForm(orgs.includes('default') ? 'default' : orgs[0]))
  const [errors, setErrors] = useState<Errors>({})
  const [touched, setTouched] = useState(false)
  const client = useQueryClient()
  const navigate = useNavigate()
  const create = useMutation({
    mutationFn: async (v: ModelFormValues) => unwrap(await api.POST('/api/v1/models', { body: createBody(v) })),
    onSuccess: async (m) => {
      await client.invalidateQueries({ queryKey: ['models'] })
      close()
      navigate(`/models/${encodeURIComponent(m.org)}/${encodeURIComponent(m.name)}`)
    },
    onError: (err) => {
      const byField = serverFieldErrors(err)
      if (Object.keys(byField).length) setErrors(byField)
    },
  })

  function close() {
    setValues(emptyModelForm(values.org))
    setErrors({})
    setTouched(false)
    create.reset()
    onClose()
  }

  function change(patch: Partial<ModelFormValues>) {
    const next = { ...values, ...patch }
    setValues(next)
    // After a first submit attempt, messages follow the typing.
    if (touched) setErrors(validateModelForm(next, 'create'))
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    setTouched(true)
    const found = validateModelForm(values, 'create')
    setErrors(found)
    if (Object.keys(found).length === 0) create.mutate(values)
  }

  const formError = create.error && Object.keys(serverFieldErrors(create.error)).length === 0 ? create.error : null
  return (
    <Modal opened={opened} onClose={close} title="Create Model" size="lg" centered>
      <form onSubmit={submit} noValidate aria-label="Create Model">
        <Stack>
          {formError && (
            <Alert color="red" role="alert">
              {errorMessage(formError)}
            </Alert>
          )}
          <ModelForm mode="create" values={values} errors={errors} onChange={change} orgs={orgs} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create Model
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/** Server messages placed at their fields: validation details, or a name clash at Model Name. */
export function serverFieldErrors(err: unknown): Errors {
  const out: Errors = {}
  for (const [field, message] of Object.entries(fieldErrors(err))) {
    const key = field.split('.')[0] as keyof ModelFormValues
    out[key] = message
  }
  if (err instanceof ApiError && err.code === 'ALREADY_EXISTS') out.name = err.message
  return out
}
