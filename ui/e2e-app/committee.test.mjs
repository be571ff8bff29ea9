// End to end on the real app (see driver.mjs): a fresh device creates its village registry on the
// first-run screen, then the committee registers an elder through the 附件1 form and sees core's error
// under the ID number input; correcting it saves the record.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, serveDist, startDisplay, stopAll } from './driver.mjs'

let dir
let ui
let app

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shouwang-e2e-'))
  ui = await serveDist(5173)
  const display = await startDisplay()
  app = await App.launch({ db: join(dir, 'committee.sqlite'), display })
})

after(async () => {
  await app?.close()
  await stopAll()
  ui?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

test('a new committee device creates its registry and sees an inline error for a bad ID number', () => app.explain(async () => {
  await app.find('[data-test="first-run"]', 60000)
  await app.type('input[name="unit"]', '511902106202')
  await app.type('input[name="name"]', '斑竹村')
  await app.choosePin('[data-test="first-run"] .van-tab__panel:first-child')
  await app.click('[data-test="first-run"] button[type="submit"]')

  await app.find('[data-test="registry"]', 30000)
  await app.waitText('[data-test="role"]', /村委会/)
  await app.click('[data-test="add"]')
  await app.find('[data-test="elder-form"]')
  await app.type('[data-test="field-name"] input', '赵桂芳')
  await app.click('[data-test="field-sex"] .van-radio:nth-child(2)')
  await app.type('[data-test="field-birth_date"] input', '1948-05-12')
  await app.type('[data-test="field-id_number"] input', '511902194805120020')
  await app.click('[data-test="field-address"] input')
  const error = await app.waitText('[data-test="field-id_number"] .van-field__error-message', /校验位/)
  assert.match(error, /身份证号码校验位错误：应为 8，实为 0/, 'core\'s message, under the ID number input')

  await app.type('[data-test="field-id_number"] input', '511902194805120028')
  await app.click('[data-test="field-address"] input')
  await app.type('[data-test="field-address"] input', '斑竹村3组12号')
  await app.click('[data-test="save"]')
  await app.find('[data-test="record"]', 30000)
  await app.waitText('[data-test="record"] h2', /赵桂芳/)
  await app.waitText('[data-test="sync"]', /待同步|本机登记册/)
}))
