## 计算结果的说明。

## explain.rs
ex-date = 日期
ex-claim-year = 申报年度
ex-pack = 规则包
ex-needed-first = 需补充信息:
ex-it-decides-whether-these = 它决定以下规则是否适用,共
ex-sep = ；
ex-rules-that-need-more = 需补充信息才能判断的规则
ex-rules-with-no-triggering = 本年度无触发事实的规则
ex-rules-for-other-kinds = 不适用于本主体类型的规则
ex-total-by-budget-year = 合计（按预算年度）
ex-at-least = 不低于
ex-awarded = 可获补助
ex-limit-not-a-payment = 上限(非拨款)
ex-check = 检查
ex-met = 已达到
ex-provisional = 暂定
ex-score = 得分
ex-score-range = 区间:由专家在档内评定
ex-standard = 标准
ex-standard-meets = 符合
ex-standard-cannot-meet = 不符合
ex-standard-review = 取决于专家评审:得分区间跨越及格线
ex-standard-not-in-force = 不在有效期内:该年度不适用本标准
ex-standard-route = 直接确认:{ $route }({ $clause })
ex-standard-score = 得分 { $score },须{ $pass }
ex-standard-short = 确定部分尚差 { $points },须由专家评审给出
ex-standard-failed = 未满足:
ex-undefined-ratio = 无法计算比例“{ $expr }”:分母为零
ex-fn-ratio = 比例
ex-colon = :
ex-tier-computed = 计算所得的值({ $value })
ex-fn-years-after = 若干年后的同日
ex-the-plan-sets-no = {" "}(方案未设上限,具体金额由主管部门确定)
ex-the-exact-amount-is = 具体金额由主管部门在此区间内决定
ex-not-eligible = 不符合
ex-needs-information = 需补充信息
ex-budget-year = 预算年度
ex-verified-by = 核实:
ex-paid-by = 拨付:
ex-source = 依据:
ex-procedure = 程序:
ex-triggered-by = 触发:
ex-counts-as-such-under = 推定:
ex-because = 计算过程:
ex-interpretation = 解释说明
ex-amount-out-of-computable = 金额超出可计算范围
ex-not-known = 未知
ex-yes = 是
ex-no = 否
ex-boundary-value-see-interpretation = 边界取值见解释说明
ex-list-separator = 、

## 计算过程的每一步,写成句子。
ex-op-eq = 等于
ex-op-ne = 不等于
ex-op-lt = 低于
ex-op-le = 不超过
ex-op-gt = 大于
ex-op-ge = 不低于
ex-op-other = 与
ex-step-compare-fact = { $subject }:{ $lhs } { $op } { $rhs } → { $result }
ex-step-compare = { $lhs } { $op } { $rhs } → { $result }
ex-fn-min = 取较小者
ex-fn-max = 取较大者
ex-fn-range = 金额区间
ex-fn-round-fen = 四舍五入到分
ex-fn-year-of = 所属年份
ex-fn-at-least = 不低于
ex-step-call = { $func }:{ $args } → { $result }
ex-step-tier = { $input } 属于「{ $band }」档 → { $amount }
ex-step-no-tier = { $input } 不在任何一档内
ex-step-next-tier = ;再增加 { $gap } 可达「{ $band }」档({ $amount })
ex-step-rounded = { $from } 按四舍五入精确到分 → { $to }
ex-tier-hint = { $what }再增加 { $gap } 即可达到「{ $band }」档({ $amount })

## 为什么不符合,写成句子。
ex-unmet-needs-yes = 本条要求“{ $fact }”为“是”,实际为“否”
ex-unmet-needs-no = 本条要求“{ $fact }”为“否”,实际为“是”
ex-unmet-compare = 本条要求{ $fact }{ $op } { $bound },实际为 { $value }
ex-unmet-ratio = { $fact }为 { $value },占 { $of } 的比例须不低于 { $bound }:须至少 { $need },还差 { $more }
ex-unmet-ratio-sum = { $fact }为 { $value },与其余部分 { $with } 合计,占 { $of } 的比例须不低于 { $bound }:{ $fact }须至少 { $need },还差 { $more }
ex-condition-failed = 条件不满足:{ $expr }
ex-check-not-met = 未达到:{ $why }
ex-not-in-force = 不在政策有效期内:{ $when } 不在 { $from } 至 { $to } 之间
ex-no-trigger = { $year } 年度没有符合条件的{ $event }
ex-below-lowest-tier = { $input } 低于最低档({ $band })
ex-already-awarded = 一次性补助已在 { $year } 年度给予{ $at },不重复给予
ex-base-not-awarded = 此为“再给予”的追加补助,须先获得基础补助“{ $base }”
ex-applicant-kind = 本条适用于{ $who },不适用于{ $kind }

## 规则包中的条件,写成句子。
ex-cond-is = { $fact }为{ $value }
ex-cond-or = 或
ex-cond-and = 且
