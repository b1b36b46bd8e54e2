// Problem responses (RFC 9457, api/problem.ts) in Chinese: a message for the problem's stable `code`, and one for
// each field it names (`errors[].path`). The API's field messages are English; the known ones are translated here,
// the others shown after a Chinese lead so nothing is hidden. Pure (no Preact): problems.ts adds the components.

export interface FieldProblem {
  path: string;
  message: string;
}

export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail: string;
  errors?: FieldProblem[];
  reason?: string;
  stage?: string;
  roundId?: string;
}

export function isProblem(data: unknown): data is Problem {
  return typeof data === 'object' && data !== null && typeof (data as Problem).code === 'string';
}

const CODE_MESSAGES: Record<string, string> = {
  VALIDATION_FAILED: '填写的内容不符合要求，请按提示修改。',
  INVALID_CURSOR: '分页参数无效，请刷新页面。',
  MALFORMED_JSON: '提交的数据无法读取。',
  INVALID_ENCODING: '提交的数据编码有误。',
  BAD_REQUEST: '请求无法处理。',
  UNAUTHENTICATED: '登录已失效，请重新登录。',
  FORBIDDEN: '您的角色无权办理此事项。',
  OUT_OF_JURISDICTION: '该事项不在您的管辖范围内。',
  NOT_FOUND: '未找到该记录。',
  NO_ROUTE: '未找到该记录。',
  ROUND_NOT_RUNNING: '该轮次的流程未在运行。',
  ALREADY_EXISTS: '记录已存在（例如该村已有进行中的轮次）。',
  WRONG_STAGE: '该轮次当前不在此环节，无法办理。请刷新页面查看最新进度。',
  ROUND_CLOSED: '该轮次已结束或已撤销。',
  CAMPAIGN_CLOSED: '该批次已结束或已撤销。',
  DECISION_IN_PROGRESS: '另一项决定正在办理中，请稍后重试。',
  IDEMPOTENCY_KEY_IN_PROGRESS: '请求正在处理中，请稍后重试。',
  CONFLICT: '与当前状态冲突，请刷新后重试。',
  PAYLOAD_TOO_LARGE: '提交的内容过多。',
  UNSUPPORTED_MEDIA_TYPE: '提交的数据格式不受支持。',
  IDEMPOTENCY_KEY_REUSED: '重复的请求标识。',
  INVALID_DECISION: '该决定不符合规则，未被受理。',
  TOO_MANY_REQUESTS: '尝试次数过多，请稍后再试。',
  PAYLOAD_UNDECODABLE: '数据无法解密。',
  INTERNAL_ERROR: '系统内部错误，本次提交未生效。',
  CSRF_FAILED: '会话校验失败，请刷新页面后重试。',
};

/** The problem's message: by its code, or its own detail for a code this console does not know. */
export function problemMessage(p: Problem): string {
  return CODE_MESSAGES[p.code] ?? p.detail;
}

