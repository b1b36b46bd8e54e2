// Chinese labels for what the API answers in codes: the domain's own label tables where it has them (the same
// words printed on notices), and the console's words for the rest — every key typed by the domain's enums, so a
// new value fails type-checking here until it has a label.
import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  CAUSE_LABELS,
  ENTRY_REASON_LABELS,
  EXIT_REASON_LABELS,
  STAGE_LABELS,
  type ObjectionStatus,
  type ProposalStatus,
  type Role,
  type RoundStatus,
  type VisitFinding,
} from '../../domain/enums';
import { FINDING_LABELS } from '../../domain/supervision';
import { INDICATOR_LABELS } from '../../domain/facts';

// The domain's tables that the registry, household and exit pages print (the words of the roster export and the
// exit notices).
export { STATUS_LABELS as HOUSEHOLD_STATUS_LABELS } from '../../domain/csv';
export { HEALTH_LABELS, RELATION_LABELS, SEX_LABELS } from '../../domain/roster';
export { EXIT_LEVEL_LABELS, EXIT_STAGE_LABELS } from '../../domain/exit';

export {
  ACTION_LABELS,
  CATEGORY_LABELS,
  CAUSE_LABELS,
  ENTRY_REASON_LABELS,
  EXIT_REASON_LABELS,
  FINDING_LABELS,
  INDICATOR_LABELS,
  STAGE_LABELS,
};

export const ROLE_LABELS: Record<Role, string> = { VILLAGE: '村级', TOWNSHIP: '乡镇', COUNTY: '县级', ADMIN: '管理员' };

export const ROUND_STATUS_LABELS: Record<RoundStatus, string> = {
  OPEN: '进行中',
  COMPLETED: '已完成',
  CANCELLED: '已撤销',
};

export const PROPOSAL_STATUS_LABELS: Record<ProposalStatus, string> = {
  PROPOSED: '拟定',
  WITHDRAWN: '已撤回',
  REJECTED: '已否决',
  SUPERSEDED: '已更正',
  APPLIED: '已生效',
};

/** Objection outcomes: 成立 (upheld, with a correction) or 不成立 (dismissed). */
export const OBJECTION_STATUS_LABELS: Record<ObjectionStatus, string> = {
  OPEN: '待处理',
  UPHELD: '异议成立',
  DISMISSED: '异议不成立',
};

export const VISIT_FINDING_LABELS: Record<VisitFinding, string> = {
  CONFIRMED: '核实属实',
  NOT_CONFIRMED: '核实不属实',
};

/** What a task in the inbox asks for (GET /tasks `kind`). */
export const TASK_KIND_LABELS: Record<string, string> = {
  DECIDE: '待决定',
  RESOLVE_OBJECTION: '待处理异议',
  OVERDUE: '已逾期',
  FINDING: '督查问题',
  DECIDE_EXIT: '待决定退出',
  RESOLVE_EXIT_OBJECTION: '待处理退出异议',
  PROPOSE_ENTRY: '待提名纳入',
};

/** A label from a table, or the code itself when the table has none (an API newer than the console). */
export function label(table: Record<string, string>, code: string | null | undefined): string {
  if (code === null || code === undefined) return '';
  return table[code] ?? code;
}

/** A date-time as officials read it (Beijing time, 24-hour). */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

/** What an entry of a round's trail records (GET /rounds/:id `decisions[].kind`). */
export const TRAIL_KIND_LABELS: Record<string, string> = {
  ROUND_STARTED: '启动评议',
  ASSESSMENT_SUBMITTED: '提交村级评议结果',
  FIRST_PUBLICITY: '第一次公示',
  SECOND_PUBLICITY: '第二次公示',
  PUBLICITY_ENDED: '公示期满',
  OBJECTION_FILED: '登记异议',
  OBJECTION_RESOLVED: '处理异议',
  TOWNSHIP_REVIEW: '乡镇审核',
  COUNTY_SAMPLE_DRAWN: '抽取县级抽查样本',
  COUNTY_VERIFICATION: '县级核查',
  COUNTY_ANNOUNCEMENT: '县级审定',
  ANNOUNCEMENT: '县级公告',
  ANNOUNCEMENT_PERIOD_ENDED: '公告期满',
  DEADLINE_REMINDER: '逾期提醒',
  ROUND_CANCELLED: '撤销本轮',
  SUPERVISION_FINDING: '督查发现问题',
};

/** Decisions as the trail names them (`decisions[].decision`). */
export const DECISION_LABELS: Record<string, string> = {
  APPROVE: '审核通过',
  RETURN: '退回',
  ANNOUNCE: '审定公告',
  UPHELD: '异议成立',
  DISMISSED: '异议不成立',
};

/** The kinds of notice (公示、公告). */
export const NOTICE_KIND_LABELS: Record<string, string> = {
  FIRST_PUBLICITY: '第一次公示',
  SECOND_PUBLICITY: '第二次公示',
  ANNOUNCEMENT: '县级公告',
};
