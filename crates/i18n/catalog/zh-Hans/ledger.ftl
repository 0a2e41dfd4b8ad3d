## 台账的拒绝理由(qiangke-store):接口、审核台和命令行显示的内容。

## 其他部分仍以英文给出的文字(规则的诊断、监测文件、程序库的错误):照原样显示,能套上本目录消息的就套上。
ledger-other-text = { $text }
ledger-cell-hint = { $detail }({ $hint })

## 存储。
ledger-cannot-create-dir = 无法创建 { $dir }:{ $error }
ledger-dir-not-writable = { $dir } 无法写入({ $error });台账必须能在该处写入
ledger-no-ledger-at = { $path } 处没有台账
ledger-bad-database-url = “{ $url }”:应为 sqlite://路径 或 postgres://…
ledger-stored-event-not-json = 已保存的事件不是 JSON:{ $error }

## 角色:谁可以做什么。每项操作写明所需的角色。
ledger-role-refused = { $detail };您当前登录的角色是{ $role ->
        [admin] { role-admin }
        [reviewer] { role-reviewer }
        [finance] { role-finance }
        [county] { role-county }
       *[entity] { role-entity }
    }
ledger-act-create-users = 创建用户需要管理员角色
ledger-act-list-users = 查看用户列表需要管理员角色
ledger-act-change-user = 修改用户需要管理员角色
ledger-act-sign-in-log = 查看登录记录需要管理员角色
ledger-act-register-entity = 登记企业或单位需要管理员角色
ledger-act-bulk-import = 批量导入需要管理员或审核人员角色
ledger-act-verify = 核实奖补需要审核人员角色
ledger-act-decide = 决定奖补金额需要审核人员角色
ledger-act-second-approval = 对决定进行二次审批需要审核人员角色
ledger-act-record-payment = 登记拨付需要财政角色
ledger-act-budget = 查看预算报表需要财政、管理员或县区角色
ledger-act-appropriate = 录入预算额需要财政角色
ledger-unknown-department = 没有部门“{ $department }”
ledger-clause-not-paid-by = 这个部门不拨付条款 { $clause } 的奖补
ledger-act-record-observations = 填报指标监测值需要管理员、审核人员或县区角色
ledger-act-read-observations = 查看填报的监测值需要管理员、县区或审核人员角色
ledger-act-record-task-progress = 填报任务进展需要管理员、审核人员或县区角色
ledger-act-read-task-updates = 查看填报的任务进展需要管理员、县区或审核人员角色
ledger-act-verify-audit = 校验审计日志需要管理员或财政角色
ledger-act-audit-checkpoint = 审计检查点需要管理员或财政角色

## 用户。
ledger-cannot-hash = 无法计算密码散列:{ $error }
ledger-not-a-role = “{ $role }”不是角色;应为 entity、reviewer、finance、county、admin 之一
ledger-entity-user-needs-entity = 企业或单位用户需要指明所代表的企业或单位
ledger-reviewer-needs-department = 审核人员需要指明所属部门
ledger-not-a-department = “{ $department }”不是政策包中的部门(见 departments.toml)
ledger-county-user-needs-county = 县区用户需要指明县区
ledger-not-a-county = “{ $county }”不是政策包中的县区
ledger-username-shape = 1 至 64 个字符,不含空格
ledger-password-too-short = 至少 10 个字符
ledger-first-user-is-admin = 未登录时只能创建管理员
ledger-already-has-users = 台账已有用户:请以管理员身份登录后添加
ledger-username-taken = 用户名“{ $username }”已被使用
ledger-nothing-to-change = 没有要修改的内容:请给出 role(及其范围字段)、entity_id、department、county 或 disabled
ledger-no-user = 没有编号为 { $id } 的用户
ledger-no-user-named = 没有用户名为“{ $username }”的用户
ledger-last-admin = 这是最后一个启用的管理员:请先创建另一个管理员
ledger-only-admin-sets-password = 只有管理员可以设置其他用户的密码
ledger-wrong-current-password = 当前密码不正确
ledger-only-admin-ends-sessions = 只有管理员可以结束其他用户的会话
ledger-unknown-stored-role = 用户 { $id } 的角色“{ $role }”无法识别