/** Known English field messages of the API (exact or by pattern), in Chinese. */
const FIELD_MESSAGES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^the same household appears twice in the list$/, () => '同一户在名单中出现了两次'],
  [/^no such household$/, () => '没有这一户'],
  [/^the household belongs to another village$/, () => '该户属于其他村'],
  [/^only a registered household can exit; it is (\w+)$/, () => '只有在册户才能退出'],
  [/^only a registered household can be reclassified; it is (\w+)$/, () => '只有在册户才能调整类别'],
  [/^the household is already (\w+)$/, () => '该户已是此类别'],
  [/^the household is already registered$/, () => '该户已在册'],
  [/^a household with this ID number is already in the registry/, () => '该身份证号的户已在册，请通过搜索选择该户'],
  [/^no income is recorded$/, () => '没有收入记录'],
  [/^no poverty line for (\d+)/, (m) => `${m[1]} 年没有贫困线，无法判断（由县级录入）`],
  [
    /^per-capita income (\d+(?:\.\d+)?) 元 is not above the (\d+) line of (\d+(?:\.\d+)?) 元$/,
    (m) => `人均纯收入 ${m[1]} 元未超过 ${m[2]} 年贫困线 ${m[3]} 元`,
  ],
  [
    /^per-capita income (\d+(?:\.\d+)?) 元 is not below the (\d+) line of (\d+(?:\.\d+)?) 元$/,
    (m) => `人均纯收入 ${m[1]} 元不低于 ${m[2]} 年贫困线 ${m[3]} 元`,
  ],
  [/^the indicators have not been assessed$/, () => '尚未评估“两不愁三保障”'],
  [/^not met$/, () => '未达到'],
  [/^all five indicators are met$/, () => '“两不愁三保障”各项均已达到'],
  [/^the facts the proposal was checked against are missing$/, () => '缺少核对所依据的家庭情况'],
  [/^no household visit for proposals/, () => '以下拟定名单没有入户核查记录'],
  [/^not on the current list of this round$/, () => '不在本轮当前名单上'],
  [/^NOT_CONFIRMED: reject this proposal/, () => '核查不属实：请否决该户或退回名单'],
  [/^an EXIT has no category or cause/, () => '退出没有类别和致贫原因，请改为撤回'],
  [/^already on the list$/, () => '已在名单上'],
  [/^during the second publicity the township visits the household first$/, () => '第二次公示期间须先入户核查'],
  [/^the visit did not confirm the correction$/, () => '入户核查未证实该更正'],
  [/^must be a phone number$/, () => '请填写正确的电话号码'],
  [
    /^not carried: votesFor \((\d+)\) must be more than half of the (\d+) representatives present$/,
    (m) => `赞成票 ${m[1]} 票未超过到会代表 ${m[2]} 人的半数，未获通过`,
  ],
  [/^more votes \((\d+)\) than representatives present \((\d+)\)$/, (m) => `票数 ${m[1]} 超过到会代表人数 ${m[2]}`],
  [/^quorum not reached/, () => '到会代表不足代表总人数的三分之二，会议无效'],
  [/^cannot exceed representativesTotal$/, () => '到会人数不能超过代表总人数'],
  [/^ENTER needs a category$|^RECLASSIFY needs the new category$/, () => '请选择户类别'],
  [/^ENTER needs a cause$/, () => '请选择主要致贫原因'],
  [/^ENTER needs an entryReason/, () => '请选择纳入原因'],
  [/^EXIT needs an exitReason$/, () => '请选择退出原因'],
  [/^a REACHED_STANDARD exit needs the household's signed agreement/, () => '达标退出须有农户签字认可日期'],
  [/^a NATURAL_DECREASE exit needs a note/, () => '自然减少须在备注中说明原因（死亡、迁出等）'],
  [/^give exactly one of householdId/, () => '请选择一户'],
  [/^at least one proposal/, () => '请至少提出一户，或勾选“本轮无变动”'],
  [/^must not be empty$/, () => '必填'],
  [/^must be a date/, () => '请填写日期'],
  [/^Invalid input: expected (number|string|object|array|boolean), received (undefined|string|null)/, () => '必填'],
  [/^Invalid option/, () => '请选择'],
  [/^Required$|expected .*, received undefined/i, () => '必填'],
  [/^Too small|too_small|>=|at least/i, () => '数值或长度不足'],
  [/^Too big|too_big|<=|at most/i, () => '数值或长度超出范围'],
  [/^Invalid (string|input|option|enum)/i, () => '取值无效'],
];

/** A field message of the API in Chinese; unknown ones keep the API's words after a Chinese lead. */
export function fieldMessage(message: string): string {
  for (const [pattern, text] of FIELD_MESSAGES) {
    const m = message.match(pattern);
    if (m) return text(m);
  }
  return `不符合要求：${message}`;
}

/** Each field the problem names → its message in Chinese (several messages for one field joined). */
export function fieldErrors(p: Problem | null | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of p?.errors ?? []) {
    const text = fieldMessage(e.message);
    map.set(e.path, map.has(e.path) ? `${map.get(e.path)}；${text}` : text);
  }
  return map;
}

/** The message for a field, also taking messages of the paths under it (`proposals.0.facts.incomes.2024`). */
export function messageFor(errors: Map<string, string>, path: string): string | undefined {
  const texts = [...errors].filter(([p]) => p === path || p.startsWith(`${path}.`)).map(([, t]) => t);
  return texts.length ? texts.join('；') : undefined;
}
