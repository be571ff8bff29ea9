// The app lock and consent on the real app (see driver.mjs): a new device chooses its PIN on first run,
// creates its registry — encrypted at rest — and registers an elder; started again, the app shows only
// the lock screen — a wrong PIN is answered in Chinese, the right one brings the registry back with the
// elder; a consent recorded on the elder's 同意书 screen is still there after another restart and
// unlock.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, PIN, root, serveDist, startDisplay, stopAll } from './driver.mjs'

let dir
let ui
let display
let db

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shouwang-e2e-privacy-'))
  db = join(dir, 'office.sqlite')
  ui = await serveDist(5173)
  display = await startDisplay()
})

after(async () => {
  await stopAll()
  ui?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function screenshot(app, name) {
  const png = await app.wd('GET', app.s('/screenshot'))
  await mkdir(join(root, 'docs/screenshots'), { recursive: true })
  await writeFile(join(root, `docs/screenshots/privacy-app-${name}-1280x800.png`), Buffer.from(png, 'base64'))
}

test('first launch sets the PIN; a relaunch is locked, refuses a wrong PIN, opens with the right one; consent survives a restart', async () => {
  let app = await App.launch({ db, display })
  let id
  await app.explain(async () => {
    await app.find('[data-test="first-run"]', 60000)
    await app.type('input[name="unit"]', '511902106202')
    await app.type('input[name="name"]', '斑竹村')
    await app.choosePin('[data-test="first-run"] .van-tab__panel:first-child')
    await app.click('[data-test="first-run"] button[type="submit"]')
    await app.find('[data-test="registry"]', 60000)
    await app.find('[data-test="lock-now"]')
    await app.click('[data-test="add"]')
    await app.find('[data-test="elder-form"]')
    await app.type('[data-test="field-name"] input', '赵桂芳')
    await app.click('[data-test="field-sex"] .van-radio:nth-child(2)')
    await app.type('[data-test="field-birth_date"] input', '1948-05-12')
    await app.type('[data-test="field-id_number"] input', '511902194805120028')
    await app.type('[data-test="field-address"] input', '斑竹村3组12号')
    await app.click('[data-test="save"]')
    await app.find('[data-test="record"]', 30000)
    id = (await app.execute('return location.hash')).split('/').pop()
  })
  await app.close()
  assert.match(id, /^[0-9a-f]{32}$/)

  app = await App.launch({ db, display })
  await app.explain(async () => {
    await app.find('[data-test="lock-screen"]', 60000)
    assert.doesNotMatch(await app.pageText(), /赵桂芳/, 'nothing of the registry behind the lock')
    assert.equal(await app.exists('[data-test="demo-pin"]'), false, 'no demo PIN outside the demo')
    await app.type('[data-test="pin"] input', '000000')
    await app.click('[data-test="unlock"]')
    await app.waitText('[data-test="pin"] .van-field__error-message', /PIN 不正确（已错 1 次，还可再试 4 次）/, 30000)
    await screenshot(app, 'lock-wrong')
    await app.type('[data-test="pin"] input', PIN)
    await app.click('[data-test="unlock"]')
    await app.find('[data-test="registry"]', 60000)
    await app.waitText('[data-test="registry"]', /赵桂芳/, 30000)

    await app.go(`/privacy/${id}`)
    await app.find('[data-test="no-consent"]', 30000)
    await app.click('[data-test="method-thumbprint"]')
    await app.click('[data-test="purpose-family_card"]')
    await app.click('[data-test="record-consent"]')
    await app.waitText('[data-test="consents"]', /按手印/, 30000)
    await screenshot(app, 'consent')
  })
  await app.close()

  app = await App.launch({ db, display })
  await app.explain(async () => {
    await app.unlock()
    await app.find('[data-test="registry"]', 60000)
    await app.go(`/privacy/${id}`)
    const shown = await app.waitText('[data-test="consents"]', /按手印/, 30000)
    assert.match(shown, /探访服务、向家属提供明白卡/)
    assert.match(shown, /有效/)
  })
  await app.close()
})