## 企业或单位及其事实。
ledger-no-entity = 没有编号为 { $id } 的企业或单位
ledger-entity-out-of-sight = 企业或单位 { $id } 不在您可查看的范围内
ledger-entity-name-required = 必须填写企业或单位的登记名称
ledger-uscc-taken = 统一社会信用代码为 { $uscc } 的企业或单位已经登记(编号 { $id })
ledger-fact-value-shape = 应为文字、数字或是/否
ledger-fact-set-at-registration = “{ $name }”在登记企业或单位时填写,不作为事实填报
ledger-fact-is-yearly = “{ $name }”是年度数据:请给出 year(年度)
ledger-fact-unknown = “{ $name }”不是政策包中的事实
ledger-year-outside = 年度 { $year } 不在 { $from }–{ $to } 之内
ledger-fact-is-attribute = “{ $name }”是企业或单位的属性:请不要填写 year(年度)
ledger-fact-not-yearly = “{ $name }”不是政策包中的年度数据
ledger-event-not-object = 事件应是一个对象,包含 type、date 及其字段
ledger-fact-problem = { $name }:{ $detail }
ledger-record-own-entity-only = 您只能为本单位填报事实,不能为编号 { $id } 的企业或单位填报
ledger-role-cannot-record = { $role ->
        [admin] { role-admin }
        [reviewer] { role-reviewer }
        [finance] { role-finance }
        [county] { role-county }
       *[entity] { role-entity }
    }角色不能填报事实
ledger-item-not-supplied = 第 { $item } 项:“{ $name }”来自{ $who ->
        [none] 企业或单位本身(或管理员)
       *[other] { $who }
    }的记录,不属于{ $me }{ $more ->
        [yes] ;{ $detail }
       *[no] {""}
    }
ledger-row-not-supplied = 第 { $row } 行:“{ $name }”来自{ $who ->
        [none] 企业或单位本身(或管理员)
       *[other] { $who }
    }的记录,不属于{ $me }{ $more ->
        [yes] ;{ $detail }
       *[no] {""}
    }
ledger-records-only-supplied = { $detail };部门只能填报本部门提供的事实
ledger-imports-only-supplied = { $detail };部门只能导入本部门提供的事实
ledger-source-required = 请说明数据来源
ledger-source-marks-department = “{ $head }:”是部门自有事实的标记
ledger-nothing-to-record = 没有要填报的内容

## 批量导入。
ledger-unknown-uscc = 没有已登记的企业或单位使用统一社会信用代码“{ $uscc }”
ledger-unreadable-header = 表头无法读取:{ $error }
ledger-header-shape = 表头应为“uscc,year,fact,value”,实际是“{ $found }”
ledger-unreadable-row = 该行无法读取:{ $error }
ledger-year-shape = 应填年度(如 2023)或留空,填写的是“{ $text }”
ledger-invalid-json = JSON 格式不正确:{ $error }
ledger-import-empty = 导入的数据没有任何行

## 申报、奖补、决定和拨付。
ledger-apply-by-entity = 申报由企业或单位本身(或管理员)提出
ledger-facts-do-not-validate = 已填报的事实未通过校验:{ $problems }
ledger-amount-not-fen-exact = 规则 { $rule }:金额 { $amount } 没有精确到分
ledger-rule-has-no-department = 规则 { $rule } 既没有指明核实部门,也没有指明拨付部门
ledger-no-award = 没有编号为 { $id } 的奖补
ledger-award-out-of-sight = 奖补 { $id } 不在您可查看的范围内
ledger-not-a-status = “{ $status }”不是状态:应为 pending、approved、rejected 或 decided
ledger-verified-by-other = 规则 { $rule } 由 { $verifiers } 核实,不由 { $department } 核实
ledger-rejection-needs-reason = 驳回必须填写申请人能看懂的理由
ledger-no-longer-pending = 奖补 { $id } { $status ->
        [approved] { state-approved }
        [rejected] { state-rejected }
        [decided] { state-decided }
       *[other] 的状态为 { $status }
    },不再等待核实
