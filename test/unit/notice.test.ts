import { escapeHtml, formatChineseTime, noticeSigner, renderNoticeHtml, type NoticeContent } from '../../domain/notice';

const XSS = '<script>alert(1)</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const ATTR = '"onload=';
const ATTR_ESCAPED = '&quot;onload=';

function content(overrides: Partial<NoticeContent> = {}): NoticeContent {
  return {
    kind: 'FIRST_PUBLICITY',
    version: 1,
    roundId: '3f2b8c1e-9d4a-4b7e-8f21-5a6b7c8d9e0f',
    countyName: '秦安县',
    townshipName: '兴国镇',
    villageName: '邢泉村',
    villageCode: '620522100201',
    startsAt: '2026-11-22T00:00:00.000Z',
    endsAt: '2026-11-29T00:00:00.000Z',
    publishedAt: '2026-11-22T00:00:00.000Z',
    items: [
      {
        no: 1,
        proposalId: 'a1',
        action: 'ENTER',
        headName: '张三',
        idNumberMasked: '6205**********009X',
        size: 4,
        category: 'TARGETED',
        cause: 'ILLNESS',
      },
      {
        no: 2,
        proposalId: 'a2',
        action: 'EXIT',
        headName: '李四',
        idNumberMasked: '6205**********1239',
        size: 3,
        exitReason: 'REACHED_STANDARD',
      },
    ],
    ...overrides,
  };
}

describe('escapeHtml', () => {
  it('escapes a script tag', () => {
    expect(escapeHtml(XSS)).toBe(XSS_ESCAPED);
  });

  it('escapes double and single quotes', () => {
    expect(escapeHtml(`"a" 'b'`)).toBe('&quot;a&quot; &#39;b&#39;');
    expect(escapeHtml(ATTR)).toBe(ATTR_ESCAPED);
  });

  it('escapes ampersands first, so entities are not double-decoded', () => {
    expect(escapeHtml('a & b')).toBe('a &amp; b');
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
    expect(escapeHtml('<&>')).toBe('&lt;&amp;&gt;');
  });

  it('leaves plain and Chinese text alone', () => {
    expect(escapeHtml('张三 abc 123')).toBe('张三 abc 123');
  });

  it('stringifies non-strings and turns null/undefined into an empty string', () => {
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml(0)).toBe('0');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
  });
});

describe('formatChineseTime', () => {
  it('converts UTC to Beijing time (UTC+8), crossing midnight', () => {
    expect(formatChineseTime('2026-11-29T16:30:00Z')).toBe('2026年11月30日 00:30:00');
  });

  it('converts within a day and pads hours, minutes and seconds', () => {
    expect(formatChineseTime('2026-11-29T00:00:05.000Z')).toBe('2026年11月29日 08:00:05');
  });

  it('crosses month and year boundaries', () => {
    expect(formatChineseTime('2026-12-31T16:00:00Z')).toBe('2027年1月1日 00:00:00');
    expect(formatChineseTime('2028-02-28T20:00:00Z')).toBe('2028年2月29日 04:00:00');
  });

  it('honours an explicit offset in the input', () => {
    expect(formatChineseTime('2026-11-30T00:30:00+08:00')).toBe('2026年11月30日 00:30:00');
  });
});

