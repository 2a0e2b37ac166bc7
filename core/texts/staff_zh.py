"""Chinese texts only members and coordinators read."""

ZH_STAFF: dict[str, str] = {
    # greeting, help and the commands of the menu
    "start_member": (
        "您好{name}委员！新案件会推送给您，点「认领」即可接手。\n发送 /help 查看委员命令。"
    ),
    "start_coordinator": (
        "您好{name}！您是协调员，可查看统计、分派和管理智库。\n发送 /help 查看命令。"
    ),
    "help_member": "委员可用命令：",
    "help_coordinator": "协调员可用命令：",
    "cmd_pending": "待办：本智库待认领、待我回复",
    "cmd_mine": "我办理的案件",
    "cmd_note": "内部备注：/note 编号 内容",
    "cmd_resolve": "办结：/resolve 编号 办理结果",
    "cmd_transfer": "转交：/transfer 编号 智库 理由",
    "cmd_stats": "统计：/stats 7d|30d|all",
    "cmd_overdue": "超期案件",
    "cmd_triage": "待分派案件",
    "cmd_assign": "分派：/assign 编号 智库或委员编号",
    "cmd_find": "搜索：/find 关键词",
    "cmd_members": "委员名单及工作量",
    "cmd_invite": "邀请委员：/invite 智库 [镇]",
    "cmd_removemember": "移除委员：/removemember 委员编号",
    "cmd_extend": "延期：/extend 编号 天数 理由（立即生效，每个案件限一次）",
    "cmd_deadlines": "办理时限与提醒规则",
    "cmd_invites": "邀请链接：查看与撤销",
    "cmd_revoke": "撤销邀请：/revoke 邀请码",
    "cmd_refer": "转办：/refer 编号 机构 说明",
    # notices of new cases, their cards and buttons
    "case_contact": "👤 {name} · 📞 {phone}",
    "case_contact_anonymous": "👤 匿名",
    "member_notice": (
        "🆕 <b>新案件 {ref}</b> · {tank}\n"
        "🕒 {time} · 📍 {station} · 📷 {photos}\n\n"
        "{text}{keywords}"
    ),
    "notice_keywords": "\n\n🔑 关键词：{keywords}（匹配度 {confidence}）",
    "btn_claim": "✋ 认领",
    "btn_transfer": "🔀 转交",
    "btn_detail": "📄 详情",
    "btn_ask": "❓ 询问居民",
    "btn_resolve": "✅ 办结",
    "claimed_toast": "您已认领 {ref}",
    "notice_claimed": "✅ 已由{member}委员认领",
    "notice_transferred": "🔀 已转交至 {tank}",
    "routed_toast": "{ref} 已分派",
    "case_location": "📌 位置：{lat}, {lon}",
    "btn_answer": "💬 答复居民",
    "btn_refer": "↪️ 转办",
    "notice_referred": "↪️ 已转办至{name}",
    # working on a case: claim, messages, notes, transfer, resolve, referral, refusals
    "forget_staff": "委员和协调员的信息请联系协调员处理。",
    "already_taken": "该案件已被其他委员认领。",
    "case_not_open": "该案件当前不能进行此操作。",
    "not_your_tank": "该案件不属于您所在的智库。",
    "not_assignee": "只有办理该案件的委员可以这样做。",
    "not_allowed_case": "您不能对该案件进行此操作。",
    "same_tank": "案件已在该智库。",
    "member_assigned": "📌 协调员将案件 <b>{ref}</b> 分派给您办理。",
    "compose_question": "请输入要询问居民的问题（{ref}），居民答复前办理时限暂停（/cancel 取消）：",
    "to_member": "💬 <b>{ref}</b> · {who}：\n\n{text}",
    "anonymous_resident": "匿名居民",
    "note_saved": "备注已记入 {ref}（居民不可见）。",
    "transfer_choose": "把 {ref} 转交到：",
    "transfer_reason": "请简要说明把 {ref} 转交至 {tank} 的理由：",
    "transferred_done": "{ref} 已转交。",
    "triage_reason": "协调员分派",
    "resolve_summary": "请写下 {ref} 的办理结果（会发给居民）：",
    "resolved_done": "{ref} 已办结，等待居民评价。",
    "member_rated": "⭐ 居民对 {ref} 的评价：{rating}",
    "member_reopened": "⚠️ 居民对 {ref} 的评价为「{rating}」，案件已重新打开，请继续办理。",
    "member_comment": "💬 居民对 {ref} 的补充意见：\n\n{text}",
    "coordinator_reopened": "⚠️ {ref} 居民评价不满意，已重开，办理委员：{member}",
    "assigned_tank": "{ref} 已分派至 {tank}。",
    "assigned_member": "{ref} 已分派给{member}委员。",
    "already_extended": "该案件已延期过一次。",
    "extended_done": "已延期：{ref} 的期限延至 {when}，居民和协调员已收到通知。",
    "coordinator_extended": "⏳ {member}委员将 {ref} 的期限延长 {days} 天（至 {when}，已生效）：{reason}",
    "member_withdrawn": "ℹ️ 居民说明：刚才发到 {ref} 的这段话是另一个新问题，已另行反映：\n\n{text}",
    "compose_answer": "请输入给居民的答复（{ref}），将以协调员名义发出（/cancel 取消）：",
    "answer_not_triage": "只有待分派的案件由协调员直接答复居民，{ref} 当前不是。",
    "refer_not_open": "{ref} 已有委员办理或已结案，不能转办。",
    "refer_choose": "把 {ref} 转办至：",
    "compose_referral": (
        "请写给居民的说明：为什么由{body}办理、怎样联系。发出后 {ref} 即以转办结案"
        "（/cancel 取消）："
    ),
    "referred_done": "{ref} 已转办至{body}，居民已收到说明。",
    "refer_body_line": "  {code} · {name}",
    "coordinator_referral_poor": "⚠️ 居民对 {ref} 的转办答复不满意，请查看。",
    # lists, figures, deadlines and digests
    "triage_notice": (
        "🗂 <b>待分派 {ref}</b>（未能自动确定领域）\n"
        "🕒 {time} · 📍 {station} · 📷 {photos}\n\n"
        "{text}{keywords}"
    ),
    "list_empty": "（无）",
    "brief_line": "<b>{ref}</b> · {tank} · {status} {who}\n    {text}{due}",
    "due_by": "\n    ⏰ {what}期限 {when}",
    "due_overdue": "\n    🔴 {what}已超期（{when}）",
    "owed_claim": "认领",
    "owed_reply": "首次答复",
    "owed_resolve": "办结",
    "owed_rating": "评价",
    "pending_unclaimed": "<b>本智库待认领</b>",
    "pending_mine": "<b>待我回复</b>",
    "mine_header": "<b>我办理的案件</b>",
    "overdue_header": "<b>超期案件</b>（最早到期在前）",
    "triage_header": "<b>待分派案件</b>：{count} 件，点智库名称即可分派",
    "triage_empty": "没有待分派的案件。",
    "find_header": "<b>搜索：</b>{words}",
    "members_header": "<b>委员名单</b>（编号 · 姓名 · 镇 · 办理中）",
    "member_line": "  {id} · {name} · {station} · {load} 件{unreachable}",
    "unreachable": " ⚠️ 无法联系",
    "stats": (
        "<b>统计</b>（{window}）\n"
        "案件总数：{total}\n{by_status}\n\n<b>各智库</b>\n{by_tank}\n\n"
        "当前超期：{overdue}\n"
        "响应率（按时认领并答复）：{response}\n"
        "办结率（不含转办）：{resolution}\n"
        "满意率（满意+基本满意）：{satisfaction}\n\n"
        "中位用时：认领 {claim} · 首次答复 {reply} · 办结 {resolve}"
    ),
    "window_7d": "近 7 天",
    "window_30d": "近 30 天",
    "window_all": "全部",
    "dur_days": "{d} 天 {h} 小时",
    "dur_hours": "{h} 小时 {m} 分",
    "dur_minutes": "{m} 分钟",
    "deadlines": (
        "<b>办理时限</b>（认领 · 首次答复 · 办结，自受理起计）\n{lines}\n\n"
        "到期前（时限过去 75% 时）提醒办理人，到期时再次提醒；未认领的案件到期自动分派给工作量最少的委员；"
        "再超过时限的 25% 升级至协调员。向居民询问时计时暂停。\n"
        "免打扰时段：{quiet}（{zone}），期间不发提醒和日报；紧急升级不受限：{urgent}\n"
        "每日 {digest} 推送待办日报，每周一推送周报。"
    ),
    "deadline_line": "  {tank}：{claim} · {reply} · {resolve}",
    "n_hours": "{n} 小时",
    "n_days": "{n} 天",
    "yes": "是",
    "no": "否",
    "digest_daily": "☀️ <b>{name}委员，早上好！今日待办：</b>",
    "digest_weekly": "📊 <b>上周工作周报</b>",
    "digest_undelivered": "⚠️ 本周有 {count} 条消息未能送达（对方屏蔽了机器人，或消息被拒收），请运维人员查看发送记录。",
    "stats_tank_line": "  {tank}：{counts}",
    "stats_no_tank": "未归入智库",
    # reminders, escalation and staff who cannot be reached
    "remind_soon": "⏰ <b>催办 {ref}</b>（{tank}）：{what}期限 {when} 即将到期。\n{text}",
    "remind_due": "🔴 <b>{ref}</b>（{tank}）已超过{what}期限（{when}），请尽快处理。\n{text}",
    "escalated": "🚨 <b>超期升级 {ref}</b>（{tank}）：{what}期限 {when} 已过。\n{text}",
    "escalated_holder": "办理委员：{who}",
    "nobody": "无人认领",
    "auto_assigned": "📌 案件 <b>{ref}</b> 超过认领期限无人认领，已按工作量分派给您。",
    "member_unreachable": "⚠️ 无法再联系委员 {name}（{tank}，编号 {id}）：对方已屏蔽机器人或账号停用。",
    "coordinator_unreachable": "⚠️ 无法再联系协调员 {name}（编号 {id}）：对方已屏蔽机器人或账号停用。",
    # invitations and membership
    "member_removed": "已移除委员 {name}，{count} 件办理中的案件已退回智库。",
    "you_were_removed": "您已不再担任智库委员。感谢您的付出！",
    "invite_link": (
        "邀请链接（加入<b>{tank}</b>智库，{days} 天内有效，仅限一人使用）：\n{link}\n\n"
        "也可让对方向本机器人发送：/start {code}"
    ),
    "invite_welcome": (
        "🎉 欢迎加入<b>{tank}</b>智库！\n"
        "本智库的新案件会推送到这里：点「认领」接手，点「详情」看全文；接手后用案件下方的按钮"
        "询问居民、答复和办结。每天早上还会收到一份待办日报。\n"
        "发送 /help 查看委员命令。"
    ),
    "invite_coordinator": "您已是协调员，无需加入智库。",
    "invites_header": "<b>有效的邀请链接</b>（邀请码 · 智库 · 镇 · 邀请人 · 有效期至）",
    "invite_line": "<code>{code}</code> · {tank} · {station} · {by} · {until}",
    "invites_none": "没有有效的邀请链接。发送 /invite 智库 [镇] 生成一个。",
    "btn_revoke": "✖️ 撤销 {code}",
    "revoke_unknown": "邀请码 {code} 无效（已使用、已过期或已撤销）。发送 /invites 查看有效的邀请。",
    "invite_revoked": "已撤销邀请 {code}，该链接不能再使用。",
    # timeline entries only staff see
    "event_note": "📝 内部备注：{text}",
    "event_transferred": "转交至 {tank}：{reason}",
    "event_reminder": "⏰ 系统催办（{owed}）",
    "event_escalated": "🚨 超期升级至协调员",
    # how to use the commands
    "note_usage": "用法：/note 编号 内容",
    "resolve_usage": "用法：/resolve 编号 办理结果",
    "transfer_usage": "用法：/transfer 编号 智库（如 法律、经济、农业或协调员） 理由",
    "assign_usage": "用法：/assign 编号 智库名称或委员编号（见 /members）",
    "stats_usage": "用法：/stats 7d、/stats 30d 或 /stats all",
    "find_usage": "用法：/find 关键词（可多个，空格分隔）",
    "invite_usage": "用法：/invite 智库 [镇代码]，例如 /invite 法律 daodi",
    "removemember_usage": "用法：/removemember 委员编号（见 /members）",
    "extend_usage": "用法：/extend 编号 天数(1-15) 理由；每个案件限延期一次",
    "revoke_usage": "用法：/revoke 邀请码（见 /invites）",
    "refer_usage": "用法：/refer 编号 机构 说明，例如 /refer 12 教育 学位分配由教育局负责……\n可转办的机构（代码 · 名称）：\n{bodies}",
    # /reply as coordinators may use it
    "cmd_reply_coordinator": "答复待分派的居民：/reply 编号 内容",
    # a case's status in the staff's lists and figures (residents read theirs in plain words)
    "staff_status_triage": "待分派",
    "staff_status_open": "待认领",
    "staff_status_claimed": "办理中",
    "staff_status_resolved": "已办结",
    "staff_status_closed": "已关闭",
    "staff_status_referred": "已转办",
    "case_detail_staff": (
        "<b>案件 {ref}</b> · {status}\n"
        "🏛 {tank} · 📍 {station}\n{contact}\n"
        "{text}\n\n<b>办理记录</b>\n{timeline}"
    ),
}
