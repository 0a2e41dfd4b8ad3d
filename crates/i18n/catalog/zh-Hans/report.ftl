## 规划监测:指标进展、县区评价和考核、重点任务、年度监测报告(qiangke-monitor)。

## 指标状态。
monitor-status-achieved = 已达成
monitor-status-on-track = 进度正常
monitor-status-behind = 略有滞后
monitor-status-at-risk = 存在风险
monitor-status-no-data = 缺少数据
monitor-status-not-computable = 无法计算

## 指标进展的说明,以及无法计算的原因。
monitor-note-latest-earlier = 无{ $year }年观测值,采用最近的{ $latest }年数据
monitor-note-no-county-baseline = 缺少该县区基期年份({ $year }年)的观测值
monitor-note-city-target = 按全市2025年目标值比较(方案未分解县区目标)
monitor-nc-no-baseline = 缺少可用的基期值
monitor-nc-no-target = 缺少2025年目标值
monitor-nc-baseline-beyond-target = 基期值已达到或超过目标值
monitor-nc-baseline-year = 基期年份({ $year }年)不早于2025年
monitor-nc-out-of-range = 数值超出可计算范围
monitor-scope-city = 全市

## 导入指标观测值和任务进展(CSV):出错的行和列,以及应填写的内容。
monitor-import-at-line = 第{ $line }行:{ $detail }
monitor-import-at-field = 第{ $line }行“{ $field }”列:{ $detail }
monitor-import-unreadable-header = 无法读取表头:{ $error }
monitor-import-header = 表头应为“{ $header }”
monitor-import-unreadable-row = 无法读取该行:{ $error }
monitor-import-field-count = 该行有{ $found }个字段,表头有{ $expected }个
monitor-import-not-number = “{ $text }”不是数字
monitor-obs-unknown-indicator = “{ $text }”不是本方案的指标(请填写指标编号、序号或名称)
monitor-obs-unknown-scope = “{ $text }”既不是全市也不是县区(应填“全市”或县区名称:{ $counties-zh })
monitor-obs-not-year = “{ $text }”不是有效年份(应为2000至2100年)
monitor-obs-implausible = { $value }:数值大得不合理,或小数超过8位
monitor-obs-wrong-unit = 指标{ $number }“{ $name-zh }”的计量单位是“{ $expected }”,不是“{ $unit }”
monitor-obs-percent-range = { $value }:百分比应在0至100之间(指标{ $number }“{ $name-zh }”)
monitor-obs-count-whole = { $value }:数量应为0或正整数(指标{ $number }“{ $name-zh }”)
monitor-obs-negative = { $value }:数值不能为负(指标{ $number }“{ $name-zh }”)
monitor-obs-no-source = 每条观测值都须注明数据来源
monitor-obs-duplicate = 指标{ $number }“{ $name-zh }”在{ $scope-zh }{ $year }年已有数值
monitor-task-unknown = “{ $text }”不是重点任务(请填写任务编号如 3-1-2,或条款如 三(一)2)
monitor-task-unknown-unit = “{ $text }”不是已登记的部门

## 重点任务的逾期事项。
monitor-overdue-target = { $what-zh }:应于{ $year }年达到{ $value }{ $unit }(最新值:{ $latest })
monitor-overdue-target-none = { $what-zh }:应于{ $year }年达到{ $value }{ $unit }(尚未报送数值)
monitor-overdue-milestone = { $what-zh }({ $year }年),此后未报送进展

## 县区评价和考核:权重(assessment.toml)和得分的组成部分。
monitor-weights-equal = 等权重(方案未规定权重)
monitor-weights-unreadable = 无法读取 assessment.toml:{ $error }
monitor-weights-syntax = assessment.toml 第{ $line }行第{ $column }列格式有误:{ $error }
monitor-weights-not-number = assessment.toml:“{ $key }”应为数字
monitor-weights-not-number-fraction = assessment.toml:“{ $key }”应为数字(小数请写成带引号的文字,如 "0.5")
monitor-weights-negative = assessment.toml:“{ $key }”不能为负数
monitor-weights-not-text = assessment.toml:“{ $key }”应为文字
monitor-weights-no-indicator = assessment.toml:“{ $key }”填写的指标“{ $id }”不存在
monitor-weights-no-note = assessment.toml:“{ $key }”填写的解释说明“{ $id }”不存在
monitor-weights-source = assessment.toml:“{ $key }”应为文字,或写成 {"{"} zh = "…", en = "…" {"}"}
monitor-weights-unknown-key = assessment.toml:未知的键“{ $key }”
monitor-part-completion = 指标完成情况
monitor-part-fiscal = 财政科技支出占比
monitor-part-rd = 研发经费投入强度
monitor-assess-part-missing = { $detail }缺少数据,未计入得分

## 年度监测报告:标题、表头、图例和说明。
report-title = { $plan } — { $year }年度监测报告
report-intro = 规则包 { $pack } · sha256 { $hash } · 状态判定:达到2025年目标值为已达成;完成进度不低于线性路径为进度正常;低于线性路径不超过10个百分点为略有滞后;超过10个百分点为存在风险。
report-indicators = 主要指标进展
report-chart-progress = 各指标完成进度与线性路径
report-chart-legend = 条形为完成进度(由基期值到2025年目标值已完成的比例),黑色竖线为线性路径(逐年均衡推进应达到的进度),虚线为100%。
report-col-number = 序号
report-col-indicator = 指标
report-col-unit = 单位
report-col-baseline = 基期值(年份)
report-col-target-2022 = 2022年目标
report-col-target-2025 = 2025年目标
report-col-latest = 最新值(年份)
report-col-share = 完成进度
report-col-linear = 线性路径
report-col-status = 状态
report-col-met-2022 = 2022年目标是否达成
report-col-needed = 每年尚需变动
report-col-projection = 按趋势推算2025年值
report-col-awards = 相关奖补
report-awards-in-year = { $year }年{ $count }项
report-yes = 是
report-no = 否
report-list-separator = 、
report-counties = 县区评价和考核
report-chart-counties = 各县区评价得分
report-weights = 权重(指标完成情况∶财政科技支出占比∶研发经费投入强度)为 { $completion }∶{ $fiscal }∶{ $rd }。依据:{ $source }
report-note = 解释说明[{ $clause }]:{ $choice }——{ $reason }
report-col-rank = 排名
report-col-county = 县区
report-col-completion = 指标完成情况
report-col-fiscal = 财政科技支出占比
report-col-rd = 研发经费投入强度
report-col-score = 得分
report-tasks = 重点任务
report-col-clause = 条款
report-col-task = 任务内容
report-col-lead = 牵头单位
report-col-overdue = 逾期事项
report-overdue-separator = ;
report-units = 责任单位
report-col-unit-name = 单位
report-col-leads = 牵头任务数
report-col-supports = 配合任务数
report-col-leads-overdue = 牵头任务中逾期数
report-missing = 缺少的数据
report-missing-none = 无
report-missing-observation = 指标{ $number }“{ $name-zh }”:截至{ $year }年无全市观测值
report-missing-not-computable = 指标{ $number }“{ $name-zh }”:{ $detail }
report-missing-county = { $county-zh }:{ $detail }
report-missing-updates = 未报送重点任务进展情况
report-missing-awards = 未提供奖补结果表(批量测算的输出),指标旁不列相关奖补
report-awards-unreadable = 无法读取奖补结果表:{ $error }
report-awards-column = 奖补结果表第{ $line }行:第{ $position }列应为“{ $column }”