describe('renderNoticeHtml', () => {
  it('titles the first publicity 第一次公示 with the place names', () => {
    const html = renderNoticeHtml(content());
    expect(html).toContain('<title>秦安县兴国镇邢泉村贫困户识别第一次公示</title>');
    expect(html).toContain('<h1>秦安县兴国镇邢泉村贫困户识别第一次公示</h1>');
    expect(html).toContain('第一次公示');
    expect(html).not.toContain('第二次公示');
    expect(html).not.toContain('结果公告');
  });

  it('titles the second publicity 第二次公示', () => {
    const html = renderNoticeHtml(content({ kind: 'SECOND_PUBLICITY' }));
    expect(html).toContain('<h1>秦安县兴国镇邢泉村贫困户识别第二次公示</h1>');
    expect(html).not.toContain('贫困户识别第一次公示');
    // The real sequence of steps behind the list.
    expect(html).toContain('经村民代表会议民主评议、第一次公示和乡镇人民政府入户核查审核，现予公示');
  });

  it('titles an announcement of a round before the announcement period 公告 with its date and no objection period', () => {
    const html = renderNoticeHtml(content({ kind: 'ANNOUNCEMENT', startsAt: '2026-12-10T02:00:00Z', endsAt: null }));
    expect(html).toContain('贫困户识别结果公告');
    expect(html).toContain('公告日期：2026年12月10日 10:00:00');
    expect(html).toContain('现予公告');
    expect(html).not.toContain('公示期');
    expect(html).not.toContain('异议');
  });

  it.each(['FIRST_PUBLICITY', 'SECOND_PUBLICITY'] as const)(
    'states the period and the objection deadline of a %s in Beijing time',
    (kind) => {
      const html = renderNoticeHtml(
        content({ kind, startsAt: '2026-11-22T01:00:00Z', endsAt: '2026-11-29T16:30:00Z' }),
      );
      expect(html).toContain('公示期：2026年11月22日 09:00:00 至 2026年11月30日 00:30:00');
      expect(html).toContain('请于 2026年11月30日 00:30:00 前');
      expect(html).toContain('向邢泉村村民委员会或兴国镇人民政府实名反映');
      expect(html).toContain('现予公示');
    },
  );

  it('states the announcement period, where to object (the county) and that the registry changes only at its end', () => {
    const html = renderNoticeHtml(
      content({ kind: 'ANNOUNCEMENT', startsAt: '2026-12-10T02:00:00Z', endsAt: '2026-12-17T02:00:00Z' }),
    );
    expect(html).toContain('贫困户识别结果公告');
    expect(html).toContain('公告期：2026年12月10日 10:00:00 至 2026年12月17日 10:00:00');
    expect(html).toContain('请于 2026年12月17日 10:00:00 前向秦安县扶贫开发领导小组办公室实名反映');
    expect(html).toContain('公告期满无异议的，据此调整建档立卡信息');
    expect(html).toContain('县级审定（抽查）');
    expect(html).not.toContain('公示期');
    expect(html).not.toContain('村民委员会实名反映');
  });

  it.each([
    ['FIRST_PUBLICITY', '邢泉村村民委员会'],
    ['SECOND_PUBLICITY', '兴国镇人民政府'],
    ['ANNOUNCEMENT', '秦安县扶贫开发领导小组办公室'],
  ] as const)('has a %s signed by who publishes it: %s', (kind, signer) => {
    expect(noticeSigner(content({ kind }))).toBe(signer);
    const html = renderNoticeHtml(content({ kind, publishedAt: '2026-11-22T00:00:00Z' }));
    expect(html).toContain(`<p style="text-align:right">${signer}<br>2026年11月22日 08:00:00</p>`);
  });

  it('falls back to the start time when a publicity has no end', () => {
    const html = renderNoticeHtml(content({ startsAt: '2026-11-22T01:00:00Z', endsAt: null }));
    expect(html).toContain('公示期：2026年11月22日 09:00:00 至 2026年11月22日 09:00:00');
  });

  it('lists the items with their labels', () => {
    const html = renderNoticeHtml(content());
    expect(html).toContain(
      '<tr><td>1</td><td>纳入</td><td>张三</td><td>6205**********009X</td><td>4</td><td>精准扶贫户</td><td>因病</td></tr>',
    );
    expect(html).toContain(
      '<tr><td>2</td><td>退出</td><td>李四</td><td>6205**********1239</td><td>3</td><td></td><td>达到脱贫标准</td></tr>',
    );
    expect(html).not.toContain('（无）');
  });

  it('shows the signature, publication time, version and round id', () => {
    const html = renderNoticeHtml(content({ version: 3, publishedAt: '2026-11-22T00:00:00Z' }));
    expect(html).toContain('邢泉村村民委员会<br>2026年11月22日 08:00:00');
    expect(html).toContain('第 3 版 · 3f2b8c1e-9d4a-4b7e-8f21-5a6b7c8d9e0f');
  });

  it('renders （无） for an empty list', () => {
    const html = renderNoticeHtml(content({ items: [] }));
    expect(html).toContain('<tr><td colspan="7">（无）</td></tr>');
  });

  it.each(['FIRST_PUBLICITY', 'SECOND_PUBLICITY', 'ANNOUNCEMENT'] as const)('escapes every value of a %s', (kind) => {
    const evil = (tag: string) => `${tag}${XSS}${ATTR}`;
    const html = renderNoticeHtml(
      content({
        kind,
        countyName: evil('县'),
        townshipName: evil('镇'),
        villageName: evil('村'),
        roundId: evil('round'),
        items: [
          {
            no: 1,
            proposalId: 'p1',
            action: 'ENTER',
            headName: evil('户主'),
            idNumberMasked: evil('id'),
            size: 2,
            category: 'POLICY_GUARANTEE',
            cause: 'OTHER',
          },
        ],
      }),
    );
    expect(html).not.toContain(XSS);
    expect(html).not.toContain('<script');
    expect(html).not.toContain(ATTR);
    expect(html).toContain(XSS_ESCAPED);
    expect(html).toContain(ATTR_ESCAPED);
    for (const tag of ['县', '镇', '村', 'round', '户主', 'id']) {
      expect(html).toContain(`${tag}${XSS_ESCAPED}${ATTR_ESCAPED}`);
    }
  });

  it('is a complete UTF-8 HTML document in Chinese', () => {
    const html = renderNoticeHtml(content());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('is deterministic: the same content renders the same HTML', () => {
    expect(renderNoticeHtml(content())).toBe(renderNoticeHtml(content()));
  });
});
