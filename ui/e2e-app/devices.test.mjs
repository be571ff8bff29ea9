// Every role's main story on the real app with a real relay process (see driver.mjs), in order:
// (a) a helper's tablet, enrolled for one helper, logs a visit while the relay is down, sees it
//     pending, syncs when the relay is back, and the committee's device shows the visit;
// (b) the committee issues a family code for an elder on 设备登记; a phone enrolled by pasting the QR
//     text shows that elder's card — visited this month — and nothing else;
// (c) the app is killed (SIGKILL) mid-visit with two checks ticked; started again on the same database,
//     the draft comes back with them.
// The village is made with the `shouwang` CLI on the office's database, which the committee's app then
// opens: the CLI and the app share the store.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, PIN, RelayProcess, cliBin, root, run, serveDist, sleep, startDisplay, stopAll } from './driver.mjs'

const VILLAGE = '511902106202'
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const withCheckDigit = (first17) => first17 + '10X98765432'[WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0) % 11]

let dir
let ui
let display
let relay
const db = {}
const ids = {}

async function shouwang(database, args, input) {
  // The office's registry is encrypted at rest under the same PIN the app is unlocked with.
  const out = await run(cliBin, ['--db', database, '--json', ...args], { input, env: { SHOUWANG_PASSPHRASE: PIN } })
  return out.trim() ? JSON.parse(out) : null
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shouwang-e2e-devices-'))
  for (const name of ['office', 'helper', 'family']) db[name] = join(dir, `${name}.sqlite`)
  ui = await serveDist(5173)
  display = await startDisplay()
  relay = await RelayProcess.create(join(dir, 'relay'))
  await relay.start()

  // The office: the village, two elders, a helper with one of them, enrolled as the committee.
  await shouwang(db.office, ['init', '--profile', 'sichuan', '--unit', VILLAGE, '--name', '斑竹村'])
  const zhao = { unit: VILLAGE, name: '赵桂芳', sex: 'female', birth_date: '1948-05-12', id_number: '511902194805120028', address: '斑竹村3组12号' }
  const wang = { unit: VILLAGE, name: '王德明', sex: 'male', birth_date: '1940-03-07', id_number: withCheckDigit('51190219400307001'), address: '斑竹村1组4号' }
  ids.zhao = (await shouwang(db.office, ['elder', 'add'], JSON.stringify(zhao))).id
  ids.wang = (await shouwang(db.office, ['elder', 'add'], JSON.stringify(wang))).id
  ids.chen = (await shouwang(db.office, ['helper', 'add', '--name', '陈桂兰', '--phone', '13812345678'])).id
  await shouwang(db.office, ['assign', ids.zhao, ids.chen])
  await shouwang(db.office, ['enroll', '--relay', relay.url, '--code', await relay.code('committee', VILLAGE), '--name', 'office'])
  await shouwang(db.office, ['sync'])
})

