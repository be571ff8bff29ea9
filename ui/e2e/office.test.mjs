// The office's risk assessments and care agreements in Chromium, answered by the real commands' recorded
// answers on the demo village 斑竹村 (scenes, ui/e2e/fixtures/office-*.json): the committee assesses an
// elder, sees core's level and reasons before saving, finds the elder on the high-risk list and the 'not
// assessed this year' list one shorter; files a 附件4 agreement
// (a missing trustee ID number refused under that field, in Chinese), records a payment and opens the
// print view with the template's headings. Both tablet sizes with touch, Chinese and English, 200% font.
// Screenshots: docs/screenshots/office-*.png.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { browser, SCENE_TIME, sceneQuery, server, shots, SIZES } from './harness.mjs'

// The demo village's elders the stories meet (ids from the village's id key, fixed for the scenes).
const CHENG = 'da5dec8d913350ee18350cf300e7e532' // 程春梅: an agreement since April, assessed last year and this
const ZENG = 'ade5420e9d38f213fd86b0b21c20475d' // 曾永福: ill, nobody caring, children away; never assessed

async function open(size, { scene, role, lang = 'zh-CN', hash = '' } = {}) {
  const context = await browser.newContext({ viewport: size, hasTouch: true, isMobile: false, locale: lang === 'en' ? 'en-US' : 'zh-CN' })
  await context.clock.setFixedTime(SCENE_TIME)
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${server.url}?${sceneQuery(scene, { role, lang })}#${hash}`)
  return { page, context, errors }
}

async function shot(page, name, size) {
  // A toast (saved, refused) fades after two seconds; the screenshot shows the screen under it.
  await page.locator('.van-toast').waitFor({ state: 'hidden', timeout: 4000 }).catch(() => {})
  await page.waitForTimeout(150)
  await page.screenshot({ path: join(shots, `office-${name}-${size.width}x${size.height}.png`) })
}

async function noHorizontalOverflow(page, label) {
  const { scroll, width, wide } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).position !== 'fixed')
      .slice(0, 3)
      .map((el) => `${el.tagName}.${el.className}`)
    return { scroll: document.documentElement.scrollWidth, width, wide }
  })
  assert.ok(scroll <= width, `${label}: page is ${scroll}px wide in a ${width}px window (${wide.join(', ')})`)
}

async function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.van-button, .van-cell, .rail-item, .van-tabbar-item')]
      .filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 47.5)
      .map((el) => `${el.className} ${el.getBoundingClientRect().height}`),
  )
}

const rows = (page) => page.locator('[data-test="risk-row"]')

