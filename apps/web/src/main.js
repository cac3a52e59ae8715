// Placeholder page until the web UI issue: says who is signed in (the API needs a session or a token).
const who = document.getElementById('who')
fetch('/api/v1/auth/session')
  .then((res) =>
    res.ok ? res.json() : Promise.reject(new Error(res.status === 401 ? 'not signed in' : `HTTP ${res.status}`)),
  )
  .then((session) => {
    who.textContent = `signed in as ${session.username}`
  })
  .catch((err) => {
    who.textContent = err.message
  })
