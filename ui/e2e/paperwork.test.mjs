// The office's paperwork in Chromium, answered by the real commands' recorded answers on the demo village
// 斑竹村 (scenes, ui/e2e/fixtures/paperwork-*.json): the summary table 附件2 with core's headings and
// checks, exports told where they were saved, a ledger import with one bad ID
// number refused while the good rows go in, and the contact cards' print view. Both tablet sizes,
// Chinese and English, 200% font size. Screenshots: docs/screenshots/paperwork-*.png.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { browser, SCENE_TIME, sceneQuery, server, shots, SIZES } from './harness.mjs'

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
  await page.waitForTimeout(150)
  await page.screenshot({ path: join(shots, `paperwork-${name}-${size.width}x${size.height}.png`) })
}

async function noHorizontalOverflow(page, label) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }))
  assert.ok(scroll <= width, `${label}: page is ${scroll}px wide in a ${width}px window`)
}

async function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.van-button, .van-cell, .van-tab, [data-test^="tab-"]')]
      .filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 47.5)
      .map((el) => `${el.className} ${el.getBoundingClientRect().height}`),
  )
}

// An office's ledger: three good rows and, on spreadsheet row 3, an ID number whose check digit should
// be 3 (core says so: the refusal is its answer).
function ledgerCsv() {
  const good = [
    ['赵春梅', '女', '1948-03-12', '511902194803120024'],
    ['钱福生', '男', '1951-07-01', '511902195107010037'],
    ['孙玉兰', '女', '1940-11-20', '511902194011200042'],
  ]
  const bad = ['周有才', '男', '1945-05-05', '511902194505050010']
  const rows = [good[0], bad, good[1], good[2]]
  const lines = ['序号,姓名,性别,出生日期,身份证号码,现居住地址', ...rows.map((r, i) => [i + 1, ...r, `斑竹村${i + 1}组`].join(','))]
  return '\uFEFF' + lines.join('\n') + '\n'
}

