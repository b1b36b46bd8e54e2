// Enumerations shared by workflows, activities and the API. Plain constants (no Prisma import) so the
// workflow bundle stays free of I/O code; test/unit/enums.test.ts checks they match the Prisma schema.

export const ROLES = ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const CATEGORIES = ['TARGETED', 'POLICY_GUARANTEE', 'CONSOLIDATION'] as const;
export type Category = (typeof CATEGORIES)[number];

export const HOUSEHOLD_STATUSES = ['REGISTERED', 'EXITED', 'NOT_REGISTERED'] as const;
export type HouseholdStatus = (typeof HOUSEHOLD_STATUSES)[number];

export const CAUSES = [
  'DISASTER',
  'ILLNESS',
  'SCHOOLING',
  'DISABILITY',
  'LACK_OF_LABOUR',
  'LACK_OF_FUNDS',
  'LACK_OF_SKILLS',
  'LACK_OF_LAND',
  'LACK_OF_WATER',
  'TRANSPORT',
  'LACK_OF_MOTIVATION',
  'OTHER',
] as const;
/** The twelve national causes of poverty (致贫原因). "Missed before" (漏评) is an entry reason, not a cause. */
export type Cause = (typeof CAUSES)[number];

/** Why a household enters: newly identified, missed before (漏评), or fallen back into poverty (返贫). */
export const ENTRY_REASONS = ['NEW_IDENTIFIED', 'MISSED', 'RETURNED_TO_POVERTY'] as const;
export type EntryReason = (typeof ENTRY_REASONS)[number];

/** Why a household exits; NATURAL_DECREASE (death, moving away) needs a note saying which. */
export const EXIT_REASONS = ['REACHED_STANDARD', 'WRONGLY_INCLUDED', 'NATURAL_DECREASE'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const STAGES = [
  'VILLAGE_ASSESSMENT',
  'FIRST_PUBLICITY',
  'TOWNSHIP_REVIEW',
  'SECOND_PUBLICITY',
  'COUNTY_ANNOUNCEMENT',
  'ANNOUNCEMENT_PERIOD',
  'COMPLETED',
] as const;
export type Stage = (typeof STAGES)[number];

export const ROUND_STATUSES = ['OPEN', 'COMPLETED', 'CANCELLED'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const PROPOSAL_ACTIONS = ['ENTER', 'EXIT', 'RECLASSIFY'] as const;
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number];

export const PROPOSAL_STATUSES = ['PROPOSED', 'WITHDRAWN', 'REJECTED', 'SUPERSEDED', 'APPLIED'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export const NOTICE_KINDS = ['FIRST_PUBLICITY', 'SECOND_PUBLICITY', 'ANNOUNCEMENT'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const VISIT_FINDINGS = ['CONFIRMED', 'NOT_CONFIRMED'] as const;
export type VisitFinding = (typeof VISIT_FINDINGS)[number];

export const OBJECTION_STATUSES = ['OPEN', 'UPHELD', 'DISMISSED'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

/** Chinese labels used on printed notices. */
export const CATEGORY_LABELS: Record<Category, string> = {
  TARGETED: '精准扶贫户',
  POLICY_GUARANTEE: '政策保障户',
  CONSOLIDATION: '巩固提升户',
};

export const CAUSE_LABELS: Record<Cause, string> = {
  DISASTER: '因灾',
  ILLNESS: '因病',
  SCHOOLING: '因学',
  DISABILITY: '因残',
  LACK_OF_LABOUR: '缺劳力',
  LACK_OF_FUNDS: '缺资金',
  LACK_OF_SKILLS: '缺技术',
  LACK_OF_LAND: '缺土地',
  LACK_OF_WATER: '缺水',
  TRANSPORT: '交通条件落后',
  LACK_OF_MOTIVATION: '自身发展动力不足',
  OTHER: '其他',
};

export const ENTRY_REASON_LABELS: Record<EntryReason, string> = {
  NEW_IDENTIFIED: '新识别',
  MISSED: '漏评',
  RETURNED_TO_POVERTY: '返贫',
};

export const EXIT_REASON_LABELS: Record<ExitReason, string> = {
  REACHED_STANDARD: '达到脱贫标准',
  WRONGLY_INCLUDED: '不符合条件',
  NATURAL_DECREASE: '自然减少',
};

export const ACTION_LABELS: Record<ProposalAction, string> = {
  ENTER: '纳入',
  EXIT: '退出',
  RECLASSIFY: '类别调整',
};

export const STAGE_LABELS: Record<Stage, string> = {
  VILLAGE_ASSESSMENT: '村民评议',
  FIRST_PUBLICITY: '第一次公示',
  TOWNSHIP_REVIEW: '乡镇审核',
  SECOND_PUBLICITY: '第二次公示',
  COUNTY_ANNOUNCEMENT: '县审定',
  ANNOUNCEMENT_PERIOD: '公告期',
  COMPLETED: '已完成',
};
