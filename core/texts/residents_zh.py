"""Chinese texts a resident may read (members and coordinators read some of them too)."""

ZH_RESIDENTS: dict[str, str] = {
    # greeting, help and the commands of the menu
    "start_resident": (
        "您好{name}！这里是<b>民情直通车</b>，区政协委员在线倾听您的社情民意。\n\n"
        "请直接用文字告诉我您遇到的问题（可附照片），例如：\n"
        "“村里的承包地被占了，找谁都不管”\n\n"
        "我会把问题转给懂行的政协委员（法律、经济、农业等方面），并告诉您什么时候有人接手、"
        "什么时候给您答复。想看进度，点左下角菜单里的「我的反映」。"
    ),
    "draft_open": "您还有一条没提交的反映：可以接着补充，或点「取消」放弃。",
    "greeting_hint": "您好！请直接描述您遇到的问题：什么事、在哪里、持续多久了。可以附照片。",
    "help_resident": (
        "您可以：\n"
        "1. 直接发文字（可附照片）反映问题，我会转给懂行的委员；\n"
        "2. 点左下角菜单里的「我的反映」，看每件事办到了哪一步；\n"
        "3. 委员问您话时，点消息下面的「回复」按钮回答。"
    ),
    "cmd_start": "开始",
    "cmd_new": "反映新问题",
    "cmd_my": "我的反映及进度",
    "cmd_case": "查看一件事的详情：/case 编号",
    "cmd_cancel": "取消当前操作",
    "cmd_help": "帮助",
    "cmd_forgetme": "删除我的个人信息",
    "cmd_reply": "回复委员：/reply 编号 内容",
    # raising a concern: describe, town, contact, the card to confirm
    "ask_describe": "请用文字描述您要反映的问题：什么事、在哪里、持续多久了。可以附照片。",
    "ask_describe_with_photo": "请再用文字描述一下问题。",
    "need_words": "请用文字描述您的问题（只发表情或空白，我看不出是什么问题）。",
    "need_more_detail": "请再多写几句：具体是什么问题、在哪里、持续多久了？",
    "ask_station": "您的问题发生在哪个镇/街道？请选择（也可跳过）：",
    "use_buttons": "请点击上方按钮选择。",
    "text_appended": "已补充到问题描述中。请继续选择。",
    "text_too_long": "内容太长了，问题描述最多 {limit} 字。",
    "photo_added": "📷 已添加照片（{count}/{limit}）。",
    "photo_limit": "照片最多 {limit} 张，多出的未添加。",
    "location_saved": "📍 位置已记录。",
    "ask_contact": (
        "是否留下联系电话，方便委员回访？\n"
        "• 「分享手机号」：只有办理的委员和协调员能看到您的名字和电话，委员可以打电话给您\n"
        "• 「不留电话」：他们能看到您的名字，但没有电话，只在这里给您留言\n"
        "• 「匿名反映」：谁也看不到您的名字和电话；委员只能在这里留言，没法给您回电话"
    ),
    "contact_share": "📱 分享手机号",
    "contact_none": "不留电话",
    "contact_anonymous": "匿名反映",
    "contact_not_own": "请分享您本人的手机号（点下方按钮）。",
    "contact_saved": "电话已记录。",
    "contact_noted": "好的。",
    "skip": "跳过",
    "draft_card": (
        "<b>📝 请确认您的反映</b>\n\n"
        "{text}\n\n"
        "📷 照片：{photos} 张\n"
        "📍 镇/街道：{station}\n"
        "📞 联系方式：{contact}\n"
        "{route}\n\n"
        "可继续发送文字或照片补充。确认无误请点「确认提交」。"
    ),
    "card_route": "🏛 按您的选择，转给<b>{tank}</b>方面的委员",
    "card_route_triage": "🏛 暂时看不出属于哪个方面，先交给协调员，由他们找合适的委员",
    "card_keywords": "\n依据：{keywords}",
    "keyword_weight": "{word}（{weight}）",
    "keyword_separator": "、",
    "card_contact_phone": "{phone}",
    "card_contact_none": "不留电话",
    "card_contact_anonymous": "匿名",
    "btn_confirm": "✅ 确认提交",
    "btn_change_tank": "🔀 更改类别",
    "btn_cancel": "✖️ 取消",
    "choose_tank": "请选择问题所属领域：",
    "tank_unsure": "不确定，请协调员来定",
    "submitted_toast": "已提交",
    "submitted": (
        "✅ 已受理，您的反映编号是 <b>{ref}</b>。\n"
        "已转给<b>{tank}</b>方面的政协委员。\n"
        "⏰ {claim_by}前会有委员接手，{answer_by}前给您答复。\n"
        "有进展我会马上告诉您，不用再发消息催。点下方「查看进度」随时看办到哪一步。"
    ),
    "submitted_triage": (
        "✅ 已受理，您的反映编号是 <b>{ref}</b>。\n"
        "⏰ 协调员会在{claim_by}前为它找好合适的委员，{answer_by}前给您答复。\n"
        "有进展我会马上告诉您，不用再发消息催。点下方「查看进度」随时看办到哪一步。"
    ),
    "cancelled": "已取消，未提交任何内容。有问题随时发给我。",
    "cancelled_toast": "已取消",
    "draft_dropped": "之前未提交的草稿已放弃。",
    "step_cancelled": "已取消。",
    "nothing_to_cancel": "当前没有进行中的操作。",
    "describe_first": "请先用文字描述您要反映的问题。",
    "card_location": "📌 位置：已附（仅办理委员和协调员可见）",
    "expect_station": "请点击上方按钮选择镇/街道，或点「跳过」。",
    "expect_contact": "请点下方按钮：分享手机号、不留电话或匿名反映；也可以直接输入手机号。",
    "expect_confirm": "确认无误请点「确认提交」；如需补充问题，请写完整的一句话。",
    "expect_tank": "请点击上方按钮选择问题所属领域。",
    # their cases: the list, a case's card and its timeline
    "triage_name": "协调员",
    "not_given": "未填写",
    "status_triage": "正在找合适的委员",
    "status_open": "等委员接手",
    "status_claimed": "委员办理中",
    "status_resolved": "已办结",
    "status_closed": "已关闭",
    "my_none": "您还没有反映过问题。直接发文字即可开始。",
    "my_header": "您的反映（最近 {count} 条）：",
    "case_line": "<b>{ref}</b> · {status} · {tank} · {date}\n    {text}",
    "case_usage": "请写上编号，例如：/case 12",
    "case_not_found": "没有找到编号为 {ref} 的事项，或您无权查看。",
    "case_detail": (
        "<b>事项 {ref}</b> · {status}\n"
        "🏛 {tank} · 📍 {station}\n{contact}\n"
        "{text}\n\n<b>办理记录</b>\n{timeline}"
    ),
    "event_created": "居民提交，转至{tank}",
    "timeline_more": "（较早的 {count} 条记录未显示）",
    "member_retired": "委员不再任职",
    "event_claimed": "{member}委员接手办理",
    "event_message": "{side_label}：{text}",
    "side_member": "委员",
    "side_resident": "居民",
    "event_assigned": "协调员安排{member}委员办理",
    "event_resolved": "办结：{text}",
    "event_rated": "居民评价：{rating_label}",
    "event_comment": "居民补充意见：{text}",
    "event_closed_unrated": "7 天未评价，自动关闭",
    "event_returned": "退回智库：{reason}",
    "event_auto_assigned": "超时无人接手，安排{member}委员办理",
    "event_extended": "委员将办理期限延长 {days} 天：{reason}",
    "event_transferred_public": "转至{tank}办理",
    "event_withdrawn": "居民说明上一条是新问题，已另行反映",
    "status_referred": "已转办",
    "event_answered": "💬 协调员：{text}",
    "event_referred": "↪️ 转办至{name}：{text}",
    "case_referred": "{ref} 已转给其他部门办理，请按转办说明联系他们。如有新问题，请直接发送文字反映。",
    # what they hear while a case is worked on, and their answers
    "skipped_toast": "好的",
    "btn_as_new": "📝 作为新问题反映",
    "answer_sent": "已作为对 {ref} 中委员提问的答复，转给了委员。如果这是另一个新问题，请点「作为新问题反映」。",
    "answer_which": "有 {count} 件事的委员在等您答复。这段话是答复哪一件的？也可以作为新问题反映。",
    "comment_kept": "您的意见已记入 {ref} 的办理记录，谢谢！",
    "btn_reply": "💬 回复",
    "rating_good": "😊 满意",
    "rating_fair": "🙂 基本满意",
    "rating_poor": "😞 不满意",
    "resident_claimed": "👤 您的反映 <b>{ref}</b> 已由<b>{tank}</b>方面的{member}委员接手办理。有消息会在这里告诉您。",
    "resident_transferred": "🔀 您的反映 <b>{ref}</b> 已转交<b>{tank}</b>方面的委员办理。有进展我会马上告诉您。",
    "compose_message": "请输入关于 {ref} 的回复内容，写好直接发送（不想写了就点「取消」）：",
    "compose_need_text": "请发送文字内容，或点「取消」。",
    "to_resident": "💬 <b>{ref}</b> · {tank}方面的{member}委员：\n\n{text}\n\n想回复就点「回复」。",
    "to_resident_question": (
        "❓ <b>{ref}</b> · {tank}方面的{member}委员想了解：\n\n{text}\n\n请点「回复」或直接回复本消息。"
    ),
    "message_sent": "已发送（{ref}）。",
    "message_kept": "已记入 {ref} 的办理记录，委员接手后就能看到。",
    "resident_resolved": "✅ 您的反映 <b>{ref}</b> 已办结。\n\n办理结果：\n{text}\n\n请评价办理结果：",
    "rated_toast": "感谢评价",
    "rated_thanks": "感谢您的评价！{ref} 已关闭。如有新问题，直接发文字给我就行。",
    "rated_reopened": "很抱歉结果不理想，{ref} 已重新交由委员继续办理，协调员也已知悉。有进展我会马上告诉您。",
    "comment_prompt": "如有补充意见，可直接发送文字；不需要请点「跳过」。",
    "comment_thanks": "您对 {ref} 的意见已转达委员，谢谢！",
    "resident_closed_unrated": "您的反映 {ref} 办结 7 天未评价，已自动关闭。如仍有问题，欢迎再次反映。",
    "resident_extended": "⏳ 您的反映 <b>{ref}</b> 需要多一些时间：委员已将办理期限延长 {days} 天（至 {when}）。原因：{reason}",
    "to_resident_coordinator": (
        "💬 <b>{ref}</b> · 协调员：\n\n{text}\n\n请点「回复」或直接回复本消息。"
    ),
    "resident_referred": (
        "↪️ 您的反映 <b>{ref}</b> 不属于政协委员智库的办理范围，已转办至<b>{body}</b>{contact}。"
        "\n\n说明：\n{text}\n\n请评价这次答复："
    ),
    "referral_contact": "（{contact}）",
    "referral_rated": "感谢您的评价！{ref} 已结案。如有新问题，请直接发送文字反映。",
    # privacy
    "forget_explain": (
        "将删除您在本平台的姓名、电话和聊天身份，已反映的问题会匿名保留用于统计，"
        "之后您将无法再收到这些事的进展。确定吗？"
    ),
    "btn_forget_confirm": "确认删除",
    "forget_done": "已删除您的个人信息（涉及 {count} 件反映）。感谢您的参与！",
    # refusals and errors
    "text_clipped": "……（内容过长，未能全部显示）",
    "text_clipped_case": "……（内容过长，完整内容请发送 /case {number} 查看）",
    "button_stale": "该按钮已失效。",
    "unknown_command": "{command} 不是您能用的命令。发送 /help 看看您能做什么。",
    "not_allowed": "您没有使用该命令的权限。",
    "unsupported": "暂不支持{what}。请用文字描述问题，可附照片、位置或分享手机号。",
    "media_sticker": "贴纸",
    "media_voice": "语音",
    "media_audio": "音频",
    "media_video": "视频",
    "media_video_note": "视频消息",
    "media_document": "文件",
    "media_animation": "动图",
    "media_poll": "投票",
    "media_other": "这类消息",
    "private_only": "请在与我的私聊中反映问题。",
    "slow_down": "您发送得太快了，请稍等片刻再继续。已收到的内容不会丢失。",
    "internal_error": "抱歉，处理时出了点问题，请稍后再试。您已提交的内容不会丢失。",
    "conversation_lost": "抱歉，您之前未完成的操作已无法继续（机器人已更新），请重新开始。",
    "case_closed": "{ref} 已关闭。如有新问题，请直接发送文字反映。",
    "rating_closed": "这件事现在不需要评价。",
    "reply_usage": "用法：/reply 编号 内容",
    "invite_invalid": "邀请链接无效或已过期，请向协调员重新索取。",
    "wx_progress_open": "已受理",
    "wx_progress_claimed": "委员已接手",
    "wx_progress_answered": "已答复",
    "wx_progress_asked": "待补充",
    "wx_progress_resolved": "请评价",
    "wx_progress_closed": "已办结",
    "wx_progress_referred": "已转办",
    "wx_menu_new": "我要反映",
    "wx_menu_my": "我的反映",
    "wx_menu_help": "使用帮助",
    "media_voice_kept": "语音",
    "media_file": "附件",
    "media_place": "位置",
    "ask_contact_typed": (
        "是否留下联系电话，方便委员回访？\n"
        "• 直接输入您的手机号（仅负责委员和协调员可见）\n"
        "• 或选择不留电话、匿名反映"
    ),
    "expect_similar": "请点选上面的按钮：为相近的反映添一份声音，或继续提交新的反映。",
    "voice_offer": "🤝 您的邻居也反映过相近的问题，尚在办理中：\n{lines}\n\n如果是同一个问题，可以为其中一件添一份声音（附议），办理结果出来时您也会收到通知；如果不是，请继续提交新的反映。",
    "voice_line": "<b>{ref}</b> · {station} · {date} · {residents} 位居民 · 相近之处：{words}",
    "btn_add_voice": "➕ 附议 {ref}",
    "btn_new_case": "继续提交新的反映",
    "voice_added": "✅ 您已为 <b>{ref}</b> 添了一份声音。办理结果出来时，您会和提出人一样收到通知。",
    "voice_added_toast": "已附议",
    "voice_twice": "您已为 {ref} 添过声音了。",
    "voice_closed": "{ref} 已不在办理中，无法附议。您可以继续提交新的反映。",
    "voice_other_tank": "{ref} 不属于同一领域，无法附议。",
    "voice_own": "{ref} 是您自己提交的反映。",
    "supporter_resolved": "✅ 您附议的反映 <b>{ref}</b> 已办结。\n\n办理结果：\n{text}",
    "supporter_referred": "↪️ 您附议的反映 <b>{ref}</b> 已转交{body}办理。\n\n{text}",
    "resident_merged": "🔗 您的反映 <b>{dup}</b> 与 <b>{ref}</b> 是同一个问题，已并入 {ref} 一并办理。办理结果出来时您会收到通知。",
    "resident_unmerged": "您的反映 <b>{dup}</b> 已从 {ref} 中分出，恢复单独办理。",
    "event_supported": "又一位居民附议（共 {count} 位居民）",
    "event_merged": "与 #{into} 是同一问题，并入 #{into}",
    "event_merged_in": "#{dup} 并入这件事一并办理（共 {count} 位居民）",
    "event_unmerged": "撤销并单，恢复单独办理",
    "event_unmerged_out": "#{dup} 已分出，恢复单独办理",
    "case_finished": "{ref} 已办结。",
    # plain words for where a concern goes, the promises of the receipt, and a late answer
    "card_route_because": "🏛 因为提到了{keywords}，转给<b>{tank}</b>方面的委员",
    "keyword_quoted": "“{word}”",
    "btn_progress": "📄 查看进度",
    "btn_stop": "✖️ 取消",
    "promise_time": "{month}{day}日（{weekday}）{hm}",
    "month_1": "1月",
    "month_2": "2月",
    "month_3": "3月",
    "month_4": "4月",
    "month_5": "5月",
    "month_6": "6月",
    "month_7": "7月",
    "month_8": "8月",
    "month_9": "9月",
    "month_10": "10月",
    "month_11": "11月",
    "month_12": "12月",
    "weekday_0": "周一",
    "weekday_1": "周二",
    "weekday_2": "周三",
    "weekday_3": "周四",
    "weekday_4": "周五",
    "weekday_5": "周六",
    "weekday_6": "周日",
    "resident_late": (
        "⏳ 很抱歉：您的反映 <b>{ref}</b> 原定 {when} 前给您答复，现在还没有答复。"
        "我们已经在催办，您不用再发消息，有进展会马上告诉您。"
    ),
    "event_resident_late": "⏳ 答复晚于承诺的时间，已向居民说明",
    "resident_sent": "已发送（{ref}）。有回复我会马上告诉您。",
    # the desk, as residents read it
    "meet_invitation": "📣 议事会邀请\n议题：{topic}\n时间：{when}\n地点：{place}\n欢迎您参加，请回复是否参加。",
    "btn_meet_yes": "✅ 参加",
    "btn_meet_no": "不参加",
    "meet_answered_yes": "已记录：您将参加",
    "meet_answered_no": "已记录：您不参加",
    "meet_not_invited": "您不在这场议事会的邀请名单中。",
    "meet_not_scheduled": "议事会 {number} 已结束或已取消。",
    "meet_reminder": "⏰ 提醒：明天有议事会。\n{invitation}",
    "outcome_report_adopted": "📢 您反映的问题（{refs}）已写入社情民意信息，并被政协采用，报送有关部门。",
    "outcome_accepted": "📢 您反映的问题（{refs}）已形成政协提案，并已立案交有关部门办理。",
    "outcome_replied_A": "📢 关于您反映的问题（{refs}）的提案，承办单位答复：问题已解决。",
    "outcome_replied_B": "📢 关于您反映的问题（{refs}）的提案，承办单位答复：正在解决。",
    "outcome_replied_C": "📢 关于您反映的问题（{refs}）的提案，承办单位答复：已列入工作计划。",
    "outcome_rated_satisfied": "📢 关于您反映的问题（{refs}）的提案，委员对答复表示满意，办理结束。",
    "outcome_rated_basic": "📢 关于您反映的问题（{refs}）的提案，委员对答复表示基本满意，办理结束。",
    "outcome_rated_unsatisfied": "📢 关于您反映的问题（{refs}）的提案，委员对答复不满意，已要求承办单位再次答复。",
    "outcome_meet_held": "📢 就您反映的问题（{refs}）召开了议事会：{topic}。",
    "outcome_rated_unsatisfied_final": "📢 关于您反映的问题（{refs}）的提案，委员对再次答复仍不满意，办理结束。",
    "refs_separator": "、",
    # channels where a phone number is typed, never shared with a button (WeChat, WeCom)
    "unsupported_typed": "暂不支持{what}。请用文字描述问题，可附照片、位置或输入手机号。",
    "expect_contact_typed": "请直接输入您的手机号，或选择「不留电话」「匿名反映」。",
    "voice_message_added": "🎤 已添加语音（{count}/{limit}）。",
    "status_merged_into": "已并入 {ref}",
    "withheld": "（略）",
}
