## 批量计算(qiangke batch):输入文件的问题,按行、列定位。
batch-at-line = 第 { $line } 行:{ $message }
batch-at-cell = 第 { $line } 行第 { $column } 列“{ $field }”:{ $message }
batch-at-column = 第 { $column } 列“{ $name }”:{ $message }
batch-with-hint = { $message }({ $hint })
batch-row-width = 这一行有 { $n } 个字段,表头有 { $header } 个
batch-row-width-one = 这一行只有 1 个字段,表头有 { $header } 个
batch-cell-not-utf8 = 这个单元格不是 UTF-8 文本
batch-line-not-utf8 = 这一行不是 UTF-8 文本
batch-not-a-year = “{ $text }”不是年份
batch-row-needs-id = 每一行都须填写主体编号
batch-row-needs-year = 每一行都须填写年度
batch-event-without-date = “{ $event }”有填写的值,但没有日期“{ $event }.date”
batch-year-rows-differ = 主体“{ $id }”的 { $year } 年度有两行,其“{ $name }”不同
batch-attribute-differs = “{ $name }”与主体“{ $id }”前面一行的填写不同
batch-unsorted = 主体编号“{ $id }”排在“{ $before }”之后:各行须按主体编号排序,同一主体的各行相邻,以便一次计算其所有年度
batch-again-after-document = 主体“{ $id }”在已包含其所有年度的事实文档之后再次出现
batch-invalid-json = JSON 格式错误:{ $detail }
batch-json-not-object = 每一行须是一个 JSON 对象
batch-json-value = “{ $name }”的值须是文本、数字、是否或 null
batch-unreadable-csv = 无法读取的 CSV:{ $detail }

## 表头的问题。
batch-header-misfit = 表头与规则包不符:
batch-column-twice = 这项事实已有一列
batch-not-a-fact = 不是规则包中的事实;{ $detail }
batch-did-you-mean = 是否应为“{ $name }”?
batch-columns-are = 可用的列:id、name、year(或 主体编号、主体名称、年度),规则包的主体属性和年度数据,以及“事件.字段”,可写编号或中文名称
batch-header-lacks = 表头没有“{ $what }”列
batch-header-not-utf8 = 第 1 行:表头不是 UTF-8 文本
batch-header-unended = 表头行没有结束(引号外没有换行)
batch-empty-csv = 输入为空:第一行应是列出规则包事实的表头(id、year……)
batch-empty-jsonl = 输入为空:应每行一个 JSON 对象

## 整个运行的问题。
batch-io = { $path }:{ $detail }
batch-strict = 有 { $n } 行有误(严格模式):未写出任何结果,请查看错误
batch-strict-one = 有 1 行有误(严格模式):未写出任何结果,请查看错误
batch-other = { $detail }
batch-unknown-format = { $path }:无法识别的输入格式(应为 .csv、.jsonl、.xlsx 或 .parquet)
batch-parquet-feature = { $path }:读取 Parquet 需要带 parquet 功能的版本(cargo build --release --features parquet)
batch-parquet-unreadable = 无法读取 Parquet 输入:{ $detail }
batch-parquet-output = { $path }:Parquet 只用于补助结果表,且需要带 parquet 功能的版本
batch-xlsx-feature = { $path }:读取 .xlsx 需要带 xlsx 功能的版本(qiangke 程序已带)
batch-file-only = Parquet 和 .xlsx 须从文件读取,不能从数据流读取
batch-cannot-read = 无法读取输入:{ $detail }
batch-not-text = 输入不是文本:{ $detail }
batch-reader-failed = 读取线程失败
batch-workers-stopped = 计算线程已停止
batch-cannot-write = 无法写入 { $path }:{ $detail }

## 预算表(终端)。
batch-budget-year = 年度
batch-budget-payer = 拨付部门
batch-budget-clause = 条款
batch-budget-count = 笔数
batch-budget-low = 下限
batch-budget-high = 上限
batch-budget-subtotal = 小计
batch-budget-no-upper-limit = 不设上限
batch-budget-total = 合计

## Excel 和 Parquet 单元格。
xlsx-not-finite = 单元格不是有限的数字
xlsx-duration = 单元格是一段时长({ $text }),不是规则包中的值
xlsx-excel-error = 单元格是 Excel 错误值 { $text }
xlsx-date-time = 单元格是带时刻或超出范围的日期({ $serial })
xlsx-1900-02-29 = 单元格是 1900-02-29:Excel 有这一天,日历上没有
xlsx-impossible-date = 单元格是不存在的日期({ $serial })
parquet-negative-scale = 不支持负小数位数的 decimal({ $scale })
parquet-type = 不支持 Parquet 类型 { $type }(请用文本、整数、布尔、日期或 decimal)
parquet-float = { $value } 是二进制浮点数,不能精确表示金额;请存为 decimal 或文本
parquet-decimal-range = decimal 超出范围:{ $detail }
xlsx-unreadable = { $what }:不是可读取的 Excel 工作簿({ $detail })
xlsx-no-such-sheet = { $what }:没有名为“{ $sheet }”的工作表(现有:{ $sheets })
xlsx-no-sheet = { $what }:工作簿中没有工作表
xlsx-sheet-unreadable = { $what }:无法读取工作表“{ $sheet }”({ $detail })
xlsx-empty-sheet = { $what }:工作表“{ $sheet }”是空的

## What-if reforms (qiangke whatif, the what-if page)
whatif-error-at = { $file }:{ $message }
whatif-error-pack = 按此方案修改后,政策包未通过检查:
    { $report }
whatif-toml = 不是有效的 TOML:{ $detail }
whatif-unknown-section = 不认识的部分 [[{ $section }]](应为 [[rule]]、[[tier]] 或 [[sweep]])
whatif-not-a-table = 每个 [[{ $section }]] 都应是一个表
whatif-needs-string = [[{ $section }]] 需要 `{ $key }`(文字)
whatif-needs-band = 修改分档表的 [[{ $section }]] 需要 `band`(第几档,从 1 数起)
whatif-value-not-string = `{ $field }` 应是加引号的文字
whatif-sweep-target = 修改须指明 `rule`(规则),或 `table` 和 `band`(分档表及第几档)
whatif-sweep-values = [[sweep]] 需要 `values`(若干文字组成的列表)
whatif-no-rule = 政策包中没有规则 `{ $rule }`
whatif-no-table = 政策包中没有分档表 `{ $table }`
whatif-no-band = 分档表 `{ $table }` 没有第 { $band } 档
whatif-reorders = 方案只能修改规则,不能增加、删除或调换规则
whatif-awards = 新增奖补 { $gained } 项,减少 { $lost } 项,金额变化 { $changed } 项。
whatif-better = 受益主体 { $n } 个,合计 { $total },单个最多 { $most }。
whatif-none-better = 没有主体受益。
whatif-worse = 受损主体 { $n } 个,合计 { $total },单个最多 { $most }。
whatif-none-worse = 没有主体受损。