after(async () => {
  await stopAll()
  ui?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Enrols a fresh device on the first-run screen with `code` (a bare code or the QR text). */
async function enrolOnFirstRun(app, code, name, relayUrl = '') {
  await app.find('[data-test="first-run"]', 60000)
  await app.click('[data-test="first-run"] .van-tab:nth-child(2)')
  const form = '[data-test="enrol-form"]'
  if (relayUrl) await app.type(`${form} input[name="relay"]`, relayUrl)
  await app.type(`${form} input[name="code"]`, code)
  await app.type(`${form} input[name="unit"]`, VILLAGE)
  await app.type(`${form} input[name="device_name"]`, name)
  await app.choosePin(form)
  await app.click(`${form} button[type="submit"]`)
}

/** Waits until the sync indicator says everything is sent and received. */
async function synced(app, timeout = 30000) {
  await app.waitText('[data-test="pending"]', /已全部同步/, timeout)
}

/** Loads the page at `route` again and again until `css` appears (a screen reads once, when shown,
 * and the first sync after enrolment may still be running). */
async function until(app, route, css, timeout = 30000) {
  const end = Date.now() + timeout
  for (;;) {
    await app.go(route)
    try {
      return await app.find(css, 2500)
    } catch (e) {
      if (Date.now() > end) throw e
    }
  }
}

async function screenshot(app, name) {
  const png = await app.wd('GET', app.s('/screenshot'))
  await mkdir(join(root, 'docs/screenshots'), { recursive: true })
  await writeFile(join(root, `docs/screenshots/devices-app-${name}-1280x800.png`), Buffer.from(png, 'base64'))
}

test('(a) a helper logs a visit with the relay down; it syncs when the relay is back and the committee sees it', async () => {
  const helperCode = await relay.code('helper', VILLAGE, { helper: ids.chen })
  // The tablet's keys come from the committee's store, in the QR text beside the relay's code.
  const { bundle } = await shouwang(db.office, ['keys', 'bundle', '--role', 'helper', '--helper', ids.chen, '--label', '陈桂兰的平板'])
  const tablet = await App.launch({ db: db.helper, display })
  await tablet.explain(async () => {
    await enrolOnFirstRun(tablet, `shouwang://enrol?relay=${relay.url}&code=${helperCode}&keys=${bundle}`, '陈桂兰的平板', relay.url)
    await tablet.waitText('[data-test="role"]', /互助员/, 30000)
    await synced(tablet)
    // The tablet is 陈桂兰's: her elder only, not the village's other elder.
    await until(tablet, '/mine', '[data-test="schedule"] [data-test="due-row"]')
    const mine = await tablet.textOf('[data-test="schedule"]')
    assert.match(mine, /赵桂芳/)
    assert.doesNotMatch(mine, /王德明/, 'another helper\'s (or nobody\'s) elder is not on her list')

    await relay.stop()
    await tablet.click('[data-test="schedule"] [data-test="log"]')
    await tablet.find('[data-test="visit-form"]')
    await tablet.click('[data-test="service-patrol"]')
    await tablet.click('[data-test="save-visit"]')
    await tablet.find('[data-test="mine"]')
    await tablet.waitText('[data-test="pending"]', /待同步 [1-9]\d* 条/, 30000)

    await relay.start()
    await tablet.click('[data-test="sync"]')
    await synced(tablet, 60000)
  })
  await tablet.close()

  const office = await App.launch({ db: db.office, display })
  await office.explain(async () => {
    await office.unlock()
    await office.waitText('[data-test="role"]', /村委会/, 60000)
    await until(office, `/elder/${ids.zhao}`, '[data-test="history-row"]', 60000)
    await office.waitText('[data-test="record"] h2', /赵桂芳/)
    assert.equal(await office.execute('return document.querySelectorAll("[data-test=history-row]").length'), 1)
  })
  await office.close()
})

test('(b) the committee issues a family code; the family phone shows that elder\'s card and nothing else', async () => {
  const office = await App.launch({ db: db.office, display })
  let payload
  await office.explain(async () => {
    await office.unlock()
    await office.waitText('[data-test="role"]', /村委会/, 60000)
    await office.go('/enrol')
    await office.find('[data-test="issue"]')
    await office.click('[data-test="kind-family"]')
    await office.click(`[data-test="pick-${ids.zhao}"]`)
    await office.click('[data-test="issue-code"]')
    const code = await office.waitText('[data-test="issued-code"]', /\S{6,}/)
    await office.waitText('[data-test="issued-expires"]', /有效期至/)
    assert.ok(await office.exists('[data-test="qr"] svg path'), 'the QR code is drawn')
    payload = await office.execute('return document.querySelector(\'[data-test="issued-payload"] textarea\').value')
    assert.ok(payload.startsWith(`shouwang://enrol?relay=${relay.url}&code=${code}&keys=SWK1.`), `the QR text carries the key bundle: ${payload}`)
    await screenshot(office, 'issue')
  })
  await office.close()

  const phone = await App.launch({ db: db.family, display })
  await phone.explain(async () => {
    // The QR text pasted into the code field: the relay's address comes with it.
    await enrolOnFirstRun(phone, payload, '赵桂芳家属的手机')
    await phone.waitText('[data-test="role"]', /家属/, 30000)
    await until(phone, '/card', '[data-test="visited"]', 60000)
    await phone.waitText('[data-test="card"]', /赵桂芳/)
    await phone.waitText('[data-test="visited"]', /本月已探访（\d{4}-\d{2}-\d{2}）/)
    const page = await phone.pageText()
    assert.doesNotMatch(page, /王德明/, 'no other elder anywhere on the phone')
    assert.doesNotMatch(page, /511902194805120028/, 'no ID number')
    assert.equal(await phone.exists('[data-test="tab-registry"]'), false, 'no registry tab')
    await phone.go('/registry')
    await sleep(500)
    assert.equal(await phone.exists('[data-test="registry"]'), false, 'no registry route at all')
    await phone.go('/card')
    await phone.find('[data-test="visited"]')
    await screenshot(phone, 'family-card')
  })
  await phone.close()
})

test('(c) killing the app mid-visit and starting it again brings the draft back with its ticks', async () => {
  let tablet = await App.launch({ db: db.helper, display })
  await tablet.explain(async () => {
    await tablet.unlock()
    await tablet.waitText('[data-test="role"]', /互助员/, 60000)
    await tablet.go(`/visit/${ids.zhao}`)
    await tablet.find('[data-test="visit-form"]')
    await tablet.click('[data-test="check-food"] [data-test="toggle"]')
    await tablet.type('[data-test="check-food"] [data-test="note"] textarea', '米缸快空了')
    await tablet.click('[data-test="check-housing"] [data-test="toggle"]')
    // The draft is on disk (read through the CLI, as another process would) before the kill.
    const end = Date.now() + 20000
    for (;;) {
      const draft = await shouwang(db.helper, ['visit', 'draft', 'show', ids.zhao]).catch(() => null)
      const text = JSON.stringify(draft ?? '')
      if (text.includes('米缸快空了') && /housing[^}]*concern/.test(text)) break
      if (Date.now() > end) throw new Error(`the draft was not saved: ${text}`)
      await sleep(300)
    }
  })
  await tablet.kill()

  tablet = await App.launch({ db: db.helper, display })
  await tablet.explain(async () => {
    await tablet.unlock()
    await tablet.waitText('[data-test="role"]', /互助员/, 60000)
    await tablet.go(`/visit/${ids.zhao}`)
    await tablet.find('[data-test="restored"]')
    await tablet.waitText('[data-test="check-food"] [data-test="verdict"]', /有问题/)
    await tablet.waitText('[data-test="check-housing"] [data-test="verdict"]', /有问题/)
    await tablet.waitText('[data-test="check-clothing"] [data-test="verdict"]', /正常/)
    const note = await tablet.execute('return document.querySelector(\'[data-test="check-food"] [data-test="note"] textarea\').value')
    assert.equal(note, '米缸快空了')
  })
  await tablet.close()
})
