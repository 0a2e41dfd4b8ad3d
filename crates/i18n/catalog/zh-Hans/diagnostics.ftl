# 规则包、事实文件和测试用例中的错误,像编译器那样标明位置(qiangke_rules::diag)。
# 错误代码、文件名、行列号和原文保持不变。

## 诊断信息的框架:“错误[E002]: …”和“= 提示: …”。
diag-error = 错误
diag-warning = 警告
diag-help = 提示
diag-did-you-mean = 是否应为“{ $name }”?

## 读取规则包文件夹(E042)。
e-not-utf8 = { $name } 不是 UTF-8 编码的文本
e-cannot-read = 无法读取 { $name }:{ $reason }
e-folder-lacks = 规则包文件夹中没有 { $name }
e-cannot-read-folder = 无法读取 { $name } 文件夹:{ $reason }
e-source-outside = 原文“{ $name }”必须是规则包文件夹内的文件
e-no-manifest = 规则包中没有 pack.toml
e-source-missing = 规则包中没有原文“{ $name }”
e-no-vocabulary = 规则包中没有 facts.toml(事实词表)
e-no-rules = 规则包中没有规则(rules/*.toml 未声明任何规则)

## 规则包文件的结构(E001–E003、E011)。
e-invalid-toml = TOML 格式错误:{ $detail }
e-unknown-field = 未知字段“{ $name }”
e-expected-one-of = 应为以下之一:{ $list }
e-missing-field = 缺少必填字段“{ $name }”
e-hint-field-quote = 每条规则都要逐字引用它所对应的原文句子
e-hint-field-clause = 每条规则都要写明条款,如 四(二)8
e-hint-field-once = 说明两笔奖励在什么情况下算同一笔,如 once = ["recognition.kind"]
e-hint-field-budget-year = "same"(当年)或 "next"(列入次年…预算)
e-hint-field-departments = 填写在 pack.toml 中声明过的部门
e-hint-field-other = 规则包格式见 ARCHITECTURE.md
e-declared-twice = { $kind ->
        [variant] 枚举值
        [department] 部门
        [enum] 枚举
        [event] 事件
        [note] 解释说明
        [tier-table] 分档表
        [indicator] 指标
        [target] 目标
        [task] 任务
       *[other] { $kind }
    }“{ $name }”重复声明
e-field-declared-twice = “{ $name }”重复声明
e-rule-id-twice = 规则编号“{ $name }”被使用了两次
e-hint-rule-id = 每条规则都需要自己的编号:奖励记录和台账都按编号引用规则

## 事实词表(facts.toml)。
e-unknown-type = 未知类型“{ $name }”
e-types-are = 可用的类型有:{ $list }
e-required-and-required-when = “required”和“required_when”只能写一个
e-unknown-shorthand = 未知简写“{ $name }”
e-hint-shorthand = 唯一可用的简写是 "every-year"
e-no-such-enum = 没有声明名为“{ $name }”的枚举
e-event-date-declared = 事件本身已有“date”字段,不要再声明
e-supplied-by-on-field = “supplied_by”应写在事件上,而不是事件的某个字段上
e-hint-supplied-by = 一个事件整体来自一个部门的记录
e-shorthand-not-yearly = “attribute_shorthand”只能用于年度数据
e-required-when-not-event = “required_when”只能用于事件的字段(条件只能涉及该事件自身的字段)
e-attribute-and-yearly = “{ $name }”既是主体属性又是年度数据
e-hint-every-year = 请声明为年度数据并加上 attribute_shorthand = "every-year",这样也可以写在“entity”下
e-no-kind-attribute = 事实词表必须声明类型为“{ $type }”的属性“kind”
e-reads-unrequired = “{ $who }”读取了“{ $event }.{ $field }”,但 facts.toml 没有把它标为必填
e-hint-mark-required = 给该字段加上 required = true(或 required_when = "…"),表单才会要求填写

## 引用:条款、原文、部门、解释说明、事件(E010–E016)。
e-not-a-clause = “{ $text }”不是有效的条款编号
e-hint-clause = 按原文的编号书写,括号用半角,如 四(二)8、第六条(二)、指引十(一)3
e-quote-empty = 引文为空
e-quote-not-found = 原文中找不到与引文完全一致的文字
e-hint-quote-differs = 前 { $count } 个字与原文一致;从“{ $at }”处开始不同
e-hint-quote-copy = 请从原文中逐字复制该句,标点也要一致
e-unknown-event-type = 未知事件类型“{ $name }”
e-hint-trigger = 触发条件应为“year”或以下事件之一:{ $list }
e-unknown-department = 未知部门“{ $name }”
e-hint-departments = 部门在 departments.toml 中声明(id、zh、en、aliases)
e-unknown-note = 未知解释说明“{ $name }”
e-hint-declare-note = 请在 notes/*.toml 中声明,写明条款、可选理解、所作选择及理由
e-unknown-applicant = 未知申报主体类型“{ $name }”

## 规则和推导(E002、E003、E021、E024、E025、E033、E043)。
e-expected-condition = 这里应为条件(类型 { $want }),实际是 { $found }
e-hint-condition = 请写一个比较,如 year.rd_expenditure >= 500万元
e-expected-field-type = 这里应为该字段类型的值({ $want }),实际是 { $found }
e-emit-date = 推导出的事件沿用原事件的日期
e-event-no-field = 事件“{ $event }”没有字段“{ $name }”
e-when-on-yearly = “when”用于筛选触发事件,按年度的规则没有触发事件
e-hint-yearly-guard = 按年度的条件请写在“guard”中
e-rule-kind = 规则类型应为 "award"、"limit" 或 "check",而不是 "{ $text }"
e-kind-has-no-field = { $kind ->
        [limit] 限额规则
       *[check] 核查规则
    }不应有“{ $name }”
e-hint-check-guard = 核查规则的 guard 就是它所核查的要求
e-amount-not-money = 金额必须是金额或金额区间,实际是 { $found }
e-hint-money-unit = 金额请带单位:{ $example }
e-budget-year = budget_year 应为 "same" 或 "next"(次年),而不是 "{ $text }"
e-top-up-unknown = 补差所依据的规则“{ $name }”不存在
e-top-up-of-top-up = 补差必须依据一条本身不是补差的基础规则
e-top-up-key = “requires.key”({ $key })与“{ $base }”的去重键({ $once })不一致
e-hint-top-up-key = 该键必须逐项重建基础奖励的去重键
e-second-approval = 应为大于 1 的数字(底线的倍数)
e-hint-second-approval = 如 "3":超过底线三倍的决定需要第二次审批
e-publication-days = 应为 1 到 30 之间的整数(工作日数)
e-publication-not-weekend = { $date } 不是星期六或星期日:只有周末才能调为工作日

## 日期和有效期(E040)。
date-not-iso = “{ $text }”不是 YYYY-MM-DD 格式的日期
date-bad-part = “{ $text }”中的{ $part ->
        [year] 年份
        [month] 月份
       *[day] 日
    }有误
e-validity-reversed = 有效期的结束日期({ $until })早于开始日期({ $from })

## 分档表和分段比例表(E030–E035)。
e-bound-no-word = “{ $text }”缺少边界用语
e-hint-bound-word = 请写明是否包含该数:以上/以下 包含,超过/不满 不包含(如 "500万元 以上")
e-bound-not-money = “{ $text }”不是金额
e-hint-unit = 请写单位:{ $example }
e-bound-wrong-side = “{ $word }”不能用在档位的“{ $side }”中
e-hint-bound-side = “{ $word }”应写在“{ $side }”中
e-tier-amount-exact = 档位金额必须是精确到分的非负金额
e-tier-amount-money = 档位金额必须是金额
e-tier-open-overlap = 档位重叠:前一档没有上限,或本档没有下限
e-hint-tier-bounds = 档位按从低到高排列,每档写“from”,除最后一档外都写“to”
e-tier-not-ascending = 档位没有按从低到高排列
e-hint-tier-ascending = 请从最低金额起依次列出档位
e-tier-gap = 档位之间有空档:介于 { $from }{ $from_word } 和 { $to }{ $to_word } 之间的数值不属于任何一档
e-hint-tier-gap = 每一档应从上一档结束处开始(以下 接 超过,或 不满 接 以上)
e-tier-overlap = 档位在 { $from } 到 { $to } 之间重叠
e-tier-shared-bound = { $value } 同时属于两档:“{ $upper }”和“{ $lower }”都包含它
e-hint-tier-overlap = 如果原文确实如此,请声明 `overlap = {"{"} prefer = "higher", note = "NOTE-ID" {"}"}`,并在 notes/*.toml 中记录这一理解
e-tier-amounts-decrease = 档位越高,金额反而越低
e-hint-tier-amounts = 较高档位的金额不能低于较低档位
e-overlap-unused = 声明了重叠规则,但没有两档共用同一边界
e-hint-remove-overlap = 请删除“overlap”
e-tier-no-band = 分档表至少需要一档
e-overlap-prefer = 重叠时的取向应为 "higher" 或 "lower",而不是 "{ $text }"
e-bracket-rate = 分段比例必须是百分比,如 30%
e-bracket-limit = 分段上限必须是金额,如 500万元
e-bracket-open = 只有最后一段可以不设上限(不写“upto”)
e-bracket-limits-rise = 分段上限必须逐段递增

## 方案:指标、目标、任务、专栏、条款登记表。
e-not-a-number = “{ $text }”不是数字
e-hint-figures = 按原文印刷的数字书写,如 "55.35"
e-implausible-year = { $year } 不是合理的年份
e-comparison = 比较方式应为 "at-least"、"reach" 或 "exactly",而不是 "{ $text }"
e-unknown-rule = 未知规则“{ $name }”
e-category = 类别应为 composite、input 或 output,而不是 "{ $text }"
e-baseline-year = 表中基期值为2021年数据,标 * 的为2020年数据
e-unknown-indicator = 未知指标“{ $name }”
e-task-no-units = 任务需要写明责任单位(第一个为牵头单位)
e-unit-not-quoted = “{ $name }”不在该任务的责任单位引文中
e-unknown-task = 未知任务“{ $name }”
e-task-lacks-box = 任务“{ $task }”没有列出专栏 { $box }
e-box-undeclared = 任务“{ $task }”列出了专栏 { $box },但该专栏未声明
e-clause-status = 状态应为 encoded、target 或 not-computable,而不是 "{ $text }"
e-unknown-target = 未知目标“{ $name }”
e-encoded-no-rules = 已编码的条款应列出其规则
e-target-no-targets = 目标类条款应列出其目标
e-no-reason = 请说明该条款为何未编码为规则(“reason”)

## 表达式:语法(E020)。
e-expr-syntax = 表达式语法错误:{ $detail }
e-lex-unexpected = 意外的字符“{ $char }”({ $detail })
e-lex-equals = 比较相等请写 `==`
e-lex-and = “并且”请写 `&&`
e-lex-or = “或者”请写 `||`
e-lex-full-width = 全角标点:请使用半角 ( ) ,
e-lex-foreign = 表达式语言中没有这个字符
e-parse-empty = 表达式为空
e-parse-trailing = 完整的表达式后面多出了“{ $token }”
e-hint-join = 多个条件请用 && 或 || 连接
e-parse-expected = 这里应为“{ $want }”,实际是“{ $token }”
e-parse-expected-end = 这里应为“{ $want }”,但表达式已经结束
e-parse-expected-word = 这里应为“{ $want }”
e-hint-if = 请写成 `if 条件 then A else B`
e-parse-too-deep = 表达式嵌套层数过多
e-parse-chained = 比较不能连写
e-hint-chained = 请写成 `a <= x && x < b`
e-parse-value-end = 这里应为一个值,但表达式已经结束
e-hint-money-literal = 金额按原文的写法书写:20万元、1亿元、500_000元
e-parse-name-after-dot = “.”后面应为名称
e-parse-value = 这里应为一个值,实际是“{ $token }”
e-parse-unit = 数字后的单位“{ $unit }”无法识别
e-hint-units = 单位为 元、万元、亿元 和 %(也可写作 萬元、億元)

## 表达式:名称和类型(E014、E021–E023、E034)。
e-wrong-type-found = { $detail },实际是 { $found }
e-not-needs-condition = “!”后面应为条件
e-negate-numbers = 只有数字才能取负
e-in-needs-list = “in”的右边必须是列表,如 [a, b]
e-list-item-type = 列表项是 { $item },但左边是 { $left }
e-list-constants = 列表项必须是常量
e-type-mismatch = 类型不匹配:“{ $op }”不能组合 { $left } 和 { $right }
e-hint-money-times-money = 金额乘金额不是金额;请乘以比例(20%)或数量
e-hint-compatible-types = 两边的类型必须相容
e-division = 只能除以规则包中写明的非零数字
e-hint-division = 这样每次计算都能得出结果:运行时不会出现除以零
e-if-condition = “if”后面应为条件
e-if-branches = “if”的两个分支类型不同:{ $then } 和 { $else }
e-list-alone = 列表只能出现在“in”的右边
e-unknown-attribute = 未知主体属性“{ $name }”
e-unknown-yearly = 未知年度数据“{ $name }”
e-event-out-of-scope-none = 这里不能读取事件“{ $event }”(这里没有可读取的事件)
e-event-out-of-scope = 这里不能读取事件“{ $event }”(只能读取“{ $scope }”)
e-hint-event-scope = 表达式只能读取触发其规则的事件
e-no-variant = “{ $enum }”没有取值“{ $name }”
e-unknown-name = 未知名称“{ $name }”
e-hint-fact-names = 事实的写法是 entity.名称、year.名称 或 事件.名称
e-ambiguous-variant = “{ $name }”是多个枚举的取值
e-hint-qualify = 请写明枚举:枚举.取值
e-arity-one = “{ $name }”需要 1 个参数,实际有 { $found } 个
e-arity = “{ $name }”需要 { $count } 个参数,实际有 { $found } 个
e-table-argument = “{ $name }”的第一个参数应为表名
e-lookup-money = “{ $name }”需要用金额查表
e-lookup-by = 表“{ $name }”须用{ $type }查表
e-ratio-types = “ratio”需要两个金额或两个数,实际是 { $left } 和 { $right }
e-prior-years = “prior”的第一个参数须为1至10的整数年数,如“prior(1, year.sales)”
e-years-after-count = “years_after”的第二个参数须为整数年数,如“years_after(entity.registered_on, 1)”
e-bound-kinds-differ = “{ $text }”与表中其他界限不是同一种量(金额、比例或数)
e-tier-amount-kinds-differ = 一张表的档位值须全为金额或全为分值
e-score-not-points = 评分项的值须为分值或分值区间,实际是 { $found }
e-standard-rule-kind = “{ $name }”须为按年度触发的{ $kind }规则
e-standard-unknown-rule = 标准所列规则“{ $name }”不存在
e-standard-score-pass = 标准的“score”与“pass”须同时给出或同时省略
e-pass-mark = “{ $text }”不是及格线:请写分值加界限词,如“60分 不低于”或“70分 超过”
e-unknown-tier-table = 未知分档表“{ $name }”
e-unknown-bracket-table = 未知分段比例表“{ $name }”
e-at-least-money = “at_least(x)”的参数应为金额(它为金额设下限)
e-arity-at-least-two = “{ $name }”至少需要 2 个参数
e-cannot-compare = “{ $name }”不能比较 { $left } 和 { $right }
e-needs-numbers = “{ $name }”需要数字,实际是 { $found }
e-range-types = “range”需要两个金额或两个比例,实际是 { $low } 和 { $high }
e-range-reversed = 区间写反了:下限高于上限
e-hint-range = 请写成 range(下限, 上限)
e-round-fen-money = “round_fen”只能把金额取整到分
e-year-of-date = “year_of”的参数应为日期
e-unknown-function = 未知函数“{ $name }”
e-functions-are = 可用的函数有:{ $list }

## 事实文件(F001–F010)。
f-invalid-json = JSON 格式错误:{ $detail }
f-invalid-toml = TOML 格式错误:{ $detail }
f-unknown-name = { $what ->
        [section] 未知部分
        [entity-attribute] 未知主体属性
        [yearly-figure] 未知年度数据
        [event-type] 未知事件类型
       *[event-field] “{ $event }”的未知字段
    }“{ $name }”
f-known-names = { $what ->
        [section] 可用的部分
        [entity-attribute] 已知的主体属性
        [yearly-figure] 已知的年度数据
        [event-type] 已知的事件类型
       *[event-field] “{ $event }”的已知字段
    }:{ $list }
f-not-a-table = { $detail }必须是表(对象),实际是{ $found ->
        [null] 空值(null)
        [boolean] 布尔值
        [number] 数字
        [string] 文本
        [list] 列表
       *[table] 表
    }
f-what-document = 事实文件
f-what-section = “{ $name }”
f-what-event = events[{ $index }]
f-no-entity = 缺少“entity”部分
f-hint-entity = 每个事实文件描述一个主体:{"{"} "entity": {"{"} "id": …, "kind": … {"}"} {"}"}
f-entity-key-empty = 主体的“{ $name }”必须是非空文本
f-entity-no-id = 主体需要“id”(或统一社会信用代码)
f-not-a-year = “{ $text }”不是公历年份
f-hint-years = 年度数据按年份填写:"years": {"{"} "2023": {"{"} … {"}"} {"}"}
f-events-not-a-list = “events”必须是列表,实际是{ $found ->
        [null] 空值(null)
        [boolean] 布尔值
        [number] 数字
        [string] 文本
        [list] 列表
       *[table] 表
    }
f-event-no-type = events[{ $index }] 缺少“type”
f-hint-one-of = 应为以下之一:{ $list }
f-event-no-date = events[{ $index }](“{ $event }”)缺少“date”
f-hint-date = 请写 "date": "YYYY-MM-DD"
f-field-value = “{ $field }”:{ $detail }

## 规则包的测试用例(cases/*.toml,C001–C004)。
c-cannot-read = 无法读取:{ $reason }
c-invalid-toml = TOML 格式错误:{ $detail }
c-no-cases = 用例文件应由 [[case]] 表组成
c-years-whole = 年份必须是整数
c-unexpected-key = 用例中出现了意外的键“{ $name }”
c-hint-case-keys = 可用的键有 name、cites、years、facts、expect
c-needs-name-cites = 用例需要“name”和“cites”(所检验的原文句子)
c-needs-expect = 用例至少需要一个 [[case.expect]]
c-expect-not-table = 预期结果应为表
c-expected-money = 应为金额
c-expected-money-string = 应为以字符串书写的金额
c-no-rule = 规则包中没有规则“{ $name }”
c-no-standard = 规则包中没有标准“{ $name }”
c-unknown-state = 未知状态“{ $name }”
c-hint-states = 可用的状态有 awarded、not-eligible、needs-information、not-in-force;检查项另有 met、not-met;评分项为 scored;标准为 meets、cannot-meet、depends-on-review、needs-information
c-no-note = 规则包中没有解释说明“{ $name }”
c-unexpected-expect-key = 预期结果中出现了意外的键“{ $name }”
c-hint-expect-keys = 可用的键有 rule 或 standard、state、amount、low、high、reason、year、budget_year、missing、notes、route、failed
c-expect-needs-rule-state = 预期结果需要“state”,以及“rule”与“standard”之一
