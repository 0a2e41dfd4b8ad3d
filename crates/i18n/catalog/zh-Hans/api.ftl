## 接口的 problem+json 答复(RFC 9457):标题,每类拒绝一个。
api-title-not-found = 未找到
api-title-forbidden = 无权操作
api-title-conflict = 状态冲突
api-title-not-signed-in = 未登录
api-title-invalid-input = 输入有误
api-title-invalid-request = 请求有误
api-title-invalid-facts = 事实有误
api-title-unreadable-body = 请求内容无法读取
api-title-unsupported-media-type = 不支持的内容类型
api-title-too-many-requests = 请求过多
api-title-too-many-attempts = 尝试次数过多
api-title-busy = 系统繁忙
api-title-storage-unavailable = 存储不可用
api-title-server-error = 服务器错误

## 出了什么问题(一般情况)。
api-session-expired = 未登录或会话已过期
api-problems-nothing-changed = { $count } 处问题;未作任何修改
api-changed-meanwhile = 另一个请求已先修改了此项;请刷新后重试
api-disk-full = 台账所在磁盘已满:未保存任何内容;请腾出空间后重试
api-read-only = 台账目前为只读:未保存任何内容;请稍后重试
api-storage-io = 台账无法写入存储:未保存任何内容;请稍后重试
api-storage-unreachable = 无法连接台账数据库:未保存任何内容;请稍后重试
api-database-failed = 数据库出错;未作修改
api-no-route = 没有 { $method } { $path } 这一接口;见 /api/openapi.json
api-request-refused = 请求无法处理:{ $text }

## 请求本身。
api-body-too-large = 请求内容超过该接口允许的大小
api-send-json = 请以 application/json 发送请求内容
api-same-site-only = 该请求必须来自本站
api-cookie-change-same-site = 以 Cookie 登录的修改请求必须来自本站
api-no-nul = 文字中不能含有 NUL 字符(U+0000)
api-json-at = 第 { $line } 行第 { $column } 列:{ $error }
api-bearer-shape = Authorization 请求头应为“Bearer <令牌>”
api-writes-per-minute = 该用户每分钟最多修改 { $limit } 次;请在 { $wait } 秒后重试
api-not-a-year = “{ $text }”不是 1990 至 2100 之间的年份
api-at-most-years = 每次请求最多 10 个申报年度
api-not-utf8 = 不是 UTF-8 文字:{ $error }
api-facts-problems = 事实中有 { $count } 处问题;未进行测算
api-too-many-events = { $count } 个事件:测算器每次最多处理 { $max } 个;批量测算请使用 `qiangke batch`
api-evaluations-busy = 同时进行的测算过多;请稍后重试
api-wrong-sign-in = 用户名或密码不正确
api-sign-ins-throttled = 登录失败次数过多;请在 { $wait } 秒后重试
api-sign-ins-busy = 同时登录的请求过多;请稍后重试
api-query-import = { $error }(请给出 ?source=…&format=csv|jsonl)
api-import-format = 请给出 ?format=csv 或 ?format=jsonl(或以 text/csv、application/x-ndjson 作为 Content-Type 发送)
api-not-a-budget-year = { $year } 不是 1990 至 2100 之间的预算年度
api-query-report = { $error }(请给出 ?year=2025,以及 format=json、html 或 csv)
api-not-a-report-year = { $year } 不是报告年度
api-objections-per-minute = 每个网络地址每分钟最多提出 { $limit } 件异议;请在 { $wait } 秒后重试
