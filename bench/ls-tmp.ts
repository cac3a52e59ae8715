import { listSearchBench } from './list-search.bench.js'
const s = await listSearchBench()
console.log(s.markdown)
