import { Modal, Stack } from '@mantine/core'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { useNavigate } from 'react-router'
import { useSession } from '../auth/session'
import { DialogActions } from '../ui/DialogActions'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formLevelError, serverFieldErrors } from './form-errors'
import { ModelForm } from './ModelForm'
import { createBody, emptyModelForm, type ModelFormValues, validateModelForm } from './model-form'
import { useCreateModel } from './models.queries'

type Errors = Partial<Record<keyof ModelFormValues, string>>

export function CreateModelModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { session } = useSession()
  const orgs = (session?.orgs ?? []).filter((o) => o.role !== 'viewer').map((o) => o.org)
  const [values, setValues] = useState(() => emptyModelForm(orgs.includes('default') ? 'default' : orgs[0]))
  const [errors, setErrors] = useState<Errors>({})
  const [touched, setTouched] = useState(false)
  // Bumped when a submit finds errors (here or from the server): the first invalid field is then scrolled to and
  // focused, so the message is seen and the fix typed at once, even when the field is scrolled out of view.
  const [errorRound, setErrorRound] = useState(0)
  const formRef = useRef<HTMLFormElement>(null)
  useEffect(() => {
    if (errorRound === 0) return
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')
    if (!first) return
    first.scrollIntoView?.({ block: 'center' })
    first.focus({ preventScroll: true })
  }, [errorRound])
  const navigate = useNavigate()
  const create = useCreateModel({
    onSuccess: (m) => {
      close()
      navigate(`/models/${encodeURIComponent(m.org)}/${encodeURIComponent(m.name)}`)
    },
    onError: (err) => {
      const byField = serverFieldErrors(err)
      if (Object.keys(byField).length) {
        setErrors(byField)
        setErrorRound((n) => n + 1)
      }
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
    if (Object.keys(found).length === 0) create.mutate(createBody(values))
    else setErrorRound((n) => n + 1)
  }

  return (
    <Modal opened={opened} onClose={close} title="Create Model" size="lg" centered>
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Create Model">
        <Stack>
          <ErrorAlert error={formLevelError(create.error)} />
          <ModelForm mode="create" values={values} errors={errors} onChange={change} orgs={orgs} />
          <DialogActions onCancel={close} label="Create Model" loading={create.isPending} />
        </Stack>
      </form>
    </Modal>
  )
}
