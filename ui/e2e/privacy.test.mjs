// Privacy screens in Chromium, answered by the real commands' recorded answers on the demo village 斑竹村
// (scenes, ui/e2e/fixtures/privacy-*.json), at both tablet sizes: the
// lock screen (a wrong PIN answered in Chinese with the tries left, the right one opens the registry;
// the demo PIN shown only in the demo), the PIN chosen on first run (two different PINs refused), an
// elder's consents (recorded by a relative with its purposes, withdrawn), the export of everything held
// on the elder, the erasure (refused until the name typed matches), and the audit log (filtered by
// action, 校验 showing 完整). Screenshots to docs/screenshots/privacy-*.png.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { browser, SCENE_TIME, sceneQuery, server, shots, SIZES } from './harness.mjs'

async function open(size, { scene, role, lang = 'zh-CN', hash = '', extra = {} } = {}) {
  const context = await browser.newContext({ viewport: size, hasTouch: true, isMobile: false, locale: lang === 'en' ? 'en-US' : 'zh-CN' })
  await context.clock.setFixedTime(SCENE_TIME)
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${server.url}?${sceneQuery(scene, { role, lang, ...extra })}#${hash}`)
  return { page, context, errors }
}

async function shot(page, name, size) {
  await page.waitForTimeout(150)
  await page.screenshot({ path: join(shots, `privacy-${name}-${size.width}x${size.height}.png`) })
}

async function noHorizontalOverflow(page, label) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }))
  assert.ok(scroll <= width, `${label}: page is ${scroll}px wide in a ${width}px window`)
}

// 于洪, first on the registry and on 蔡霞's (the helper's tablet's) list; an id of the demo village.
const FIRST = '860383451d423ab9951623bd9df29bee'

