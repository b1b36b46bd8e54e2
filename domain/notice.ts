// Printable notices (公示 / 公告) in Chinese. Content is frozen at publication; the HTML is rendered from it
// once and stored, so what is served later is exactly what was published.
import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  CAUSE_LABELS,
  ENTRY_REASON_LABELS,
  EXIT_REASON_LABELS,
  type Category,
  type Cause,
  type EntryReason,
  type ExitReason,
  type NoticeKind,
  type ProposalAction,
} from './enums';

export interface NoticeItem {
  no: number;
  proposalId: string;
  action: ProposalAction;
  headName: string;
  /** Always masked: a notice is posted publicly. */
  idNumberMasked: string;
  size: number;
  category?: Category;
  cause?: Cause;
  entryReason?: EntryReason;
  exitReason?: ExitReason;
}

export interface NoticeContent {
  kind: NoticeKind;
  version: number;
  roundId: string;
  countyName: string;
  townshipName: string;
  villageName: string;
  villageCode: string;
  startsAt: string;
  endsAt: string | null;
  publishedAt: string;
  items: NoticeItem[];
}

const TITLES: Record<NoticeKind, string> = {
  FIRST_PUBLICITY: '贫困户识别第一次公示',
  SECOND_PUBLICITY: '贫困户识别第二次公示',
  ANNOUNCEMENT: '贫困户识别结果公告',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** 2026年11月29日 08:00 (Beijing time, which notices are posted in). */
export function formatChineseTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * Who publishes a notice and signs it: the first publicity the village committee, the second the township
 * government, the announcement the county's poverty-alleviation office (DOMAIN.md).
 */
export function noticeSigner(c: Pick<NoticeContent, 'kind' | 'countyName' | 'townshipName' | 'villageName'>): string {
  if (c.kind === 'FIRST_PUBLICITY') return `${c.villageName}村民委员会`;
  if (c.kind === 'SECOND_PUBLICITY') return `${c.townshipName}人民政府`;
  return `${c.countyName}扶贫开发领导小组办公室`;
}

/** The steps that produced the list, its period, and where to object during it. */
function noticeText(c: NoticeContent): { period: string; closing: string } {
  const e = escapeHtml;
  const from = e(formatChineseTime(c.startsAt));
  const until = c.endsAt === null ? null : e(formatChineseTime(c.endsAt));
  if (c.kind === 'ANNOUNCEMENT') {
    const steps = '以上名单经村民代表会议民主评议、第一次公示、乡镇人民政府入户核查审核、第二次公示和县级审定（抽查）';
    // A round under the rules it started with (before the announcement period) has no period: it takes effect at once.
    if (until === null) {
      return {
        closing: `<p>${steps}，现予公告，并据此调整建档立卡信息。</p>`,
        period: `<p>公告日期：${from}</p>`,
      };
    }
    return {
      closing: `<p>${steps}，现予公告。公告期满无异议的，据此调整建档立卡信息。</p>`,
      period:
        `<p>公告期：${from} 至 ${until}</p>` +
        `<p>公告期内，任何单位和个人如有异议，请于 ${until} 前向${e(noticeSigner(c))}实名反映（书面或当面），` +
        `由县扶贫开发领导小组办公室核实处理。</p>`,
    };
  }
  const where = `${e(c.villageName)}村民委员会或${e(c.townshipName)}人民政府`;
  const steps =
    c.kind === 'FIRST_PUBLICITY'
      ? '以上名单经村民代表会议民主评议产生，现予公示。'
      : '以上名单经村民代表会议民主评议、第一次公示和乡镇人民政府入户核查审核，现予公示。';
  return {
    closing: `<p>${steps}</p>`,
    period:
      `<p>公示期：${from} 至 ${until ?? from}</p>` +
      `<p>公示期内，任何单位和个人如有异议，请于 ${until ?? from} 前向${where}实名反映（书面或当面），` +
      `由乡镇人民政府核实处理。</p>`,
  };
}

/** The reason column: an exit's reason; an entry's cause and, when known, why it enters (e.g. 因病（漏评）). */
function itemReason(i: NoticeItem): string {
  if (i.action === 'EXIT') return i.exitReason ? EXIT_REASON_LABELS[i.exitReason] : '';
  const cause = i.cause ? CAUSE_LABELS[i.cause] : '';
  return i.entryReason ? `${cause}（${ENTRY_REASON_LABELS[i.entryReason]}）` : cause;
}

export function renderNoticeHtml(c: NoticeContent): string {
  const e = escapeHtml;
  const title = `${c.countyName}${c.townshipName}${c.villageName}${TITLES[c.kind]}`;
  const rows = c.items
    .map((i) => {
      const reason = itemReason(i);
      return (
        `<tr><td>${e(i.no)}</td><td>${e(ACTION_LABELS[i.action])}</td><td>${e(i.headName)}</td>` +
        `<td>${e(i.idNumberMasked)}</td><td>${e(i.size)}</td>` +
        `<td>${e(i.category ? CATEGORY_LABELS[i.category] : '')}</td><td>${e(reason)}</td></tr>`
      );
    })
    .join('\n');
  const { period, closing } = noticeText(c);
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(title)}</title>
<style>
body { font-family: "SimSun", "Songti SC", serif; margin: 2em; }
h1 { text-align: center; font-size: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 4px 8px; text-align: center; }
.meta { color: #444; font-size: 0.9em; }
@media print { .meta { display: none; } }
</style>
</head>
<body>
<h1>${e(title)}</h1>
${closing}
<table>
<thead><tr><th>序号</th><th>类型</th><th>户主姓名</th><th>身份证号</th><th>人口</th><th>户类别</th><th>原因</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="7">（无）</td></tr>'}
</tbody>
</table>
${period}
<p style="text-align:right">${e(noticeSigner(c))}<br>${e(formatChineseTime(c.publishedAt))}</p>
<p class="meta">第 ${e(c.version)} 版 · ${e(c.roundId)}</p>
</body>
</html>
`;
}
