// Placeholder page until the web UI issue: shows that the API answers.
const count = document.getElementById('count')
fetch('/api/v1/models?limit=500')
  .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
  .then((page) => {
    count.textContent = `${page.items.length}${page.nextCursor ? '+' : ''}`
  })
  .catch((err) => {
    count.textContent = `unavailable (${err.message})`
  })
