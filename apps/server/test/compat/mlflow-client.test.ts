// MLflow 2.12's own Python client against a listening registry: log a run with params, metrics and a model folder,
// register it, alias it, move it to Production, search, download through every models:/ form and compare bytes,
// rename, delete; its errors; and a private model that another organisation's token cannot see.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InspectionWork } from '../../src/services/inspection.service.js'
import { runPython } from '../helpers/python-clients.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import { getJson, send, type TestApp, versionPath } from '../routes/route-kit.js'

/** The ports this suite listens on (the MLflow work's range, 4841-4849), one per dialect. */
const PORTS = { sqlite: 4841, postgres: 4842 } as const

const JOURNEY = String.raw`
import filecmp, json, os, tempfile
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

mlflow.set_tracking_uri(os.environ["URI"])
name = os.environ["NAME"]
out = {}
work = tempfile.mkdtemp()
model_dir = os.path.join(work, "model")
os.makedirs(os.path.join(model_dir, "data"))
with open(os.path.join(model_dir, "MLmodel"), "w") as f:
    f.write("flavors:\n  python_function:\n    loader_module: none\n")
with open(os.path.join(model_dir, "data", "weights.bin"), "wb") as f:
    f.write(os.urandom(300_000))

with mlflow.start_run(run_name="journey") as run:
    mlflow.log_params({"lr": 0.01, "epochs": 3})
    mlflow.log_metrics({"accuracy": 0.5}, step=0)
    mlflow.log_metrics({"accuracy": 0.91, "loss": 0.2}, step=1)
    mlflow.log_artifacts(model_dir, artifact_path="model")
run_id = run.info.run_id
out["run_id"] = run_id
got = mlflow.get_run(run_id)
out["params"] = got.data.params
out["metrics"] = got.data.metrics
out["status"] = got.info.status

mv = mlflow.register_model(f"runs:/{run_id}/model", name)
out["v1"] = mv.version
c = MlflowClient()
c.set_registered_model_alias(name, "champion", mv.version)
c.set_registered_model_tag(name, "team", "vision")
c.transition_model_version_stage(name, mv.version, "Production", archive_existing_versions=True)
mv2 = mlflow.register_model(f"runs:/{run_id}/model", name)
out["v2"] = mv2.version
c.transition_model_version_stage(name, mv2.version, "Production", archive_existing_versions=True)
out["v1_stage"] = c.get_model_version(name, "1").current_stage
out["v2_stage"] = c.get_model_version(name, "2").current_stage
out["champion"] = c.get_model_version_by_alias(name, "champion").version
exp_id = run.info.experiment_id
out["runs_found"] = [
    r.info.run_id
    for r in c.search_runs([exp_id], filter_string="metrics.accuracy > 0.9 and params.lr = '0.01' and attributes.status = 'FINISHED'")
]
out["runs_missed"] = [r.info.run_id for r in c.search_runs([exp_id], filter_string="metrics.loss > 0.5")]
out["history"] = [[m.step, m.value] for m in c.get_metric_history(run_id, "accuracy")]
out["experiments"] = [e.name for e in c.search_experiments(filter_string="name LIKE 'Defa%'")]
out["like"] = [m.name for m in c.search_registered_models(filter_string=f"name LIKE '{name[:8]}%'")]
out["by_tag"] = [m.name for m in c.search_registered_models(filter_string="tags.team = 'vision'")]
out["versions"] = sorted(v.version for v in c.search_model_versions(f"name = '{name}'"))

same = {}
for uri in [f"models:/{name}@champion", f"models:/{name}/Production", f"models:/{name}/1", f"models:/{name}/latest"]:
    dst = mlflow.artifacts.download_artifacts(uri, dst_path=tempfile.mkdtemp())
    same[uri] = all(
        filecmp.cmp(os.path.join(model_dir, p), os.path.join(dst, p), shallow=False)
        for p in ["MLmodel", os.path.join("data", "weights.bin")]
    )
out["same"] = same

def code_of(fn):
    try:
        fn()
        return None
    except MlflowException as e:
        return e.error_code

out["errors"] = {
    "missing": code_of(lambda: c.get_registered_model(name + "-missing")),
    "exists": code_of(lambda: c.create_registered_model(name)),
    "filter": code_of(lambda: c.search_registered_models(filter_string="name = 'a' OR name = 'b'")),
    "run_filter": code_of(lambda: c.search_runs([exp_id], filter_string="metrics.accuracy > 'high'")),
    "stage": code_of(lambda: c.transition_model_version_stage(name, "1", "Shipped")),
    "version": code_of(lambda: c.get_model_version(name, "99")),
    "alias": code_of(lambda: c.set_registered_model_alias(name, "latest", "1")),
}
renamed = name + "-renamed"
c.rename_registered_model(name, renamed)
out["renamed"] = c.get_registered_model(renamed).name
c.delete_model_version(renamed, "1")
out["after_delete"] = sorted(v.version for v in c.search_model_versions(f"name = '{renamed}'"))
c.create_registered_model(name + "-private")
print(json.dumps(out))
`