for (const size of SIZES) {
  test(`the committee assesses an elder, sees why, and finds them on the high-risk list at ${size.width}×${size.height}`, async () => {
    const { page, context, errors } = await open(size, { scene: `office-risk-${size.width}`, hash: '/risk' })
    await rows(page).first().waitFor()
    assert.ok(await page.locator('[data-test="level-high"], [data-test="level-medium"], [data-test="level-low"]').count() > 0, 'level badges')
    assert.deepEqual(await smallTargets(page), [], 'touch targets under 48px')
    await shot(page, 'risk', size)

    // The high-risk list before: 于洪 (last December) and 曹秀兰, not 曾永福 (never assessed).
    await page.locator('[data-test="risk-filter-high"]').tap()
    await page.waitForFunction(() => document.querySelectorAll('[data-test="risk-row"]').length === 2)
    assert.equal(await rows(page).filter({ hasText: '曾永福' }).count(), 0)

    // Twelve elders, two assessed this year.
    await page.locator('[data-test="risk-filter-unassessed"]').tap()
    await page.waitForFunction(() => document.querySelectorAll('[data-test="risk-row"]').length === 10)
    assert.ok((await rows(page).allTextContents()).every((r) => /上次评估 2025|从未评估/.test(r)), 'only elders not assessed in 2026')
    await shot(page, 'risk-unassessed', size)

    // 曾永福: ill, nobody caring, children away: core's rules find him at high risk.
    await rows(page).filter({ hasText: '曾永福' }).locator('[data-test="risk-assess"]').tap()
    await page.locator('[data-test="risk-preview"]').waitFor()
    await page.locator('[data-test="risk-preview"] [data-test="level-high"]').waitFor()
    const reasons = await page.locator('[data-test="risk-reason"]').allTextContents()
    for (const r of ['患有重特大疾病', '无人照料', '赡养人全部外出，身边无人']) assert.ok(reasons.some((x) => x.includes(r)), `reason ${r} in ${reasons}`)
    assert.match(await page.locator('[data-test="risk-score"]').textContent(), /得分 \d+/)
    await shot(page, 'risk-assess', size)

    // Saving without an assessor is refused under that field; nothing is kept.
    await page.locator('[data-test="risk-save"]').tap()
    await page.locator('[data-test="risk-assessor"] .van-field__error-message').waitFor()
    await page.locator('[data-test="risk-assessor"] input').fill('赵明')
    await page.locator('[data-test="risk-intervention"] textarea').fill('互助员每周上门两次，每周联系子女')
    await page.locator('[data-test="risk-save"]').tap()
    await page.locator('[data-test="risk-history"]').waitFor()
    await page.locator('[data-test="risk-entry"]').first().getByText('互助员每周上门两次').waitFor()

    // A follow-up of the intervention.
    await page.locator('[data-test="risk-follow-open"]').first().tap()
    await page.locator('[data-test="follow-on"] input').fill('2026-11-30')
    await page.locator('[data-test="follow-note"] textarea').fill('已上门，子女已回电')
    await page.locator('[data-test="follow-by"] input').fill('赵明')
    await page.locator('[data-test="follow-save"]').tap()
    await page.locator('[data-test="risk-follow-up"]').first().getByText('已上门，子女已回电').waitFor()
    await shot(page, 'risk-history', size)

    await page.locator('[data-test="tab-risk"]').tap()
    await page.locator('[data-test="risk-filter-high"]').tap()
    await page.waitForFunction(() => {
      const list = [...document.querySelectorAll('[data-test="risk-row"]')]
      return list.some((r) => r.textContent.includes('曾永福')) && list.every((r) => r.textContent.includes('高风险'))
    })
    const high = await rows(page).filter({ hasText: '曾永福' }).textContent()
    assert.match(high, /高风险/)
    assert.match(high, /最近跟进 2026-11-30/)
    assert.equal(await rows(page).count(), 3, '于洪, 曹秀兰 and 曾永福')

    await page.locator('[data-test="risk-filter-unassessed"]').tap()
    await page.waitForFunction(() => document.querySelectorAll('[data-test="risk-row"]').length === 9)
    assert.equal(await rows(page).filter({ hasText: '曾永福' }).count(), 0, 'assessed this year: off the list')
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`the committee files a 附件4 agreement, records a payment and prints it at ${size.width}×${size.height}`, async () => {
    const { page, context, errors } = await open(size, { scene: `office-agreement-${size.width}`, hash: '/agreements' })
    await page.locator('[data-test="agreement-row"]').first().waitFor()
    // 程春梅's agreement: fees paid to September, so October's is a month late.
    await page.locator('[data-test="reminder-trustee_may_end"]').first().waitFor()
    await page.locator('[data-test="reminder-payment"]').first().waitFor()
    await shot(page, 'agreements', size)

    await page.locator('[data-test="agreement-add"]').tap()
    const form = page.locator('[data-test="agreement-form"]')
    await form.waitFor()
    await page.locator('[data-test="kind-assisted"]').tap()
    await page.locator('[data-test="service-hygiene"]').waitFor()
    await page.locator('[data-test="elder-pick"]').selectOption({ label: '曹富贵 · 梁永镇斑竹村2组24号' })
    await page.waitForFunction(() => document.querySelector('[data-test="field-elder.name"] input').value === '曹富贵')
    const fill = (field, value) => page.locator(`[data-test="field-${field}"] input`).fill(value)
    await fill('delegator.name', '曹强')
    await fill('delegator.id_number', '511902197503140035')
    await fill('delegator.relation', '儿子')
    await fill('delegator.address', '广东省东莞市长安镇沙头社区')
    await fill('delegator.phone', '13800138000')
    await fill('trustee.name', '陈桂兰')
    await fill('trustee.address', '斑竹村3组15号')
    await fill('trustee.phone', '13990001234')
    await fill('committee.staff', '赵明')
    for (const s of ['hygiene', 'cleaning', 'shopping_cooking', 'buy_medicine']) await page.locator(`[data-test="service-${s}"]`).tap()
    await page.locator('[data-test="field-extra_services"] textarea').fill('代缴水电费')
    await fill('fee.amount', '300')
    await fill('fee.method', '微信转账')

    // The trustee's ID number left empty: refused under that field, in Chinese; nothing filed.
    await page.locator('[data-test="agreement-save"]').tap()
    const idError = page.locator('[data-test="field-trustee.id_number"] .van-field__error-message')
    await idError.waitFor()
    assert.equal(await idError.textContent(), '必填')
    assert.equal(await page.locator('.van-field__error-message').count(), 1, 'only the missing ID number is wrong')
    assert.ok(await form.isVisible(), 'nothing filed')
    await idError.scrollIntoViewIfNeeded()
    await shot(page, 'agreement-form-error', size)

    await fill('trustee.id_number', '511902196809220041')
    await page.locator('[data-test="field-trustee.address"] input').focus()
    await idError.waitFor({ state: 'detached' })
    await page.locator('[data-test="agreement-save"]').tap()
    await page.locator('[data-test="agreement-detail"]').waitFor()
    await page.getByText('附件4 · 介助/介护老人').waitFor()

    // A payment: ¥300 on the first of the month.
    assert.equal(await page.locator('[data-test="payment-row"]').count(), 0)
    await page.locator('[data-test="pay-on"] input').fill('2026-12-01')
    await page.locator('[data-test="pay-amount"] input').fill('三百')
    await page.locator('[data-test="pay-save"]').tap()
    await page.locator('[data-test="pay-amount"] .van-field__error-message').waitFor()
    await page.locator('[data-test="pay-amount"] input').fill('300')
    await page.locator('[data-test="pay-save"]').tap()
    await page.locator('[data-test="payment-row"]').first().waitFor()
    assert.match(await page.locator('[data-test="payment-total"]').textContent(), /¥300\.00/)
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, 'agreement', size)

    // Ending without fault on five days' notice is refused under the end date.
    await page.locator('[data-test="end-open"]').tap()
    await page.locator('[data-test="end-notice"] input').fill('2027-03-01')
    await page.locator('[data-test="end-on"] input').fill('2027-03-06')
    await page.locator('[data-test="end-save"]').tap()
    const endError = page.locator('[data-test="end-on"] .van-field__error-message')
    await endError.waitFor()
    assert.match(await endError.textContent(), /提前 15 日/)
    await shot(page, 'agreement-end', size)

    // The print view: the template's headings, the blanks filled, 打印 calls window.print().
    await page.locator('[data-test="agreement-print"]').tap()
    const sheet = page.locator('[data-test="print-sheet"]')
    for (const heading of ['农村居家互助养老协议书', '一、居家助养期限、地点', '二、甲方的权利和义务', '三、乙方的权利和义务', '四、村委会职责', '五、解除协议', '六、其他约定：']) {
      await sheet.getByText(heading, { exact: true }).waitFor()
    }
    await sheet.getByText('附件4', { exact: true }).waitFor()
    assert.match(await sheet.locator('u').allTextContents().then((u) => u.join('|')), /曹富贵/)
    await page.evaluate(() => { window.print = () => { window.__printed = (window.__printed ?? 0) + 1 } })
    await page.locator('[data-test="print-now"]').tap()
    assert.equal(await page.evaluate(() => window.__printed), 1)
    await shot(page, 'print', size)
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`the elder's file links to their assessments and agreements at ${size.width}×${size.height}`, async () => {
    const { page, context, errors } = await open(size, { scene: 'office-elder-links', hash: `/elder/${CHENG}` })
    await page.locator('[data-test="office-links"]').waitFor()
    await page.locator('[data-test="link-agreements"]').tap()
    await page.locator('[data-test="agreement-row"]').first().waitFor()
    assert.equal(await page.locator('[data-test="agreement-row"]').count(), 1)
    assert.match(await page.locator('[data-test="agreement-count"]').textContent(), /程春梅 的协议/)
    await page.goBack()
    await page.locator('[data-test="link-risk"]').tap()
    await page.locator('[data-test="risk-entry"]').first().waitFor()
    assert.equal(await page.locator('[data-test="risk-entry"]').count(), 2, 'this year and last')
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`the office's screens in English and at 200% font size at ${size.width}×${size.height}`, async () => {
    const screens = [
      { hash: '/risk', ready: '[data-test="risk-row"]', name: 'risk', text: 'Not assessed this year' },
      { hash: `/risk/assess/${ZENG}`, ready: '[data-test="risk-reason"]', name: 'risk-assess', text: 'High risk' },
      { hash: '/agreements', ready: '[data-test="agreement-row"]', name: 'agreements', text: 'Fee a month late' },
      { hash: '/agreements/new', ready: '[data-test="agreement-form"]', name: 'agreement-form', text: 'Party B (trustee)' },
    ]
    for (const s of screens) {
      const { page, context, errors } = await open(size, { scene: `office-${s.name}`, hash: s.hash, lang: 'en' })
      await page.locator(s.ready).first().waitFor()
      await page.getByText(s.text).first().waitFor()
      const body = await page.locator('main').textContent()
      assert.doesNotMatch(body, /office\.[a-z]/, `${s.name}: an untranslated key`)
      if (s.name === 'risk' || s.name === 'agreements') await shot(page, `${s.name}-en`, size)
      assert.deepEqual(errors, [])
      await context.close()
    }
    for (const lang of ['zh-CN', 'en']) {
      for (const s of screens) {
        const { page, context } = await open(size, { scene: `office-${s.name}`, hash: s.hash, lang })
        await page.locator(s.ready).first().waitFor()
        await page.evaluate(() => (document.documentElement.style.fontSize = '200%'))
        await page.waitForTimeout(100)
        await noHorizontalOverflow(page, `${s.name} (${lang}) at 200%`)
        if (lang === 'zh-CN' && s.name === 'agreement-form') await shot(page, 'agreement-form-200pct', size)
        await context.close()
      }
    }
  })
}