ledger-verdict-given = { $department } 已经对奖补 { $id } 给出核实意见
ledger-four-eyes-own-facts = 双人复核:您为该企业或单位填报了 { $facts },而该奖补以此为依据;须由本部门另一位审核人员核准
ledger-plan-fixes = 政策规定的金额为 { $amount }元
ledger-plan-allows = 政策允许的金额为 { $low }元 至 { $high }元
ledger-plan-allows-at-least = 政策允许的金额不低于 { $low }元
ledger-amount-outside = { $amount }元 超出允许的区间:{ $detail }
ledger-already-decided = 奖补 { $id } 已经决定
ledger-only-approved-decided = 奖补 { $id } { $status ->
        [pending] { state-pending }
        [rejected] { state-rejected }
       *[other] 的状态为 { $status }
    }:只有已核实的奖补才能决定金额
ledger-once-key-paid = 一次性标识 { $key } 已有拨付(奖补 { $other }):一次性奖补只拨付一次
ledger-not-decided = 奖补 { $id } 尚未决定
ledger-no-second-approval-needed = 奖补 { $id } 的决定不需要二次审批
ledger-second-approval-given = 奖补 { $id } 的决定已经过二次审批
ledger-four-eyes-second = 双人复核:二次审批必须由决定人以外的另一人进行
ledger-no-payout = 没有编号为 { $id } 的拨付
ledger-payout-paid = 拨付 { $id } 已经拨付
ledger-payment-field-missing = 必须填写
ledger-payment-field-too-long = 不能超过 { $max } 个字
ledger-payment-no-payouts = 请至少选择一笔待拨付的款项
ledger-payment-payout-twice = 拨付 { $id } 被选了两次
ledger-no-payment = 没有编号为 { $id } 的支付
ledger-payment-key-reused = 这个请求标识已用于支付 { $id },不能用于另一笔支付
ledger-reversal-reason-missing = 冲销必须写明理由
ledger-act-publish = 发布公示
ledger-act-rule-objection = 处理异议
ledger-publish-not-publisher = 公示由{ $zh }(及系统管理员)发布
ledger-publish-nothing = 没有待公示的已决定奖补
ledger-publish-nothing-year = 没有待公示的 { $year } 年度已决定奖补
ledger-no-publication = 没有公示 { $id }
ledger-objection-period-over = 本次公示已于 { $date } 期满,不再受理异议
ledger-objection-not-listed = 奖补 { $award } 不在本次公示名单中
ledger-no-objection = 没有异议 { $id }
ledger-objection-other-department = 异议 { $id } 应由 { $department } 处理
ledger-objection-settled = 异议 { $id } 已经处理
ledger-objection-paid = 奖补 { $award } 的款项已经拨付:须先冲销拨付,才能撤回决定
ledger-pay-withdrawn = 拨付 { $id } 不能支付:异议成立,决定已撤回
ledger-pay-objection-open = 拨付 { $id } 不能支付:对它的异议 { $objection } 尚未处理
ledger-pay-not-published = 拨付 { $id } 不能支付:该奖补尚未公示
ledger-pay-in-period = 拨付 { $id } 不能支付:公示期至 { $date } 结束,期满后方可拨付
ledger-payout-not-paid = 拨付 { $id } 尚未支付,无需冲销
ledger-money-not-fen-exact = 金额须精确到分
ledger-expected-money = 应填金额

## 监测。
ledger-no-observations = 文件中没有监测值
ledger-row-outside-county = 第 { $row } 行 scope 列:“{ $scope }”不在您所在的县区({ $county })之内{ $more ->
        [yes] ;{ $detail }
       *[no] {""}
    }
ledger-no-updates = 文件中没有任务进展
ledger-report-for-own-department = 第 { $row } 行:您代表 { $own } 填报,不能代表 { $other }