const OUTSIDER = `
import json, os
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
out = {}
for uri in [os.environ["URI"], os.environ["URI"] + "/mlflow/default"]:
    c = MlflowClient(tracking_uri=uri, registry_uri=uri)
    try:
        c.get_registered_model(os.environ["NAME"])
        out[uri] = "visible"
    except MlflowException as e:
        out[uri] = e.error_code
    out[uri + " search"] = [m.name for m in c.search_registered_models(filter_string=f"name = '{os.environ['NAME']}'")]
print(json.dumps(out))
`

describe.each(dialects)('MLflow 2.12 client against the registry on %s', (dialect) => {
  let t: TestApp
  let uri: string
  let adminToken: string
  let work: InspectionWork | undefined
  let outsiderToken: string
  beforeAll(async () => {
    // As a server runs: files are inspected by a loop, and a transition to Production waits for their verdicts.
    t = await openTestApp(dialect, { inspectionGateWaitMs: 60_000 })
    work = t.services.inspections.startWorking({ holder: 'mlflow-test', everyMs: 200 })
    adminToken = (await t.services.auth.createToken(t.admin, { name: 'mlflow', scope: 'write' })).token
    expect((await send(t, 'POST', '/api/v1/orgs', { name: 'elsewhere' })).statusCode).toBe(201)
    await send(t, 'POST', '/api/v1/users', { username: 'olga', password: 'olga-password' })
    await t.app.inject({ method: 'PUT', url: '/api/v1/orgs/elsewhere/members/olga', payload: { role: 'admin' } })
    const olga = await t.store.pool.users.findByUsername('olga')
    outsiderToken = (
      await t.services.auth.createToken(
        { ...t.admin, userId: olga?.id ?? '', username: 'olga', siteAdmin: false },
        {
          name: 'mlflow',
        },
      )
    ).token
    await t.app.listen({ port: PORTS[dialect], host: '127.0.0.1' })
    uri = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await work?.stop()
    await t?.close()
  })

  it('logs, registers, aliases, promotes, searches, downloads byte for byte, renames and deletes', async () => {
    const name = `journey${dialect}${Date.now().toString(36)}`
    const stdout = await runPython(JOURNEY, {
      clients: ['mlflow-2.12'],
      // Basic auth with the token as the password, as MLFLOW_TRACKING_USERNAME/PASSWORD send it.
      env: { URI: uri, NAME: name, MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: adminToken },
      timeoutMs: 240_000,
    })
    const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
    expect(out).toMatchObject({
      params: { lr: '0.01', epochs: '3' },
      metrics: { accuracy: 0.91, loss: 0.2 },
      status: 'FINISHED',
      v1: '1',
      v2: '2',
      v1_stage: 'Archived',
      v2_stage: 'Production',
      champion: '1',
      runs_missed: [],
      history: [
        [0, 0.5],
        [1, 0.91],
      ],
      experiments: ['Default'],
      like: [name],
      by_tag: [name],
      versions: ['1', '2'],
      errors: {
        missing: 'RESOURCE_DOES_NOT_EXIST',
        exists: 'RESOURCE_ALREADY_EXISTS',
        filter: 'INVALID_PARAMETER_VALUE',
        run_filter: 'INVALID_PARAMETER_VALUE',
        stage: 'INVALID_PARAMETER_VALUE',
        version: 'RESOURCE_DOES_NOT_EXIST',
        alias: 'INVALID_PARAMETER_VALUE',
      },
      renamed: `${name}-renamed`,
      after_delete: ['2'],
    })
    expect(Object.values(out.same)).toEqual([true, true, true, true])
    expect(out.runs_found).toEqual([out.run_id])
    // The native API shows the same model: 1.1.0 in Production, files relative to the run's folder, the run's
    // final metrics, a link naming the run, and the run in the tracking store.
    const renamed = `${name}-renamed`
    const version = await getJson(t, versionPath(renamed, '1.1.0'))
    expect(version).toMatchObject({ stage: 'production', metrics: { accuracy: 0.91, loss: 0.2 } })
    expect(version.source.runUrl).toContain(out.run_id)
    const files = await getJson(t, `${versionPath(renamed, '1.1.0')}/artifacts`)
    expect(files.items.map((f: { path: string }) => f.path)).toEqual(['MLmodel', 'data/weights.bin'])
    const history = await getJson(t, `${versionPath(renamed, '1.1.0')}/stages`)
    expect(history.items.map((h: { to: string }) => h.to)).toContain('production')

    // Another organisation's token sees nothing of the private model, at either tracking URI.
    const outsider = JSON.parse(
      (
        await runPython(OUTSIDER, {
          clients: ['mlflow-2.12'],
          env: { URI: uri, NAME: `${name}-private`, MLFLOW_TRACKING_TOKEN: outsiderToken },
        })
      )
        .trim()
        .split('\n')
        .pop() ?? '{}',
    )
    expect(outsider).toEqual({
      [uri]: 'RESOURCE_DOES_NOT_EXIST',
      [`${uri} search`]: [],
      [`${uri}/mlflow/default`]: 'RESOURCE_DOES_NOT_EXIST',
      [`${uri}/mlflow/default search`]: [],
    })
  }, 300_000)
})
