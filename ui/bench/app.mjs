// The app benchmark (scripts/bench-app runs it): the UI bundle against a baseline build of another
// commit's ui/ and a fixed budget, then the time from launching the real debug app to its first usable
// screen (the registry list showing rows) on a store of 10,000 elders and, side by side in alternating
// order, on a baseline store of 100. Prints a Markdown table and writes it to --out.
//
//   node ui/bench/app.mjs --bin target/debug/shouwang-app --db big.sqlite --base-db small.sqlite \
//     [--elders 10000] [--base-elders 100] [--runs 5] [--base REF|none] [--budget-kb 500] [--out FILE]
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { baselineRef, buildAt, bundleFigures, fetchedFigures } from './bundle.mjs'
import { launchOnce, serveDist, startXvfb } from './launch.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const { values: opt } = parseArgs({
  options: {
    bin: { type: 'string' },
    db: { type: 'string' },
    'base-db': { type: 'string' },
    elders: { type: 'string', default: '10000' },
    'base-elders': { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
    base: { type: 'string', default: 'auto' },
    'budget-kb': { type: 'string', default: '500' },
    out: { type: 'string' },
    port: { type: 'string', default: '4460' },
  },
})
for (const need of ['bin', 'db', 'base-db']) if (!opt[need]) throw new Error(`--${need} is required`)
const runs = Number(opt.runs)
const bin = resolve(opt.bin)
if (!existsSync(bin)) throw new Error(`no app binary at ${bin}: cargo build --workspace --bins --tests`)
const budget = Number(opt['budget-kb']) * 1000

const kb = (n) => `${(n / 1000).toFixed(1)} KB`
const ms = (n) => `${Math.round(n)} ms`
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–')
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const spread = (xs) => `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`
const thousands = (n) => Number(n).toLocaleString('en-US')

// ---- bundle
const dist = join(root, 'ui/dist')
const now = bundleFigures(dist)
let base = null
let baseLabel = 'none'
if (opt.base !== 'none') {
  const ref = opt.base === 'auto' ? baselineRef(root) : opt.base
  process.stderr.write(`building the baseline UI of ${ref}\n`)
  const built = buildAt(root, ref)
  try {
    base = bundleFigures(built.dist)
    baseLabel = `${ref}'s ui/`
  } finally {
    built.cleanup()
  }
}

// ---- launches
/** A private copy of a prepared store (its -wal/-shm too) so that every launch starts from the same file. */
function copyStore(db, into) {
  const dir = dirname(resolve(db))
  const name = basename(db)
  for (const file of readdirSync(dir)) {
    if (file === name || file.startsWith(`${name}-`)) copyFileSync(join(dir, file), join(into, file))
  }
  return join(into, name)
}