for (const size of SIZES) {
  test(`the committee opens the summary table 附件2, sees the form's headings and checks, exports it (${size.width}×${size.height})`, async () => {
    const { page, context, errors } = await open(size, { scene: `paperwork-summary-${size.width}`, hash: '/reports' })
    await page.locator('[data-test="summary-form"]').waitFor()
    await page.getByText('农村留守老年人基本信息汇总表').first().waitFor()
    // The headings as the form prints them: a shared heading spans its columns.
    const married = page.locator('[data-test="heading"]', { hasText: '夫妻情况' })
    assert.equal(await married.getAttribute('colspan'), '2')
    assert.equal(await page.locator('[data-test="heading"]', { hasText: '家庭主要经济来源' }).getAttribute('colspan'), '4')
    assert.ok(await page.locator('[data-test="heading"]', { hasText: '农村户籍留守老人总数' }).isVisible())
    const total = await page.locator('[data-test="summary-total"]').textContent()
    assert.match(total, /合计/)
    // Every check core computes holds on the demo village, and the screen says the table can be sent.
    const checks = await page.locator('[data-test="check"]').allTextContents()
    assert.ok(checks.length > 0, 'the checks are listed')
    assert.ok(checks.every((c) => c.includes('通过')), `every check passes: ${checks}`)
    assert.match(await page.locator('[data-test="checks-verdict"]').textContent(), /全部勾稽关系成立/)
    await page.locator('[data-test="summary-form"]').evaluate((el) => el.scrollIntoView())
    await shot(page, 'summary', size)
    assert.deepEqual(await smallTargets(page), [], 'touch targets under 48px')

    await page.locator('[data-test="export-xlsx"]').tap()
    const saved = await page.locator('[data-test="saved"]').textContent()
    assert.match(saved, /已保存到：.*downloads\/附件2汇总表-斑竹村511902106202-\d{4}-\d{2}-\d{2}\.xlsx/)

    // Column 17 entered smaller than the left-behind total: that check fails, in red, named.
    await page.locator('[data-test="entered-17"] input').fill('5')
    await page.locator('[data-test="compute"]').tap()
    await page.locator('[data-test="check"].bad').first().waitFor()
    assert.match(await page.locator('[data-test="checks-verdict"]').textContent(), /1 项勾稽关系不成立/)

    await page.getByRole('tab', { name: '月度推进' }).tap()
    await page.locator('[data-test="progress-row"]').first().waitFor()
    assert.equal(await page.locator('[data-test="progress-row"]').count(), 3)
    assert.match(await page.locator('[data-test="progress-row"]').last().textContent(), /合计/)
    await shot(page, 'progress', size)
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`a ledger with one bad ID number: the row is refused in Chinese, the good rows are imported (${size.width}×${size.height})`, async () => {
    const { page, context, errors } = await open(size, { scene: `paperwork-ledger-${size.width}`, hash: '/registry' })
    await page.locator('[data-test="elder-row"]').first().waitFor()
    const before = await page.locator('[data-test="elder-row"]').count()

    await page.locator('[data-test="tab-reports"]').tap()
    await page.getByRole('tab', { name: '台账导入导出' }).tap()
    await page.locator('[data-test="ledger-file"]').setInputFiles({ name: '斑竹村台账.csv', mimeType: 'text/csv', buffer: Buffer.from(ledgerCsv()) })
    await page.locator('[data-test="refused-row"]').first().waitFor()
    assert.equal(await page.locator('[data-test="refused-row"]').count(), 1)
    const refused = await page.locator('[data-test="refused-row"]').textContent()
    assert.match(refused, /第 3 行/)
    assert.match(refused, /周有才/)
    assert.match(refused, /列“身份证号码”/)
    assert.match(refused, /身份证号码校验位错误/)
    assert.equal(await page.locator('[data-test="add-row"]').count(), 3)
    assert.match(await page.locator('[data-test="preview-summary"]').textContent(), /共 4 行：可导入 3 行.*拒绝 1 行/)
    await shot(page, 'import', size)
    assert.deepEqual(await smallTargets(page), [], 'touch targets under 48px')

    await page.locator('[data-test="confirm-import"]').tap()
    await page.locator('[data-test="imported"]').waitFor()
    assert.match(await page.locator('[data-test="imported"]').textContent(), /已导入 3 位老人/)

    await page.locator('[data-test="ledger-xlsx"]').tap()
    assert.match(await page.locator('[data-test="ledger-saved"]').textContent(), /信息台账-斑竹村.*\.xlsx/)

    await page.locator('[data-test="tab-registry"]').tap()
    await page.waitForFunction((n) => document.querySelectorAll('[data-test="elder-row"]').length === n, before + 3)
    const names = await page.locator('[data-test="elder-row"]').allTextContents()
    assert.ok(names.some((n) => n.includes('赵春梅')) && !names.some((n) => n.includes('周有才')), 'the good rows only')
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`contact cards: one card per elder in the print view, no ID number (${size.width}×${size.height})`, async () => {
    const { page, context, errors } = await open(size, { scene: `paperwork-cards-${size.width}`, hash: '/cards' })
    await page.locator('[data-test="card-elder"]').first().waitFor()
    const elders = await page.locator('[data-test="card-elder"]').count()
    await page.locator('[data-test="choose-all"]').tap()
    assert.match(await page.locator('[data-test="chosen"]').textContent(), new RegExp(`已选 ${elders} 位`))
    await page.locator('[data-test="preview-cards"]').tap()
    const frame = page.frameLocator('[data-test="print-frame"]')
    await frame.locator('.card').first().waitFor()
    assert.equal(await frame.locator('.card').count(), elders, 'one card per elder')
    const html = await frame.locator('body').innerHTML()
    assert.doesNotMatch(html, /\d{17}[\dX]/, 'no ID number on any card')
    assert.doesNotMatch(html, /身份证|健康|患病|残疾/, 'no ID number or health data')
    assert.match(await page.locator('[data-test="card-count"]').textContent(), new RegExp(`共 ${elders} 张卡片`))
    assert.match(await page.locator('[data-test="no-code"]').textContent(), /未印二维码/, 'says clearly why there is no QR code')
    await page.locator('[data-test="print-view"]').scrollIntoViewIfNeeded()
    await shot(page, 'cards', size)

    // A4 sheets of four.
    await page.locator('[data-test="paper-a4"]').tap()
    await page.locator('[data-test="preview-cards"]').tap()
    await frame.locator('.sheet').first().waitFor()
    assert.equal(await frame.locator('.sheet').count(), Math.ceil(elders / 4))

    // Print prints the cards' own page.
    const handle = await page.locator('[data-test="print-frame"]').elementHandle()
    const inner = await handle.contentFrame()
    await inner.evaluate(() => (window.print = () => (window.printed = true)))
    await page.locator('[data-test="print"]').tap()
    assert.equal(await inner.evaluate(() => window.printed), true)
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`reports and cards in English (${size.width}×${size.height})`, async () => {
    const { page, context, errors } = await open(size, { scene: 'paperwork-en', lang: 'en', hash: '/reports' })
    await page.locator('[data-test="summary-form"]').waitFor()
    await page.getByText('Every check holds').waitFor()
    assert.match((await page.locator('[data-test="check"]').first().textContent()), /holds/)
    await page.locator('[data-test="summary-form"]').evaluate((el) => el.scrollIntoView())
    await shot(page, 'summary-en', size)
    await page.locator('[data-test="tab-cards"]').tap()
    await page.getByText('Print contact cards').waitFor()
    await page.locator('[data-test="card-elder"]').first().tap()
    await page.locator('[data-test="preview-cards"]').tap()
    await page.getByText('printed without a QR code').waitFor()
    await page.locator('[data-test="print-view"]').scrollIntoViewIfNeeded()
    await shot(page, 'cards-en', size)
    assert.deepEqual(errors, [])
    await context.close()
  })

  test(`the summary table at 200% font size has no horizontal overflow (${size.width}×${size.height})`, async () => {
    const { page, context } = await open(size, { scene: 'paperwork-200pct', hash: '/reports' })
    await page.locator('[data-test="summary-form"]').waitFor()
    await page.evaluate(() => (document.documentElement.style.fontSize = '200%'))
    await page.waitForTimeout(150)
    await noHorizontalOverflow(page, 'summary table at 200%')
    await shot(page, 'summary-200pct', size)
    await page.getByRole('tab', { name: '台账导入导出' }).tap()
    await page.locator('[data-test="ledger-file"]').setInputFiles({ name: '台账.csv', mimeType: 'text/csv', buffer: Buffer.from(ledgerCsv()) })
    await page.locator('[data-test="refused-row"]').first().waitFor()
    await noHorizontalOverflow(page, 'import preview at 200%')
    await context.close()
  })
}
