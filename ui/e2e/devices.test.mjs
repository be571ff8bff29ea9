// Devices in Chromium, answered by the real commands' recorded answers on the demo village 斑竹村 (scenes,
// ui/e2e/fixtures/devices-*.json): the committee's 设备登记 issues a
// code for a helper's tablet and a family phone (QR code, text, expiry) at both tablet sizes, in Chinese
// and English and at 200% font size; the family card says whether the elder was visited this month; a
// pasted QR text fills in the relay's address on the first-run screen. Screenshots to docs/screenshots/.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { browser, SCENE_TIME, sceneQuery, server, shots, SIZES } from './harness.mjs'

async function open(size, { scene, role, lang = 'zh-CN', fresh = false, hash = '' } = {}) {
  const context = await browser.newContext({ viewport: size, hasTouch: true, isMobile: false, locale: lang === 'en' ? 'en-US' : 'zh-CN' })
  await context.clock.setFixedTime(SCENE_TIME)
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${server.url}?${sceneQuery(scene, { role, lang, fresh })}#${hash}`)
  return { page, context, errors }
}

async function shot(page, name, size) {
  await page.waitForTimeout(150)
  await page.screenshot({ path: join(shots, `${name}-${size.width}x${size.height}.png`) })
}

async function noHorizontalOverflow(page, label) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }))
  assert.ok(scroll <= width, `${label}: page is ${scroll}px wide in a ${width}px window`)
}

for (const size of SIZES) {
  test(`the committee issues codes for a tablet and a phone at ${size.width}×${size.height}`, async () => {
    const { page, context, errors } = await open(size, { scene: `devices-issue-${size.width}`, hash: '/enrol' })
    await page.locator('[data-test="issue"]').waitFor()
    // A helper's tablet: choose the helper, make the code.
    await page.locator('[data-test="helpers"] .van-cell').first().click()
    await page.locator('[data-test="issue-code"]').click()
    await page.locator('[data-test="issued"]').waitFor()
    assert.match(await page.locator('[data-test="issued"] h3').innerText(), /的平板/)
    assert.ok(await page.locator('[data-test="qr"] svg path').count(), 'a QR code')
    assert.match(await page.locator('[data-test="issued-expires"]').innerText(), /有效期至/)
    // A family phone: choose the elder by searching their name (曹富贵 and 曹秀兰 share it).
    await page.locator('[data-test="kind-family"]').click()
    await page.locator('[data-test="elder-search"] input').fill('曹')
    await page.locator('[data-test="elders"] [data-test^="pick-"]').first().click()
    await page.locator('[data-test="issue-code"]').click()
    await page.locator('[data-test="issued"]').waitFor()
    assert.match(await page.locator('[data-test="issued"] h3').innerText(), /曹.*的家属手机/)
    const payload = await page.locator('[data-test="issued-payload"] textarea').inputValue()
    assert.match(payload, /^shouwang:\/\/enrol\?relay=http:\/\/127\.0\.0\.1:47815&code=\S+$/)
    await page.locator('[data-test="issued"]').scrollIntoViewIfNeeded()
    await shot(page, 'devices-issue', size)
    await noHorizontalOverflow(page, 'issue')
    await page.evaluate(() => (document.documentElement.style.fontSize = '200%'))
    await page.waitForTimeout(100)
    await noHorizontalOverflow(page, 'issue at 200%')
    assert.deepEqual(errors, [])
    await context.close()
  })
}

test('in English the code says what it is for and until when', async () => {
  const { page, context } = await open(SIZES[0], { scene: 'devices-issue-en', lang: 'en', hash: '/enrol' })
  await page.locator('[data-test="helpers"] .van-cell').first().click()
  await page.locator('[data-test="issue-code"]').click()
  await page.locator('[data-test="issued"]').waitFor()
  assert.match(await page.locator('[data-test="issued"] h3').innerText(), /^Tablet of /)
  assert.match(await page.locator('[data-test="issued-expires"]').innerText(), /^Valid until .+, once$/)
  await context.close()
})

test('a helper\'s device has no code to issue, only its own enrolment', async () => {
  const { page, context } = await open(SIZES[0], { scene: 'devices-helper', role: 'helper', hash: '/enrol' })
  await page.locator('[data-test="enrol"]').waitFor()
  assert.equal(await page.locator('[data-test="issue"]').count(), 0)
  await context.close()
})

for (const size of SIZES) {
  test(`the family card says whether the elder was visited this month at ${size.width}×${size.height}`, async () => {
    const { page, context } = await open(size, { scene: 'devices-family-card', role: 'family', hash: '/card' })
    const visited = page.locator('[data-test="visited"]')
    await visited.waitFor()
    // 程春梅's family: her last visit was on 4 October, none yet in November.
    assert.match(await visited.innerText(), /本月尚未探访/)
    await page.getByText('上次探访：2026-10-04').waitFor()
    await shot(page, 'devices-family-card', size)
    await context.close()
  })
}

test('a pasted QR text fills in the relay\'s address on the first-run screen', async () => {
  const { page, context } = await open(SIZES[1], { scene: 'devices-first-run', fresh: true })
  await page.locator('[data-test="first-run"] .van-tab').nth(1).click()
  const form = page.locator('[data-test="enrol-form"]')
  await form.locator('input[name="code"]').fill('shouwang://enrol?relay=http://192.168.1.10:8787&code=K7PQ-F001-XT')
  await form.locator('input[name="unit"]').click()
  assert.equal(await form.locator('input[name="relay"]').inputValue(), 'http://192.168.1.10:8787')
  assert.equal(await form.locator('input[name="code"]').inputValue(), 'K7PQ-F001-XT')
  await context.close()
})