## 审计记录:每项操作的名称。
audit-application-create = 提交申报
audit-award-create = 生成奖补
audit-award-approve = 核实通过
audit-award-reject = 驳回
audit-award-decide = 决定兑现
audit-award-second-approval = 二次审批决定
audit-entity-register = 登记企业或单位
audit-facts-record = 填报事实
audit-facts-import = 批量导入事实
audit-facts-imported = 导入本单位事实
audit-observations-record = 填报指标监测值
audit-payout-paid = 拨付完成
audit-payout-reverse = 冲销拨付
audit-payment-create = 登记支付凭证
audit-award-publish = 列入公示
audit-publication-create = 发布公示
audit-objection-file = 提出异议
audit-objection-uphold = 异议成立,撤回决定
audit-objection-reject = 异议不成立,维持决定
audit-budget-appropriate = 录入预算额
audit-key-voucher = 凭证号
audit-key-paid-on = 支付日期
audit-key-account = 付款账户
audit-key-total = 合计
audit-key-title = 标题
audit-key-starts-on = 公示开始
audit-key-ends-on = 公示截止
audit-key-publication = 公示
audit-key-objection = 异议
audit-key-withdrawn = 撤回决定
audit-key-awards = 奖补项数
audit-tasks-update = 填报任务进展
audit-user-create = 创建用户
audit-user-update = 修改用户
audit-user-password = 设置密码
audit-user-sessions-revoked = 结束会话
ledger-and-more = { $first };{ $rest }

## 审计记录页:对象和内容。
audit-subject-entity = 主体 { $id }
audit-subject-award = 奖补 { $id }
audit-subject-import = 导入批次 { $id }
audit-subject-user = 用户 { $id }
audit-subject-application = 申报 { $id }
audit-subject-payout = 拨付 { $id }
audit-subject-payment = 支付 { $id }
audit-subject-budget = 预算行 { $year } · { $department } · { $clause }
audit-field = { $key }:{ $value }
audit-key-rule = 奖补项目
audit-key-clause = 条款
audit-key-claim-year = 申报年度
audit-key-budget-year = 预算年度
audit-key-amount = 金额
audit-key-status = 状态
audit-key-reason = 理由
audit-key-department = 部门
audit-key-role = 角色
audit-key-username = 用户名
audit-key-county = 县区
audit-key-rows = 行数
audit-key-source = 来源
audit-key-paid-at = 拨付时间
audit-as-recorded = 原始记录
audit-subject-observations = 指标监测值
audit-subject-tasks = 任务进展
audit-actor-bootstrap = 系统初始化
audit-actor-public = 社会公众(公示页面)

# The 免申即享 round
whatif-act-run = 在登记主体上测算方案需要管理员、审核部门或财政角色
round-act-open = 开启免申即享批次需要管理员或审核部门角色
round-act-read = 查看免申即享批次需要管理员、审核部门或财政角色
round-rule-not-an-award = 规则 { $rule } 不是奖补规则,不能纳入批次
round-rule-unknown = 政策包中没有规则 { $rule }
round-none = 没有编号为 { $id } 的批次
round-confirm-own-only = 奖补 { $id } 只能由该企业(单位)本身确认或放弃
round-not-awaiting = 奖补 { $id } 不在待确认状态,不能再次确认或放弃
round-awaits-confirmation = 奖补 { $id } 尚待企业确认,确认后才能核实
audit-award-propose = 免申即享拟兑现
audit-award-flag = 标记复核(事实已变化)
audit-award-confirm = 企业确认申领
audit-award-decline = 企业放弃申领
audit-round-open = 开启免申即享批次
audit-subject-round = 批次 { $id }
audit-subject-publication = 公示 { $id }
ledger-entity-column-missing = 名单缺少 { $column } 列(列名可以是:{ $names })
ledger-entity-row-repeated = 统一社会信用代码 { $uscc } 在第 { $row } 行已经出现过
ledger-column-not-supplied = “{ $name }”来自{ $who ->
        [none] 企业或单位本身(或管理员)
       *[other] { $who }
    }的记录,不属于{ $me }
