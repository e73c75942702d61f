// Self-hosted webmails under a host name of their own (as on a rental server):
// Roundcube (full view and preview pane), Zimbra, SnappyMail and SquirrelMail
// (a frameset), each traced through the toolbar popup and "Trace sender" (also from
// inside the frame that shows the message). The source request of each adapter is
// answered only for exactly the open message.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { launch, ORIGIN_IP } from './harness.mjs';
import { clickMenu, frameIds, openPopup, originOf, serveHost } from './adapter-routes.mjs';

const JP = 'https://webmail.example.jp';
const NET = 'https://webmail.example.net';
const SQUIRREL_ORIGIN = '192.0.2.201';
const PREVIEW = { status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>preview</title><div id="messagebody">Buy now.</div>' };

let browser;
let asked;
before(async () => {
  browser = await launch();
  const jp = await serveHost(browser.context, JP, (url) => {
    const params = url.searchParams;
    if (url.pathname === '/roundcube/') {
      const action = params.get('_action');
      if (action === 'viewsource') {
        // Full view asks for uid 7 in INBOX, the preview pane for uid 42 in a Japanese folder.
        const right = (params.get('_uid') === '7' && params.get('_mbox') === 'INBOX') || (params.get('_uid') === '42' && params.get('_mbox') === '&MEAwqTDr-');
        return right ? 'provider-chain.eml' : null;
      }
      if (action === 'show') return 'webmail/roundcube/show.html';
      if (action === 'preview') return PREVIEW;
      return 'roundcube/index.html';
    }
    if (url.pathname === '/snappymail/') {
      if (url.search === '?/Raw/&q[]=/0/ViewAsPlain/&q[]=/eyJmb2xkZXIiOiJJTkJPWCIsInVpZCI6NDJ9') return 'provider-chain.eml';
      return url.search === '' ? 'snappymail/index.html' : null;
    }
    return null;
  });
  const net = await serveHost(browser.context, NET, (url) => {
    if (url.pathname === '/zimbra/') return 'zimbra/index.html';
    if (url.pathname === '/service/home/~/') return url.searchParams.get('view') === 'text' && url.searchParams.get('id') === '4437' ? 'provider-chain.eml' : null;
    const squirrel = /^\/squirrelmail\/src\/(webmail|left|read_body|view_header)\.php$/.exec(url.pathname);
    if (squirrel && squirrel[1] === 'view_header') {
      return url.searchParams.get('passed_id') === '17' && url.searchParams.get('mailbox') === 'INBOX' ? 'webmail/squirrelmail/view_header.php' : null;
    }
    return squirrel ? `webmail/squirrelmail/${squirrel[1]}.php` : null;
  });
  asked = { jp, net, sources: () => [...jp, ...net].filter((path) => /viewsource|\/Raw\/|service\/home|view_header/.test(path)) };
});
beforeEach(() => { asked.jp.length = 0; asked.net.length = 0; });
after(async () => { await browser?.close(); });

async function open(url) {
  const page = await browser.context.newPage();
  await page.goto(url);
  return page;
}

const CASES = [
  { name: 'Roundcube full view (_action=show)', url: `${JP}/roundcube/?_task=mail&_action=show&_uid=7&_mbox=INBOX`, origin: ORIGIN_IP, source: /viewsource&_uid=7&_mbox=INBOX/ },
  { name: 'Roundcube preview pane (Japanese folder)', url: `${JP}/roundcube/?_task=mail&_mbox=%26MEAwqTDr-`, origin: ORIGIN_IP, source: /viewsource&_uid=42&_mbox=%26MEAwqTDr-/ },
  { name: 'SnappyMail', url: `${JP}/snappymail/`, origin: ORIGIN_IP, source: /ViewAsPlain/ },
  { name: 'Zimbra', url: `${NET}/zimbra/`, origin: ORIGIN_IP, source: /view=text&id=4437/ },
  { name: 'SquirrelMail (frameset)', url: `${NET}/squirrelmail/src/webmail.php`, origin: SQUIRREL_ORIGIN, source: /view_header\.php\?mailbox=INBOX&passed_id=17/ },
];

for (const webmail of CASES) {
  test(`${webmail.name}: the toolbar popup traces the open message`, async () => {
    const page = await open(webmail.url);
    const popup = await openPopup(browser, page);
    assert.equal(await originOf(popup), webmail.origin);
    const sources = asked.sources();
    assert.equal(sources.length, 1, sources.join(', '));
    assert.match(sources[0], webmail.source);
    await popup.close();
    await page.close();
    browser.assertClean();
  });

  test(`${webmail.name}: "Trace sender" traces the open message`, async () => {
    const page = await open(webmail.url);
    const result = await clickMenu(browser, page);
    assert.equal(await originOf(result), webmail.origin);
    await result.close();
    await page.close();
    browser.assertClean();
  });
}

test('SquirrelMail: the header rows become the header block (folded Received lines kept)', async () => {
  const page = await open(`${NET}/squirrelmail/src/webmail.php`);
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), SQUIRREL_ORIGIN);
  assert.equal(await popup.locator('[data-testid=hop]').count(), 2);
  assert.match(await popup.locator('[data-testid=hop]').first().textContent(), /imap\.example\.net/);
  assert.match(await popup.locator('[data-testid=source]').textContent(), /SquirrelMail/);
  await popup.close();
  await page.close();
  browser.assertClean();
});

for (const [name, url, frameUrl, origin] of [
  ['SquirrelMail', `${NET}/squirrelmail/src/webmail.php`, /read_body\.php/, SQUIRREL_ORIGIN],
  ['Roundcube preview pane', `${JP}/roundcube/?_task=mail&_mbox=%26MEAwqTDr-`, /_action=preview/, ORIGIN_IP],
]) {
  test(`${name}: "Trace sender" clicked inside the message frame traces the open message`, async () => {
    const page = await open(url);
    const frame = (await frameIds(browser, page)).find((f) => frameUrl.test(f.url));
    assert.ok(frame && frame.frameId !== 0, 'the message is in a frame');
    const result = await clickMenu(browser, page, { frameId: frame.frameId });
    assert.equal(await originOf(result), origin);
    await result.close();
    await page.close();
    browser.assertClean();
  });
}

test('SquirrelMail, "View Full Header" page open: read from the page itself (toolbar and menu)', async () => {
  const page = await open(`${NET}/squirrelmail/src/view_header.php?mailbox=INBOX&passed_id=17&passed_ent_id=0`);
  asked.net.length = 0;
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), SQUIRREL_ORIGIN);
  assert.deepEqual(asked.sources(), [], 'nothing fetched: the header rows are on the page');
  await popup.close();
  const result = await clickMenu(browser, page);
  assert.equal(await originOf(result), SQUIRREL_ORIGIN);
  await result.close();
  await page.close();
  browser.assertClean();
});

test('any webmail: an open "View headers" dialog (lines as <div>s, a hidden decoy dialog) is traced', async () => {
  const page = await open(`${browser.server.url}webmail/generic/headers-dialog.html`);
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), '198.51.100.23');
  assert.match(await popup.locator('[data-testid=source]').textContent(), /shown on this page/);
  await popup.close();
  const result = await clickMenu(browser, page);
  assert.equal(await originOf(result), '198.51.100.23');
  await result.close();
  await page.close();
  browser.assertClean();
});
