// URL paths of the routes the typed client cannot reach (the artifact path is a wildcard tail).

const seg = encodeURIComponent

export function versionPath(org: string, name: string, version: string): string {
  return `/api/v1/models/${seg(org)}/${seg(name)}/versions/${seg(version)}`
}

/** An artifact's URL: each folder of its path encoded on its own, "/" kept between them. */
export function artifactPath(org: string, name: string, version: string, path: string): string {
  return `${versionPath(org, name, version)}/artifacts/${path.split('/').map(seg).join('/')}`
}

export function uploadPartPath(id: string, part: number): string {
  return `/api/v1/uploads/${seg(id)}/parts/${part}`
}