for (const size of SIZES) {
  test(`the lock screen refuses a wrong PIN in Chinese and opens with the right one at ${size.width}×${size.height}`, async () => {
    const { page, context, errors } = await open(size, { scene: `privacy-lock-${size.width}`, extra: { locked: true } })
    await page.locator('[data-test="lock-screen"]').waitFor()
    assert.match(await page.locator('[data-test="demo-pin"]').innerText(), /演示模式：PIN 为 246810/)
    assert.equal(await page.locator('[data-test="registry"]').count(), 0, 'nothing of the registry behind the lock')
    await page.locator('[data-test="pin"] input').fill('000000')
    await page.locator('[data-test="unlock"]').click()
    await page.locator('[data-test="pin"] .van-field__error-message').waitFor()
    assert.match(await page.locator('[data-test="pin"] .van-field__error-message').innerText(), /PIN 不正确（已错 1 次，还可再试 4 次）/)
    assert.match(await page.locator('[data-test="attempts"]').innerText(), /还可再试 4 次/)
    await shot(page, 'lock-wrong', size)
    await noHorizontalOverflow(page, 'lock screen')
    await page.locator('[data-test="pin"] input').fill('246810')
    await page.locator('[data-test="unlock"]').click()
    await page.locator('[data-test="registry"]').waitFor()
    assert.ok(await page.locator('[data-test="lock-now"]').count(), 'a lock button on an encrypted registry')
    await page.locator('[data-test="lock-now"]').click()
    await page.locator('[data-test="lock-screen"]').waitFor()
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`first run asks for the PIN twice at ${size.width}×${size.height}`, async () => {
    const { page, context } = await open(size, { scene: 'privacy-first-run', extra: { fresh: true } })
    await page.locator('[data-test="first-run"]').waitFor()
    const panel = page.locator('.van-tab__panel').first()
    await panel.locator('input[name="unit"]').fill('511902106202')
    await panel.locator('input[name="name"]').fill('斑竹村')
    await panel.locator('[data-test="new-pin"] input').fill('135790')
    await panel.locator('[data-test="new-pin-again"] input').fill('135791')
    await panel.locator('button[type="submit"]').click()
    await panel.locator('[data-test="new-pin"] .van-field__error-message').waitFor()
    assert.match(await panel.locator('[data-test="new-pin"] .van-field__error-message').innerText(), /两次输入的 PIN 不一致/)
    await shot(page, 'first-run-pin', size)
    await context.close()
  })

  test(`an elder's consent is recorded and withdrawn, the data exported, the erasure confirmed by name at ${size.width}×${size.height}`, async () => {
    const { page, context, errors } = await open(size, { scene: `privacy-elder-${size.width}`, hash: `/elder/${FIRST}` })
    await page.locator('[data-test="link-privacy"]').click()
    await page.locator('[data-test="elder-privacy"]').waitFor()
    await page.locator('[data-test="no-consent"]').waitFor()
    await page.locator('[data-test="given-relative"]').click()
    await page.locator('[data-test="relative-name"] input').fill('王强')
    await page.locator('[data-test="relation"] input').fill('长子')
    await page.locator('[data-test="method-thumbprint"]').click()
    await page.locator('[data-test="purpose-family_card"]').click()
    await page.locator('[data-test="record-consent"]').click()
    const row = page.locator('[data-test="consent-row"]').first()
    await row.waitFor()
    const text = await row.innerText()
    assert.match(text, /王强（长子）/)
    assert.match(text, /按手印/)
    assert.match(text, /探访服务、向家属提供明白卡/)
    assert.match(text, /有效/)
    await page.locator('.van-toast').waitFor({ state: 'hidden' }).catch(() => {})
    await page.locator('[data-test="elder-privacy"] h2').scrollIntoViewIfNeeded()
    await shot(page, 'consent', size)
    await page.locator('[data-test^="withdraw-"]').first().click()
    await page.locator('[data-test="consent-row"]', { hasText: '已于' }).first().waitFor()
    assert.match(await row.innerText(), /已于 \d{4}-\d{2}-\d{2} 撤回/)

    await page.locator('[data-test="export-data"]').click()
    assert.match(await page.locator('[data-test="exported"]').innerText(), /已保存：.*个人信息-.*\.json/)

    assert.ok(await page.locator('[data-test="erase-now"]').isDisabled(), 'no erasure before the name is typed')
    await page.locator('[data-test="erase-name"] input').fill('王某')
    await page.locator('[data-test="erase-reason"] input').fill('本人申请删除')
    assert.ok(await page.locator('[data-test="erase-now"]').isDisabled(), 'a name that does not match')
    const name = (await page.locator('[data-test="elder-privacy"] h2').innerText()).split(' · ')[0]
    await page.locator('[data-test="erase-name"] input').fill(name)
    assert.match(await page.locator('[data-test="erase"]').innerText(), /无法恢复/)
    await shot(page, 'erase', size)
    await page.locator('[data-test="erase-now"]').click()
    await page.locator('.van-dialog__confirm').click()
    await page.locator('[data-test="registry"]').waitFor()
    assert.doesNotMatch(await page.locator('[data-test="registry"]').innerText(), new RegExp(name), 'gone from the registry')
    await noHorizontalOverflow(page, 'registry after erasure')
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`the audit log filters by action and verifies the chains at ${size.width}×${size.height}`, async () => {
    const { page, context } = await open(size, { scene: 'privacy-audit', hash: '/audit' })
    await page.locator('[data-test="audit"]').waitFor()
    await page.locator('[data-test="audit-row"]').first().waitFor()
    // The office filed the village's 12 elders on 2 November: one 修改 entry each, naming the fields.
    assert.equal(await page.locator('[data-test="audit-row"]').count(), 12)
    await page.locator('[data-test="verify"]').click()
    assert.match(await page.locator('[data-test="verified"]').innerText(), /完整/)
    await shot(page, 'audit', size)
    await noHorizontalOverflow(page, 'audit log')
    await context.close()
  })
}

for (const size of SIZES) {
  test(`设备与密钥: the QR code carries the key bundle; a device key is revoked, then the keys rotated at ${size.width}×${size.height}`, async () => {
    const { page, context, errors } = await open(size, { scene: `privacy-keys-${size.width}`, hash: '/enrol' })
    await page.locator('[data-test="helpers"] .van-cell').first().click()
    await page.locator('[data-test="issue-code"]').click()
    await page.locator('[data-test="issued"]').waitFor()
    assert.match(await page.locator('[data-test="issued-payload"] textarea').inputValue(), /&keys=SWK1\./, 'the QR text carries the keys')
    const key = page.locator('[data-test="issued-key"]').first()
    await key.waitFor()
    assert.match(await key.innerText(), /的平板/)
    assert.match(await page.locator('[data-test="device-keys"]').innerText(), /第 1 代密钥/)
    await key.locator('[data-test^="revoke-"]').click()
    await page.locator('.van-dialog__confirm').click()
    await key.locator('.van-tag', { hasText: '已吊销' }).waitFor()
    await page.locator('[data-test="rotate"]').click()
    await page.locator('.van-dialog__confirm').click()
    await page.locator('[data-test="device-keys"]', { hasText: '第 2 代密钥' }).waitFor()
    await page.locator('[data-test="device-keys"]').scrollIntoViewIfNeeded()
    await shot(page, 'keys', size)
    await context.close()
    assert.deepEqual(errors, [])
  })
}

test('a helper\'s tablet shows no unmasked ID number on any of its screens', async () => {
  const { page, context } = await open(SIZES[0], { scene: 'privacy-helper', role: 'helper', hash: '/mine' })
  await page.locator('[data-test="mine"]').waitFor()
  for (const hash of ['/mine', `/elder/${FIRST}`, `/visit/${FIRST}`, '/enrol']) {
    await page.goto(`${server.url}?${sceneQuery('privacy-helper', { role: 'helper' })}#${hash}`)
    await page.waitForTimeout(400)
    assert.doesNotMatch(await page.locator('body').innerText(), /\d{17}[\dX]/, `${hash}: an 18-character ID number`)
  }
  await context.close()
})
