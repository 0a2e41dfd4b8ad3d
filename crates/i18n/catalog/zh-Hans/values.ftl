# 强科的提示信息(简体中文)。繁体由简体转换生成;各语言的消息编号和参数相同。

## 用户填写的值:事实文件、批量数据行、导入、表单字段。
cell-bool = 应填“是”或“否”(也可写 true/false、yes/no、1/0),填写的是“{ $text }”
cell-negative-count = { $text } 是负数;数量和年份不能为负
cell-count-too-large = 数字大得不合理
cell-not-whole = 应填整数,填写的是“{ $text }”
cell-not-number = 应填数字,填写的是“{ $text }”:{ $detail }
cell-money-percent = 应填金额,填写的是百分比
cell-not-money = “{ $text }”不是金额:{ $detail }
cell-money-negative = 金额 { $text } 是负数
cell-money-too-large = 金额 { $text } 大得不合理(超过1万亿元)
cell-money-finer-than-fen = 金额 { $text } 超出了分的精度(金额最多保留两位小数)
cell-not-rate = 应填百分比,如“20%”,填写的是“{ $text }”
cell-not-points = 应填分值,如“8分”或“8”,填写的是“{ $text }”
cell-not-a-fact-type = 这种类型不能作为事实填写
cell-unknown-choice = “{ $text }”不是可选的值
cell-hint-did-you-mean-choice = 是否应为“{ $zh }”?
cell-hint-choices = 可填:{ $zh }
cell-bad-uscc = 统一社会信用代码无效:{ $detail }

## 填写的值与类型不符(事实文件和表格单元格共用)。
cell-wrong-kind = 应填{ $detail },填写的是{ $found ->
        [null] 空值(null)
        [boolean] 布尔值
        [number] 数字
        [string] 文本
        [list] 列表
       *[table] 表
    }
cell-expect-bool = true 或 false
cell-expect-whole = 整数
cell-expect-number = 数字
cell-expect-money = 金额
cell-expect-rate = 百分比,如“20%”
cell-expect-points = 分值,如“8分”
cell-expect-date = 日期,如“2023-11-20”或“2023年11月20日”
cell-expect-text = 文本
cell-expect-uscc = 18位代码
cell-expect-choice = “{ $name }”中的一个名称
cell-expect-nothing = 空(这种类型不能作为事实填写)
cell-toml-float-money = TOML 浮点数无法精确表示金额
cell-hint-money-string = 请把金额写成字符串:"1500000.50" 或 "150万元"
cell-hint-money-forms = 请写成 "15000000"、"1500万元" 或 "1500000.50元"
cell-hint-money-negative = 事实中的金额不能为负数
cell-hint-money-fen = 事实中的金额精确到分(最多两位小数)

## 日期的各种写法。
date-shape = “{ $text }”不是日期:请写成 2023-11-20、2023/11/20、2023.11.20 或 2023年11月20日
date-not-real = “{ $text }”不是真实存在的日期
date-not-date = “{ $text }”不是日期

## 带单位的数字(金额、比例)。
qty-no-number = “{ $text }”不是以数字开头
qty-malformed = “{ $text }”不是格式正确的数字
qty-too-large = “{ $text }”太大
qty-unknown-unit = 未知单位“{ $unit }”;应为 元、万元、亿元 或 %
qty-comma-groups = “{ $text }”:逗号只能用于分隔千位,每组三位数字(如 1,500,000.50);小数部分请用小数点
qty-too-many-digits = “{ $text }”的位数超过可精确保存的位数(最多28位);不做任何舍入
qty-not-decimal = “{ $text }”太大或不是数字

## 台账中的状态和用户角色,页面上的写法。
state-pending = 待核实
state-approved = 已核实
state-rejected = 已驳回
state-decided = 已决定
state-scheduled = 待拨付
state-paid = 已拨付
role-entity = 企业或单位
role-reviewer = 审核人员
role-finance = 财政
role-county = 县区
role-admin = 管理员

## 上传或读取的文件。
file-neither-encoding = 文件既不是 UTF-8 文本,也不是 GB18030/GBK 文本(第 { $line } 行,第 { $byte } 个字节);请在 Excel 中另存为“CSV UTF-8”或 .xlsx

## 统一社会信用代码(GB 32100-2015)。
uscc-length = 统一社会信用代码有 18 位,这个有 { $n } 位
uscc-character = 第 { $at } 位“{ $char }”不允许(只能是数字和除 I、O、Z、S、V 以外的大写字母)
uscc-division = 第 3–8 位须是行政区划代码的数字
uscc-org-check = 第 17 位“{ $got }”不是组织机构代码的校验码(应为“{ $expect }”)
uscc-check = 校验码“{ $got }”有误:按 GB 32100-2015,这 17 位的校验码应为“{ $expect }”

## JSON 和 TOML 文件的格式错误。
json-trailing-text = JSON 文档之后还有多余的文字
json-bad-u-escape = \u 转义写法有误
json-too-deep = 文档嵌套层数太多
json-truncated = 文件意外结束:文档不完整
json-expected-key = 这里应是加引号的键名
json-expected-colon = 键名之后应是“:”
json-expected-comma-brace = 这里应是“,”或“{"}"}”
json-expected-comma-bracket = 这里应是“,”或“]”
json-expected-value = 这里应是一个值
json-expected-value-kinds = 这里应是一个值(对象、列表、文本、数字、true、false 或 null)
json-eof-in-string = 文本中途文件结束
json-nul = 文本中不允许 NUL 字符(\u0000)
json-lone-surrogate = 单独的代理项(\uD800–\uDBFF 没有配对)不是字符
json-unknown-escape = 文本中有未知的转义
json-control-char = 文本中有控制字符
json-key-twice = 同一对象中键名“{ $key }”出现了两次
toml-date-as-string = TOML 中的日期在这里须写成文本,例如 date = "2023-05-01"
toml-syntax = TOML 格式错误:{ $detail }