const server = await serveDist(dist, 5173)
const x = await startXvfb()
const port = Number(opt.port)
const results = { big: [], small: [] }
try {
  const one = async (which) => {
    const dir = mkdtempSync(join(tmpdir(), 'shouwang-bench-app-'))
    try {
      const db = copyStore(which === 'big' ? opt.db : opt['base-db'], dir)
      return await launchOnce({ bin, db, display: x.display, port, server })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  process.stderr.write('warm-up launch (not counted)\n')
  await one('small')
  for (let i = 0; i < runs; i++) {
    // Alternate which store goes first so that a slow spell of the machine hits both.
    for (const which of i % 2 ? ['small', 'big'] : ['big', 'small']) {
      const r = await one(which)
      results[which].push(r)
      process.stderr.write(`run ${i + 1}/${runs} ${which}: first rows ${ms(r.firstScreen)}, list_elders ${ms(median(r.listTimes))} (${r.listRows} rows)\n`)
    }
  }
} finally {
  await x.stop()
  await server.close()
}

// ---- table
const big = results.big
const small = results.small
const col = (list, f) => list.map(f)
const fetched = fetchedFigures(now, big[0].fetched)
const baseCell = (f) => (base ? f(base) : '–')
const baseRatio = (f) => (base ? ratio(f(now), f(base)) : '–')
const head = `${thousands(opt.elders)} elders`
const baseHead = `${thousands(opt['base-elders'])} elders (baseline)`
const lines = [
  `UI bundle (\`ui/dist\` of \`npm run build\`; gzip at level 6; baseline: ${baseLabel} built with the same vite):`,
  '',
  `| bundle | this build | baseline (${baseLabel}) | ratio |`,
  '|---|---:|---:|---:|',
  `| all of dist/ | ${kb(now.total)} | ${baseCell((b) => kb(b.total))} | ${baseRatio((b) => b.total)} |`,
  `| JavaScript, gzip (${now.js.count} files) | ${kb(now.js.gzip)} | ${baseCell((b) => kb(b.js.gzip))} | ${baseRatio((b) => b.js.gzip)} |`,
  `| CSS, gzip (${now.css.count} files) | ${kb(now.css.gzip)} | ${baseCell((b) => kb(b.css.gzip))} | ${baseRatio((b) => b.css.gzip)} |`,
  `| largest chunk, gzip (\`${now.largest.file.replace(/-[\w-]{8}\./, '.')}\`, ${kb(now.largest.bytes)}) | ${kb(now.largest.gzip)} | ${baseCell((b) => kb(b.largest.gzip))} | ${baseRatio((b) => b.largest.gzip)} |`,
  `| initial chunks, gzip (index.html's ${now.initial.files.length} files, ${kb(now.initial.bytes)}) | ${kb(now.initial.gzip)} | ${baseCell((b) => kb(b.initial.gzip))} | ${baseRatio((b) => b.initial.gzip)} |`,
  `| initial chunks against the budget | ${kb(now.initial.gzip)} | budget ${kb(budget)} | ${ratio(now.initial.gzip, budget)} |`,
  `| everything fetched before the first screen, gzip (${fetched.files.length} JS/CSS files, ${kb(fetched.bytes)}) | ${kb(fetched.gzip)} | budget ${kb(budget)} | ${ratio(fetched.gzip, budget)} |`,
  '',
  `Launch of the debug app (\`shouwang-app\`, tauri/test feature) under Xvfb through tauri-driver and WebKitWebDriver, ${runs} runs of each store alternating after one warm-up; median (min–max):`,
  '',
  `| launch | ${head} | ${baseHead} | ratio of medians |`,
  '|---|---:|---:|---:|',
  `| launch → registry list shows its first rows (two frames painted) | ${spread(col(big, (r) => r.firstScreen))} | ${spread(col(small, (r) => r.firstScreen))} | ${ratio(median(col(big, (r) => r.firstScreen)), median(col(small, (r) => r.firstScreen)))} |`,
  `| … launch → the page starts loading | ${spread(col(big, (r) => r.toPage))} | ${spread(col(small, (r) => r.toPage))} | ${ratio(median(col(big, (r) => r.toPage)), median(col(small, (r) => r.toPage)))} |`,
  `| … page → first rows | ${spread(col(big, (r) => r.pageToRows))} | ${spread(col(small, (r) => r.pageToRows))} | ${ratio(median(col(big, (r) => r.pageToRows)), median(col(small, (r) => r.pageToRows)))} |`,
  `| \`list_elders\` called from the page (query, serialisation, IPC; median of 5 calls a run) | ${spread(col(big, (r) => median(r.listTimes)))} | ${spread(col(small, (r) => median(r.listTimes)))} | ${ratio(median(col(big, (r) => median(r.listTimes))), median(col(small, (r) => median(r.listTimes))))} |`,
  `| rows the list returns / rows in the page at first paint | ${thousands(big[0].listRows)} / ${thousands(big[0].rowsInDom)} | ${thousands(small[0].listRows)} / ${thousands(small[0].rowsInDom)} | |`,
  '',
]
const table = lines.join('\n')
process.stdout.write(`${table}\n`)
if (opt.out) {
  writeFileSync(opt.out, `# App benchmark (${new Date().toISOString().slice(0, 16)}Z)\n\n${table}\n`)
  process.stderr.write(`written to ${opt.out}\n`)
}
