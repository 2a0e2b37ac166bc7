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
    "notice_other_fields": "\n\n🚦 提到了{words}，不像{tanks}智库的领域",
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
    "stats_usage": "用法：/stats 7d、/stats 30d 或 /stats all；/stats chart 发送图表",
    "find_usage": "用法：/find 关键词（可多个，空格分隔）",
    "invite_usage": "用法：/invite 智库 [镇代码]，例如 /invite 法律 daodi",
    "removemember_usage": "用法：/removemember 委员编号（见 /members）",
    "extend_usage": "用法：/extend 编号 天数(1-15) 理由；每个案件限延期一次",
    "revoke_usage": "用法：/revoke 邀请码（见 /invites）",
    "refer_usage": "用法：/refer 编号 机构 说明，例如 /refer 12 教育 学位分配由教育局负责……\n可转办的机构（代码 · 名称）：\n{bodies}",
    "invite_code": (
        "邀请码（加入<b>{tank}</b>智库，{days} 天内有效，仅限一人使用）：\n{code}\n\n"
        "请对方在企业微信的本应用中发送这个邀请码。"
    ),
    "member_voice_added": "🤝 又一位居民为 <b>{ref}</b> 添了声音，现共 {count} 位居民反映此事。",
    "cmd_similar": "相近的案件（并单）",
    "cmd_merge": "并单：把重复的案件并入主案件",
    "cmd_unmerge": "撤销并单",
    "cmd_hot": "热点问题",
    "similar_usage": "用法：/similar 编号",
    "similar_none": "暂无与 {ref} 相近的在办案件。",
    "similar_header": "与 <b>{ref}</b> 相近的在办案件（{count} 位居民）：",
    "similar_line": "<b>{ref}</b> · {status} · {station} · {date} · {residents} 位居民 · 相近之处：{words}\n{text}",
    "btn_merge": "🔗 {dup} 并入 {ref}",
    "merge_usage": "用法：/merge 重复编号 主编号，例如 /merge 15 12",
    "unmerge_usage": "用法：/unmerge 编号（已并入其他案件的那一件）",
    "merge_done": "已将 {dup} 并入 {ref}，{ref} 现有 {count} 位居民。",
    "merge_same": "不能把案件并入它自己。",
    "merge_other_tank": "{dup} 与 {ref} 不属于同一智库，不能并单。",
    "merge_not_open": "{ref} 已不在办理中，不能并单。",
    "merge_already": "{ref} 已并入其他案件。",
    "merge_not_allowed": "只有协调员或承办委员可以并单。",
    "unmerge_done": "已撤销并单：{dup} 恢复单独办理。",
    "unmerge_not_merged": "{dup} 没有并入其他案件。",
    "unmerge_too_late": "{ref} 已办结，不能再撤销并单。",
    "hot_usage": "用法：/hot、/hot 7d 或 /hot 30d，可加智库，例如 /hot 30d 农业",
    "hot_header": "🔥 热点问题（{window}，按反映的居民人数排序）：",
    "hot_none": "{window}内暂无热点问题（同一问题至少 {least} 位居民反映）。",
    "hot_line": "{n}. <b>{title}</b> · {tank} · {places} · {residents} 位居民 · {count} 件 · 最近 {date}\n案件：{refs}",
    "hot_window_7d": "近 7 天",
    "hot_window_30d": "近 30 天",
    "btn_hot_dismiss": "忽略第 {n} 条",
    "hot_dismissed": "已忽略该热点，以后不再列出。",
    "digest_hot": "本周热点问题：",
    "stats_residents": "居民人数（含附议与并单）：{residents} 位居民反映了 {cases} 件案件。",
    "stats_most_voiced": "反映人数最多：{cases}",
    "card_similar": "🔗 相近的在办案件：{refs}（发送 /similar {ref} 查看或并单）",
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
    # the desk: reports, proposals, consultations, files
    "cmd_report": "社情民意信息：/report new 编号…",
    "cmd_proposal": "提案及其答复",
    "cmd_meet": "议事会：安排、邀请、纪要",
    "cmd_export": "导出诉求台账（表格）",
    "cmd_summary": "月度或年度统计（文字、图表与文件）",
    "desk_unavailable": "工作台暂不可用，请稍后再试。",
    "files_unavailable": "暂时无法生成文件，请稍后再试。",
    "btn_report_from_case": "📝 据此写社情民意",
    "report_usage": (
        "用法：\n/report new 3 7 12 —— 以这些诉求为素材新写一篇（最多 20 件）\n"
        "/report —— 我的社情民意信息\n/report show 编号 —— 查看\n/report file 编号 —— 生成文件"
    ),
    "report_not_found": "没有找到社情民意信息 {number}，或您无权查看。",
    "report_case_refused": "案件 {ref} 不存在，或不在您可引用的范围内。",
    "report_material": "<b>素材</b>：{count} 件诉求，涉及 {places} 个工作站（不含群众姓名与联系方式）\n{lines}",
    "report_material_line": "{ref} · {place} · {tank}\n{text}",
    "report_ask_title": "开始写社情民意信息 {number}（一事一报，标题与正文合计不超过 {limit} 字）。\n请发送<b>标题</b>：",
    "report_ask_situation": "已记录（{used}/{limit} 字）。请发送<b>基本情况</b>：",
    "report_ask_problems": "已记录（{used}/{limit} 字）。请发送<b>存在问题</b>：",
    "report_ask_suggestions": "已记录（{used}/{limit} 字）。请发送<b>意见建议</b>：",
    "report_need_text": "请发送文字内容。",
    "report_title_too_long": "标题有 {length} 字，最多 {limit} 字，请精简后重新发送。",
    "report_too_long": "加上这一段共 {length} 字，超过一事一报的 {limit} 字，请精简后重新发送。",
    "report_not_draft": "社情民意信息 {number} 已提交，不能再修改。",
    "report_not_yours": "社情民意信息 {number} 不是您写的，不能修改或提交。",
    "report_incomplete": "社情民意信息 {number} 还缺标题或正文，请先写完。",
    "report_no_title": "社情民意信息 {number} 还没有标题，暂不能生成文件。",
    "report_untitled": "（未命名）",
    "report_card": (
        "<b>社情民意信息 {number}</b>{special} · {status}\n<b>{title}</b>\n"
        "相关诉求：{cases}　字数：{used}/{limit}\n{sections}"
    ),
    "report_section": "<b>{heading}</b>\n{text}",
    "report_heading_situation": "一、基本情况",
    "report_heading_problems": "二、存在问题",
    "report_heading_suggestions": "三、意见建议",
    "report_special_mark": "（专报）",
    "report_status_draft": "草稿",
    "report_status_submitted": "已报送",
    "report_status_adopted": "已采用",
    "report_status_rejected": "未采用",
    "btn_report_edit": "✏️ 重写",
    "btn_report_submit": "📤 报送",
    "btn_report_file": "📄 生成文件",
    "btn_report_adopt": "✅ 采用",
    "btn_report_reject": "❌ 不采用",
    "btn_report_special": "⭐ 升为专报",
    "btn_report_proposal": "📑 转为提案",
    "reports_none": "还没有社情民意信息。发送 /report new 编号 开始写。",
    "reports_header": "<b>社情民意信息</b>\n{lines}",
    "report_line": "{number} · {title} · {status}",
    "report_filename": "社情民意信息-{number}",
    "report_file_caption": "社情民意信息 {number}：{title}",
    "report_file_coming": "正在生成文件……",
    "report_submitted_toast": "已报送 {number}",
    "report_submitted": "社情民意信息 {number} 已报送（第 {issue} 期），等待协调员审定。",
    "report_submitted_notice": "📥 新报送的社情民意信息 {number}：{title}\n发送 /report show {number} 审定。",
    "report_not_submitted": "社情民意信息 {number} 不在待审定状态。",
    "report_not_adopted": "社情民意信息 {number} 尚未采用，或已是专报。",
    "report_decided_adopted": "✅ 您的社情民意信息 {number}（{title}）已被采用。",
    "report_decided_rejected": "您的社情民意信息 {number}（{title}）未被采用。",
    "report_special_toast": "{number} 已升为专报",
    "proposal_usage": (
        "用法：\n/proposal —— 提案列表\n/proposal new 标题 #3 #7 —— 提出提案\n/proposal show 编号\n/proposal accept 编号 —— 立案\n"
        "/proposal assign 编号 承办单位、承办单位\n/proposal reply 编号 A 答复内容（A 已解决、B 正在解决、C 列入计划）"
    ),
    "proposal_not_found": "没有找到提案 {number}，或您无权查看。",
    "proposal_card": (
        "<b>提案 {number}</b> · {status}\n<b>{title}</b>\n承办单位：{bodies}\n相关诉求：{cases}\n"
        "答复期限：{due}\n答复（第 {round} 轮）：{grade}　{reply}\n提案人评价：{rating}"
    ),
    "proposal_status_submitted": "已提交",
    "proposal_status_accepted": "已立案",
    "proposal_status_assigned": "已交办",
    "proposal_status_replied": "已答复",
    "proposal_status_rated": "已评价",
    "grade_A": "A 已解决",
    "grade_B": "B 正在解决",
    "grade_C": "C 列入计划",
    "proposal_rating_satisfied": "满意",
    "proposal_rating_basic": "基本满意",
    "proposal_rating_unsatisfied": "不满意",
    "proposals_none": "还没有提案。",
    "proposals_header": "<b>提案</b>\n{lines}",
    "proposal_line": "{number} · {title} · {status}",
    "proposal_wrong_state": "提案 {number} 当前状态下不能这样办理。",
    "proposal_bodies_bad": "请写明承办单位，用顿号分隔，最多 {most} 个，每个不超过 {limit} 字。",
    "proposal_reply_bad": "请写明答复内容，不超过 {limit} 字。",
    "proposal_rate_please": "承办单位已答复您的提案，请评价：\n{card}",
    "proposal_not_proposer": "只有提案人可以评价提案 {number}。",
    "proposal_rated_toast": "已记录您的评价",
    "proposal_second_reply": "提案 {number} 的答复被评为不满意，已退回承办单位再次答复。",
    "proposal_due_soon": "⏰ 提案 {number}（{title}）的答复将于 {due} 到期。",
    "proposal_overdue": "🚨 提案 {number}（{title}）的答复已于 {due} 超期。",
    "beyond_calendar": "{day} 超出节假日日历的范围（至 {last}），无法按工作日计算期限，请更新日历。",
    "meet_usage": (
        "用法：\n/meet new 2026-12-03 14:30 工作站代码 议题 #3 #7\n/meet guest 编号 嘉宾单位或姓名\n"
        "/meet list 编号 —— 参会名单\n/meet minutes 编号 会议纪要\n/meet link 编号 report 或 proposal 编号 —— 关联成果"
    ),
    "meet_not_found": "没有找到议事会 {number}。",
    "meet_in_past": "议事会的时间不能早于现在。",
    "meet_scheduled": (
        "已安排议事会 {number}：{topic}\n时间：{when}　地点：{place}\n"
        "建议邀请：反映相关诉求的群众 {residents} 人（{refs}）；智库委员：{members}"
    ),
    "btn_meet_send": "📨 发送邀请",
    "meet_invited": "议事会 {number} 已发出 {count} 份邀请。",
    "meet_guest_bad": "嘉宾名称不超过 {limit} 字，每场最多 {most} 位。",
    "meet_guest_forward": "已记录嘉宾：{name}。以下邀请可直接转发：\n\n{invitation}",
    "meet_resident": "群众（{refs}）",
    "meet_attendance": (
        "<b>议事会 {number}：{topic}</b>\n参加：{yes}\n不参加：{no}\n未回复：{waiting}\n嘉宾：{guests}"
    ),
    "meet_minutes_long": "会议纪要不超过 {limit} 字。",
    "meet_minutes_saved": "议事会 {number} 的纪要已保存，相关群众已收到通知。",
    "export_usage": (
        "用法：/export [2026-11 或 2026] [智库] [工作站代码] [状态]，例如 /export 2026-11 农业"
    ),
    "export_filename": "诉求台账-{period}",
    "export_caption": "诉求台账（{period}）：{count} 件",
    "summary_usage": "用法：/summary 2026 或 /summary 2026-11",
    "summary_filename": "民情工作统计-{period}",
    "chart_cases_filename": "各智库诉求-{period}",
    "chart_rates_filename": "三率-{period}",
    "summary_caption": "民情工作统计（{period}）",
    "chart_cases_caption": "各智库诉求（按状态，{period}）",
    "chart_rates_caption": "近几周三率（{period}）",
    "summary_text": (
        "<b>民情工作统计（{period}）</b>\n受理群众诉求 {received} 件，办结 {solved} 件。\n"
        "撰写社情民意信息 {written} 篇，被采用 {adopted} 篇，其中专报 {special} 篇。\n"
        "提案：{proposals}\n召开议事会 {held} 场，参与群众 {people} 人次。\n"
        "响应率 {response}，办结率 {resolution}，满意率 {satisfaction}。"
    ),
    "summary_proposal_item": "{state} {count} 件",
    "summary_none": "无",
    "rate_line": "{percent}%（{hits}/{total}）",
    "rate_no_data": "暂无数据",
    "list_separator": "、",
    "files_refused": "内容不符合文件的要求（例如超长），未能生成文件。",
    "chart_period_weeks": "近{weeks}周",
    "proposal_submitted_notice": "📥 新提案 {number}：{title}\n发送 /proposal accept {number} 立案。",
    "meet_linked_report": "议事会 {number} 的成果已关联社情民意信息 {target}。",
    "meet_linked_proposal": "议事会 {number} 的成果已关联提案 {target}。",
    "report_proposed_already": "社情民意信息 {number} 已转为提案 {proposal}，发送 /proposal show {proposal} 查看。",
    "meet_topic_too_long": "议题有 {length} 字，最多 {limit} 字，请精简后重新发送。",
    "proposal_due_unknown": "⚠️ 提案 {number} 已退回再次答复，但答复期限暂无法计算：{why}",
    "btn_hot_report": "📝 第 {n} 条写成报告",
    "unmerge_main_closed": "{ref} 已不在办理中（已转办或已并入其他案件），不能再撤销并单。",
}
